-- Places per location valid at the end of each quarter and year (the Spreiding page's list of
-- locations, and the public view `locaties`). A location's places say nothing about its
-- clients, so this belongs to the public face; stg_capaciteit and raw_capaciteit stay in the
-- internal store. Like mart_capaciteit, no period beyond the latest capaciteit delivery.
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

-- The number of locations (data contract 1c: a location is a `locatie` name per voorziening
-- and gemeente, case-insensitive) with places valid at the end of each period: per gemeente
-- where they are (verblijf), for the region, and by product and cluster. A count of places,
-- not of people: like capaciteit, never suppressed.
CREATE OR REPLACE TABLE mart_locaties AS
WITH geldig AS (
    SELECT voorziening, periode, periode_type, gemeentecode, lower(locatie) AS locatie,
           product, cluster, demo
    FROM mart_capaciteit_locaties
    WHERE plekken > 0
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
           dimensie, count(DISTINCT locatie) AS waarde, bool_or(demo) AS demo
    FROM dimensies
    GROUP BY ALL
),
regio AS (
    SELECT voorziening, periode, periode_type, 'TOTAAL' AS gemeentecode, 'regio' AS perspectief,
           dimensie, count(DISTINCT (gemeentecode, locatie)) AS waarde, bool_or(demo) AS demo
    FROM dimensies
    GROUP BY ALL
),
nullen AS (
    -- a municipality without a location counts as zero in a period the region has some
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
SELECT voorziening, 'locaties' AS indicator, periode, periode_type, gemeentecode, perspectief,
       dimensie, CAST(waarde AS DOUBLE) AS waarde, 'capaciteit' AS bron, demo
FROM final;

-- The public view of locations (issue 12): per location and period, its places. Stable
-- columns; policy advisors read it like kerncijfers.
CREATE OR REPLACE VIEW locaties AS
SELECT l.voorziening, l.periode, l.periode_type, l.aanbieder, l.locatie, l.product, l.cluster,
       l.plekken, l.gemeentecode, n.gemeente, l.bestand AS bron, l.demo
FROM mart_capaciteit_locaties AS l
LEFT JOIN ref_gemeentenamen AS n USING (gemeentecode);
