-- For one product: aanmeldingen by aanmelding_type and instroom by cluster per quarter, the
-- breakdowns that kerncijfers does not cross with product. Counts per municipality only,
-- with the same period rules as mart_trajecten (whole quarters up to the latest peildatum).
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
aanmeldingen AS (
    SELECT k.periode, 'aanmeldingen' AS indicator, t.herkomstgemeente,
           NULL::VARCHAR AS verblijfsgemeente, t.aanmelding_type AS categorie,
           count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_aanmelding BETWEEN k.start AND k.eind
    GROUP BY ALL
),
instroom AS (
    SELECT k.periode, 'instroom' AS indicator, t.herkomstgemeente, t.verblijfsgemeente,
           t.cluster AS categorie, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k ON t.datum_instroom BETWEEN k.start AND k.eind
    WHERE t.cluster IS NOT NULL
    GROUP BY ALL
),
final AS (
    SELECT * FROM aanmeldingen
    UNION ALL
    SELECT * FROM instroom
)
SELECT * FROM final
ORDER BY indicator, periode, herkomstgemeente, verblijfsgemeente, categorie
