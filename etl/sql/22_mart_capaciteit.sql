-- Places valid at the end of each period, per municipality where they are (verblijf)
-- and for the region; bezettingsgraad = bezetting / capaciteit at the same moment.
CREATE OR REPLACE TABLE mart_capaciteit AS
WITH capaciteit AS (
    SELECT * FROM stg_capaciteit
),
perioden AS (
    -- from the first place on, up to the latest capaciteit delivery (not beyond: capacity
    -- is not carried into periods no capaciteit file speaks of)
    SELECT c.voorziening, p.periode, p.periode_type, p.eind
    FROM periodes AS p
    JOIN (
        SELECT voorziening, min(geldig_vanaf) AS vanaf FROM capaciteit GROUP BY voorziening
    ) AS c ON p.eind >= c.vanaf
    WHERE p.eind <= coalesce((SELECT max(peildatum) FROM raw_capaciteit), p.eind)
),
geldig AS (
    SELECT p.voorziening, p.periode, p.periode_type, c.gemeentecode, c.product, c.cluster,
           c.plekken, c.demo
    FROM perioden AS p
    JOIN capaciteit AS c
        ON c.voorziening = p.voorziening
        AND c.geldig_vanaf <= p.eind
        AND (c.geldig_tot IS NULL OR c.geldig_tot >= p.eind)
),
dimensies AS (
    SELECT *, NULL AS dimensie FROM geldig
    UNION ALL
    SELECT *, 'product=' || product FROM geldig WHERE product IS NOT NULL
    UNION ALL
    SELECT *, 'cluster=' || cluster FROM geldig WHERE cluster IS NOT NULL
),
per_gemeente AS (
    SELECT voorziening, periode, periode_type, gemeentecode, 'verblijf' AS perspectief,
           dimensie, sum(plekken) AS waarde, bool_or(demo) AS demo
    FROM dimensies
    GROUP BY ALL
),
regio AS (
    SELECT voorziening, periode, periode_type, 'TOTAAL' AS gemeentecode,
           'regio' AS perspectief, dimensie, sum(plekken) AS waarde, bool_or(demo) AS demo
    FROM dimensies
    GROUP BY ALL
),
nullen AS (
    -- municipalities without places count as zero, so maps and spreiding see them
    SELECT r.voorziening, r.periode, r.periode_type, g.gemeentecode, 'verblijf' AS perspectief,
           NULL AS dimensie, 0 AS waarde, r.demo
    FROM regio AS r
    CROSS JOIN ref_gemeenten AS g
    ANTI JOIN per_gemeente AS p
        ON p.voorziening = r.voorziening AND p.periode = r.periode
        AND p.gemeentecode = g.gemeentecode AND p.dimensie IS NULL
    WHERE r.dimensie IS NULL
),
final AS (
    SELECT * FROM per_gemeente
    UNION ALL SELECT * FROM regio
    UNION ALL SELECT * FROM nullen
)
SELECT voorziening, 'capaciteit' AS indicator, periode, periode_type, gemeentecode,
       perspectief, dimensie, CAST(waarde AS DOUBLE) AS waarde, 'capaciteit' AS bron, demo
FROM final;

CREATE OR REPLACE TABLE mart_bezettingsgraad AS
SELECT c.voorziening, 'bezettingsgraad' AS indicator, c.periode, c.periode_type,
       c.gemeentecode, c.perspectief, NULL AS dimensie,
       round(b.waarde / c.waarde, 4) AS waarde, 'capaciteit' AS bron, b.demo OR c.demo AS demo
FROM mart_capaciteit AS c
JOIN (
    -- a municipality with places and no clients has a bezettingsgraad of 0
    SELECT * FROM mart_trajecten WHERE indicator = 'bezetting' AND dimensie IS NULL
    UNION ALL
    SELECT * FROM mart_trajecten_nullen WHERE indicator = 'bezetting' AND dimensie IS NULL
) AS b
    ON b.voorziening = c.voorziening AND b.periode = c.periode
    AND b.gemeentecode = c.gemeentecode AND b.perspectief = c.perspectief
WHERE c.dimensie IS NULL AND c.waarde > 0;
