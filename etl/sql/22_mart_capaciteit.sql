-- Places per location valid at the end of each quarter and year, up to the latest capaciteit
-- delivery (capacity is not carried into periods no capaciteit file speaks of): the Spreiding
-- page's list of locations and the public view `locaties`. A location's places say nothing
-- about its clients, so this belongs to the public face; stg_capaciteit and raw_capaciteit
-- stay in the internal store.
CREATE OR REPLACE TABLE mart_capaciteit_locaties AS
WITH capaciteit AS (
    SELECT * FROM stg_capaciteit
),
perioden AS (
    SELECT periode, periode_type, eind
    FROM periodes
    WHERE eind <= coalesce((SELECT max(peildatum) FROM raw_capaciteit), eind)
),
final AS (
    SELECT c.voorziening, k.periode, k.periode_type, c.aanbieder, c.locatie, c.gemeentecode,
           c.product, c.cluster, CAST(sum(c.plekken) AS BIGINT) AS plekken,
           -- the file(s) the places come from: a published table or a supplier's list
           string_agg(DISTINCT c.bestand, ', ' ORDER BY c.bestand) AS bestand,
           bool_or(c.demo) AS demo
    FROM perioden AS k
    JOIN capaciteit AS c
        ON c.geldig_vanaf <= k.eind
        AND (c.geldig_tot IS NULL OR c.geldig_tot >= k.eind)
    GROUP BY ALL
)
SELECT * FROM final;

-- Per municipality where the places are (verblijf) and for the region, in total and by product
-- and cluster, at the end of each period: the places (capaciteit) and the number of locations
-- with places (data contract 1c: a location is a `locatie` name per voorziening and gemeente,
-- case-insensitive; `locaties_demo` is NULL where no location has places). Both are counts
-- of places, not of people: never suppressed.
CREATE OR REPLACE TEMP VIEW capaciteit_groepen AS
WITH geldig AS (
    SELECT voorziening, periode, periode_type, gemeentecode, lower(locatie) AS locatie,
           product, cluster, plekken, demo
    FROM mart_capaciteit_locaties
),
dimensies AS (
    SELECT *, NULL AS dimensie FROM geldig
    UNION ALL
    SELECT *, 'product=' || product FROM geldig WHERE product IS NOT NULL
    UNION ALL
    SELECT *, 'cluster=' || cluster FROM geldig WHERE cluster IS NOT NULL
)
SELECT voorziening, periode, periode_type, gemeentecode, 'verblijf' AS perspectief, dimensie,
       sum(plekken) AS plekken, bool_or(demo) AS demo,
       count(DISTINCT locatie) FILTER (WHERE plekken > 0) AS locaties,
       bool_or(demo) FILTER (WHERE plekken > 0) AS locaties_demo
FROM dimensies
GROUP BY voorziening, periode, periode_type, gemeentecode, dimensie
UNION ALL
SELECT voorziening, periode, periode_type, 'TOTAAL' AS gemeentecode, 'regio' AS perspectief,
       dimensie, sum(plekken) AS plekken, bool_or(demo) AS demo,
       count(DISTINCT (gemeentecode, locatie)) FILTER (WHERE plekken > 0) AS locaties,
       bool_or(demo) FILTER (WHERE plekken > 0) AS locaties_demo
FROM dimensies
GROUP BY voorziening, periode, periode_type, dimensie;

-- One indicator of capaciteit_groepen, and a zero for each municipality without any in a
-- period the region has some, so maps and spreiding see it.
CREATE OR REPLACE TEMP MACRO capaciteit_mart(ind) AS TABLE
WITH telling AS (
    SELECT voorziening, periode, periode_type, gemeentecode, perspectief, dimensie,
           CASE WHEN ind = 'capaciteit' THEN plekken ELSE locaties END AS waarde,
           CASE WHEN ind = 'capaciteit' THEN demo ELSE locaties_demo END AS demo
    FROM capaciteit_groepen
    WHERE ind = 'capaciteit' OR locaties_demo IS NOT NULL
),
nullen AS (
    SELECT r.voorziening, r.periode, r.periode_type, g.gemeentecode, 'verblijf' AS perspectief,
           NULL AS dimensie, 0 AS waarde, r.demo
    FROM telling AS r
    CROSS JOIN ref_gemeenten AS g
    ANTI JOIN telling AS p
        ON p.voorziening = r.voorziening AND p.periode = r.periode
        AND p.gemeentecode = g.gemeentecode AND p.dimensie IS NULL
    WHERE r.gemeentecode = 'TOTAAL' AND r.dimensie IS NULL
),
final AS (
    SELECT * FROM telling
    UNION ALL SELECT * FROM nullen
)
SELECT voorziening, ind AS indicator, periode, periode_type, gemeentecode, perspectief,
       dimensie, CAST(waarde AS DOUBLE) AS waarde, 'capaciteit' AS bron, demo
FROM final;

CREATE OR REPLACE TABLE mart_capaciteit AS SELECT * FROM capaciteit_mart('capaciteit');
CREATE OR REPLACE TABLE mart_locaties AS SELECT * FROM capaciteit_mart('locaties');

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
