-- The public view (data contract section 3): every figure, with per 10,000 inwoners
-- for each count of a municipality or the region.
CREATE OR REPLACE TABLE mart_kerncijfers AS
WITH basis AS (
    SELECT * FROM mart_trajecten
    UNION ALL BY NAME SELECT * FROM mart_herkomst_verblijf
    UNION ALL BY NAME SELECT * FROM mart_tellingen
    UNION ALL BY NAME SELECT * FROM mart_capaciteit
    UNION ALL BY NAME SELECT * FROM mart_bezettingsgraad
    UNION ALL BY NAME SELECT * FROM mart_weer_thuis
    UNION ALL BY NAME SELECT * FROM mart_locaties
),
inwoners AS (
    SELECT * FROM ref_inwoners_regio
),
per_10000 AS (
    -- population on 1 January of the period's year; the latest known year where the
    -- period lies beyond the reference data (documented on the definitions page)
    SELECT b.voorziening, b.indicator || '_per_10000' AS indicator, b.periode,
           b.periode_type, b.gemeentecode, b.perspectief, b.dimensie,
           round(b.waarde * 10000 / i.inwoners, 2) AS waarde,
           -- a telling per 10,000 is the warehouse's computation, not the document's
           afgeleid_uit(b.bron) AS bron, b.demo, b.bron AS basis
    FROM basis AS b
    ASOF JOIN inwoners AS i
        ON i.gemeentecode = b.gemeentecode
        AND CAST(left(b.periode, 4) AS INTEGER) >= i.jaar
    WHERE NOT is_ratio(b.indicator)
      -- a denominator of a share, not a number of people anyone compares per inwoner
      AND b.indicator <> 'uitstroom_woongemeente_bekend'
),
geleverd AS (
    -- the few per-10,000 figures a source delivered itself: where one exists, no twin is
    -- derived. Only these rows take part in the anti-join (not every row of basis).
    SELECT b.* FROM basis AS b
    SEMI JOIN (
        SELECT DISTINCT bron, voorziening, indicator FROM basis
        WHERE suffix(indicator, '_per_10000')
    ) AS g USING (bron, voorziening, indicator)
),
final AS (
    SELECT * FROM basis
    UNION ALL
    SELECT p.* EXCLUDE (basis) FROM per_10000 AS p
    ANTI JOIN geleverd AS b
        ON b.bron = p.basis AND b.voorziening = p.voorziening AND b.indicator = p.indicator
        AND b.periode = p.periode AND b.gemeentecode = p.gemeentecode
        AND b.perspectief = p.perspectief AND b.dimensie IS NOT DISTINCT FROM p.dimensie
)
SELECT f.voorziening, f.indicator, f.periode, f.periode_type, f.gemeentecode, n.gemeente,
       f.perspectief, f.dimensie, f.waarde, f.bron, f.demo
FROM final AS f
JOIN ref_gemeentenamen AS n USING (gemeentecode)
-- stored in the order the dashboard selects by, so a selection skips most row groups
ORDER BY f.voorziening, f.indicator, f.periode_type, f.periode, f.gemeentecode;

-- The stored figures and, computed when read, the zeros of the trajecten (see
-- 20_mart_trajecten.sql): a municipality without clients in a period still answers 0.
CREATE OR REPLACE VIEW kerncijfers AS
SELECT voorziening, indicator, periode, periode_type, gemeentecode, gemeente, perspectief,
       dimensie, waarde, bron, demo
FROM mart_kerncijfers
UNION ALL
SELECT z.voorziening, z.indicator, z.periode, z.periode_type, z.gemeentecode, n.gemeente,
       z.perspectief, z.dimensie, z.waarde, z.bron, z.demo
FROM mart_trajecten_nullen AS z
JOIN ref_gemeentenamen AS n USING (gemeentecode);

-- Which indicators kerncijfers has, and where (voorziening, perspective, breakdown, period
-- type, bron): what the definitions page lists. Made from the stored figures and the
-- nulrooster without filling a single zero: the zeros add a combination exactly where the
-- nulrooster has one (the anti-join of mart_trajecten_nullen only removes rows whose
-- combination is then stored).
CREATE OR REPLACE TABLE kerncijfers_structuur AS
WITH gemeenten AS (
    SELECT g.voorziening, g.perspectief, g.gemeentecode
    FROM nulrooster_gemeenten AS g
    SEMI JOIN ref_gemeentenamen AS n ON n.gemeentecode = g.gemeentecode
),
perioden AS (
    SELECT voorziening, periode_type, demo, max(CAST(left(periode, 4) AS INTEGER)) AS laatste_jaar
    FROM nulrooster_perioden
    GROUP BY ALL
),
perspectieven AS (
    -- per perspective and period type: a zero exists; its per-10,000 twin only where some
    -- municipality's population is known in or before a period of that type
    SELECT p.voorziening, p.periode_type, p.demo, g.perspectief,
           bool_or(b.eerste_jaar <= p.laatste_jaar) AS met_inwoners
    FROM perioden AS p
    JOIN gemeenten AS g ON g.voorziening = p.voorziening
    LEFT JOIN (SELECT gemeentecode, min(jaar) AS eerste_jaar FROM ref_inwoners_regio
               GROUP BY gemeentecode) AS b ON b.gemeentecode = g.gemeentecode
    GROUP BY ALL
),
uitsplitsingen AS (
    SELECT DISTINCT voorziening, split_part(dimensie, '=', 1) AS uitsplitsing
    FROM nulrooster_dimensies
),
nullen AS (
    SELECT p.voorziening, u.indicator || s.achtervoegsel AS indicator, p.perspectief,
           d.uitsplitsing, p.periode_type, 'trajecten' AS bron, p.demo
    FROM perspectieven AS p
    JOIN uitsplitsingen AS d ON d.voorziening = p.voorziening
    JOIN trajecten_uitsplitsingen AS u
        ON list_contains(u.dimensies, coalesce(d.uitsplitsing, ''))
        AND list_contains(u.perspectieven, p.perspectief)
    CROSS JOIN (VALUES (''), ('_per_10000')) AS s(achtervoegsel)
    WHERE u.telling
      AND (p.perspectief = 'verblijf' OR coalesce(d.uitsplitsing, '') <> 'herkomstgemeente')
      AND (s.achtervoegsel = '' OR p.met_inwoners)
)
SELECT DISTINCT voorziening, indicator, perspectief,
       split_part(dimensie, '=', 1) AS uitsplitsing, periode_type, bron, demo
FROM mart_kerncijfers
UNION
SELECT * FROM nullen;
