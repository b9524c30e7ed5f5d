-- For one product: uitstroom per quarter by herkomst, verblijf and bestemming, because
-- kerncijfers does not cross product with bestemming or with the herkomst split of the
-- verblijf rows. Counts only, with the period rules of mart_trajecten.
WITH trajecten AS (
    SELECT * FROM stg_trajecten
    WHERE voorziening = $voorziening AND product = $product
),
levering AS (
    SELECT max(peildatum) AS peildatum FROM stg_trajecten WHERE voorziening = $voorziening
),
kwartalen AS (
    SELECT p.periode, p.start, p.eind
    FROM periodes_trajecten AS p
    CROSS JOIN levering AS l
    WHERE p.periode_type = 'kwartaal'
      AND p.eind <= l.peildatum
      AND p.periode BETWEEN $van AND $tot
),
final AS (
    SELECT k.periode, t.herkomstgemeente, t.verblijfsgemeente,
           t.uitstroombestemming AS bestemming, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_uitstroom BETWEEN k.start AND k.eind
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY periode, herkomstgemeente, verblijfsgemeente, bestemming
