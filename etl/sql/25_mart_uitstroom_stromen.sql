-- Per product and quarter: uitstroom by herkomst, verblijf and bestemming (the Uitstroom
-- page with one product chosen), because kerncijfers does not cross product with bestemming
-- or with the herkomst split of the verblijf rows. Counts only; the period rules of
-- mart_trajecten.
CREATE OR REPLACE TABLE mart_uitstroom_stromen AS
WITH trajecten AS (
    SELECT * FROM stg_trajecten
),
kwartalen AS (
    SELECT * FROM stg_kwartalen
),
final AS (
    SELECT t.voorziening, t.product, k.periode, t.herkomstgemeente, t.verblijfsgemeente,
           t.uitstroombestemming AS bestemming, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k
        ON k.voorziening = t.voorziening
        AND t.datum_uitstroom BETWEEN k.start AND k.eind
    GROUP BY ALL
)
SELECT * FROM final;
