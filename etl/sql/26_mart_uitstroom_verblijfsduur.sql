-- How long the trajecten that left in a quarter stayed, in classes (the warehouse holds only
-- the median): counts per quarter, product, herkomst, verblijf and class, so any selection of
-- quarters and municipalities is a sum. Classes by calendar months: "3 maanden" is the same
-- date three months later. The period rules of mart_trajecten.
CREATE OR REPLACE TABLE verblijfsduurklassen AS
SELECT * FROM (VALUES
    (1, '< 3 maanden', 0, 3),
    (2, '3-6 maanden', 3, 6),
    (3, '6-12 maanden', 6, 12),
    (4, '1-2 jaar', 12, 24),
    (5, '2-3 jaar', 24, 36),
    (6, '> 3 jaar', 36, NULL)
) AS k(volgorde, klasse, vanaf_maanden, tot_maanden);

CREATE OR REPLACE TABLE mart_uitstroom_verblijfsduur AS
WITH trajecten AS (
    SELECT * FROM stg_trajecten
),
kwartalen AS (
    SELECT * FROM stg_kwartalen
),
klassen AS (
    SELECT * FROM verblijfsduurklassen
),
final AS (
    SELECT t.voorziening, t.product, k.periode, t.herkomstgemeente, t.verblijfsgemeente,
           c.volgorde, c.klasse, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k
        ON k.voorziening = t.voorziening
        AND t.datum_uitstroom BETWEEN k.start AND k.eind
    JOIN klassen AS c
        ON t.datum_uitstroom >= t.datum_instroom + to_months(c.vanaf_maanden)
        AND (c.tot_maanden IS NULL
             OR t.datum_uitstroom < t.datum_instroom + to_months(c.tot_maanden))
    GROUP BY ALL
)
SELECT * FROM final;
