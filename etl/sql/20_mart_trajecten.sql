-- Which breakdowns (dimension names) and perspectives each indicator of the trajecten has;
-- '' is the total; `telling`: a count, which is 0 where no traject counts (the zeros of
-- mart_trajecten_nullen). The herkomstgemeente split exists only on the verblijf rows (who houses
-- whose clients) and lives in mart_herkomst_verblijf.
CREATE OR REPLACE TABLE trajecten_uitsplitsingen AS
SELECT * FROM (VALUES
    ('aanmeldingen', ['', 'aanmelding_type', 'product', 'cluster', 'met_kinderen'],
        ['herkomst', 'regio'], true),
    ('instroom', ['', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
        ['herkomst', 'verblijf', 'regio'], true),
    ('uitstroom', ['', 'bestemming', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
        ['herkomst', 'verblijf', 'regio'], true),
    ('clienten', ['', 'product', 'cluster', 'met_kinderen'],
        ['herkomst', 'verblijf', 'regio'], true),
    ('bezetting', ['', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
        ['herkomst', 'verblijf', 'regio'], true),
    ('wachtlijst', ['', 'product', 'cluster'], ['herkomst', 'regio'], true),
    ('wachttijd_mediaan_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio'], false),
    ('wachttijd_p90_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio'], false),
    ('verblijfsduur_mediaan_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio'], false),
    ('instroom_pct', ['', 'product', 'cluster'], ['herkomst', 'verblijf', 'regio'], false),
    ('uitstroom_pct', ['', 'product', 'cluster'], ['herkomst', 'verblijf', 'regio'], false)
) AS t(indicator, dimensies, perspectieven, telling);

-- The periods of each voorziening: a voorziening is known up to its latest peildatum, later
-- periods are not derived.
CREATE OR REPLACE TABLE nulrooster_perioden AS
WITH leveringen AS (
    SELECT voorziening, max(peildatum) AS peildatum, bool_or(demo) AS demo
    FROM stg_trajecten
    GROUP BY voorziening
)
SELECT l.voorziening, l.demo, p.periode, p.periode_type, p.start, p.eind
FROM periodes_trajecten AS p
JOIN leveringen AS l ON p.eind <= l.peildatum;

-- Indicators of data contract section 2 from the trajecten, per period (quarter and
-- year), per perspective (herkomst, verblijf, regio) and dimension. Sparse: only figures
-- that are not zero are stored (and medians and percentages where they exist); the zeros of
-- every other combination a reader may ask for (every municipality of the region in every
-- period) are described by the narrow nulrooster_* tables and filled by the view
-- mart_trajecten_nullen, so the warehouse grows with the data, not with periods x
-- municipalities x dimension values.
--
-- Counts and stocks come from events, not from a range join of every traject with every
-- period it spans: each traject adds +1 on the day it is registered, flows in, flows out or
-- leaves the waiting list; a stock at a period's end is the running sum of those changes.
-- Validation guarantees aanmelding <= instroom <= uitstroom, uitstroom only after instroom
-- and afgemeld only without instroom, so:
--   bezetting(p) = #(instroom <= eind) - #(uitstroom <= eind)
--   bezetting_begin(p) = bezetting(p) - instroom(p) + uitstroom(p)   (the day before start)
--   clienten(p) = bezetting_begin(p) + instroom(p)
--   wachtlijst(p) = #Nieuw(aanmelding <= eind) - #Nieuw(coalesce(instroom, afgemeld) <= eind)
CREATE OR REPLACE TEMP TABLE tmp_trajecten_reeksen AS
WITH perioden AS (
    SELECT * FROM nulrooster_perioden
),
eerste AS (
    SELECT voorziening, periode_type, min(start) AS start FROM perioden GROUP BY ALL
),
gebeurtenissen AS (
    SELECT voorziening, herkomstgemeente, verblijfsgemeente, product, cluster,
           aanmelding_type, uitstroombestemming, met_kinderen,
           unnest([
               {'maat': 'aanmeldingen', 'datum': datum_aanmelding},
               {'maat': 'instroom', 'datum': datum_instroom},
               {'maat': 'uitstroom', 'datum': datum_uitstroom},
               {'maat': 'wacht_in',
                'datum': CASE WHEN aanmelding_type = 'Nieuw' THEN datum_aanmelding END},
               {'maat': 'wacht_uit',
                'datum': CASE WHEN aanmelding_type = 'Nieuw'
                              THEN coalesce(datum_instroom, datum_afgemeld) END}
           ], recursive := true)
    FROM stg_trajecten
),
gelabeld AS (
    -- the period of each change; '' for changes before the first period (they only open
    -- the stocks); changes after the last period find no period below and drop out
    SELECT g.* EXCLUDE (datum), e.periode_type,
           CASE
               WHEN g.datum < e.start THEN ''
               WHEN e.periode_type = 'jaar' THEN CAST(year(g.datum) AS VARCHAR)
               ELSE year(g.datum) || '-K' || quarter(g.datum)
           END AS periode
    FROM gebeurtenissen AS g
    JOIN eerste AS e ON e.voorziening = g.voorziening
    WHERE g.datum IS NOT NULL
),
per_sleutel AS (
    -- one grouping set per perspective x dimension name (and the herkomst split of the
    -- verblijf rows): every traject counts once per dimension name; NULL in a grouped
    -- column is "not applicable" (no verblijfsgemeente, no cluster) and drops out below
    SELECT voorziening, periode_type, periode,
           CASE WHEN grouping(verblijfsgemeente) = 0 THEN 'verblijf'
                WHEN grouping(herkomstgemeente) = 0 THEN 'herkomst'
                ELSE 'regio' END AS perspectief,
           CASE WHEN grouping(verblijfsgemeente) = 0 THEN verblijfsgemeente
                WHEN grouping(herkomstgemeente) = 0 THEN herkomstgemeente
                ELSE 'TOTAAL' END AS gemeentecode,
           CASE WHEN grouping(aanmelding_type) = 0 THEN 'aanmelding_type=' || aanmelding_type
                WHEN grouping(product) = 0 THEN 'product=' || product
                WHEN grouping(cluster) = 0 THEN 'cluster=' || cluster
                WHEN grouping(uitstroombestemming) = 0 THEN 'bestemming=' || uitstroombestemming
                WHEN grouping(met_kinderen) = 0 THEN 'met_kinderen=' || met_kinderen
                -- who houses whose clients: the verblijf rows split by herkomst
                WHEN grouping(verblijfsgemeente) = 0 AND grouping(herkomstgemeente) = 0
                    THEN 'herkomstgemeente=' || herkomstgemeente
                ELSE '*' END AS dimensie_of_totaal,
           count(*) FILTER (maat = 'aanmeldingen') AS aanmeldingen,
           count(*) FILTER (maat = 'instroom') AS instroom,
           count(*) FILTER (maat = 'uitstroom') AS uitstroom,
           count(*) FILTER (maat = 'wacht_in') AS wacht_in,
           count(*) FILTER (maat = 'wacht_uit') AS wacht_uit
    FROM gelabeld
    GROUP BY voorziening, periode_type, periode, GROUPING SETS (
        (), (aanmelding_type), (product), (cluster), (uitstroombestemming), (met_kinderen),
        (herkomstgemeente), (herkomstgemeente, aanmelding_type), (herkomstgemeente, product),
        (herkomstgemeente, cluster), (herkomstgemeente, uitstroombestemming),
        (herkomstgemeente, met_kinderen),
        (verblijfsgemeente), (verblijfsgemeente, aanmelding_type), (verblijfsgemeente, product),
        (verblijfsgemeente, cluster), (verblijfsgemeente, uitstroombestemming),
        (verblijfsgemeente, met_kinderen), (verblijfsgemeente, herkomstgemeente)
    )
),
geldig AS (
    SELECT * EXCLUDE (dimensie_of_totaal), nullif(dimensie_of_totaal, '*') AS dimensie
    FROM per_sleutel
    WHERE gemeentecode IS NOT NULL AND dimensie_of_totaal IS NOT NULL
),
sleutels AS (
    SELECT DISTINCT voorziening, perspectief, gemeentecode, dimensie, periode_type
    FROM geldig
),
reeks AS (
    -- every key in every period of its type (and the opening ''), so the running sums
    -- carry a stock through quarters without changes
    SELECT s.*, p.periode, p.demo
    FROM sleutels AS s
    JOIN (
        SELECT voorziening, periode_type, periode, demo FROM perioden
        UNION ALL
        SELECT DISTINCT voorziening, periode_type, '', demo FROM perioden
    ) AS p ON p.voorziening = s.voorziening AND p.periode_type = s.periode_type
),
lopend AS (
    SELECT r.*,
           coalesce(k.aanmeldingen, 0) AS aanmeldingen,
           coalesce(k.instroom, 0) AS instroom,
           coalesce(k.uitstroom, 0) AS uitstroom,
           sum(coalesce(k.instroom, 0) - coalesce(k.uitstroom, 0)) OVER w AS bezetting,
           sum(coalesce(k.wacht_in, 0) - coalesce(k.wacht_uit, 0)) OVER w AS wachtlijst
    FROM reeks AS r
    LEFT JOIN geldig AS k
        ON k.voorziening = r.voorziening AND k.perspectief = r.perspectief
        AND k.gemeentecode = r.gemeentecode AND k.dimensie IS NOT DISTINCT FROM r.dimensie
        AND k.periode_type = r.periode_type AND k.periode = r.periode
    WINDOW w AS (
        PARTITION BY r.voorziening, r.perspectief, r.gemeentecode, r.dimensie, r.periode_type
        ORDER BY r.periode ROWS UNBOUNDED PRECEDING
    )
)
SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
       aanmeldingen, instroom, uitstroom, bezetting,
       bezetting - instroom + uitstroom AS bezetting_begin,
       bezetting + uitstroom AS clienten,  -- = bezetting_begin + instroom
       wachtlijst
FROM lopend
WHERE periode <> '';

CREATE OR REPLACE TABLE mart_trajecten AS
WITH perioden AS (
    SELECT * FROM nulrooster_perioden
),
reeksen AS (
    SELECT * FROM tmp_trajecten_reeksen
    WHERE coalesce(dimensie, '') NOT LIKE 'herkomstgemeente=%'
),
duur AS (
    -- waiting time (new registrations, by the period of instroom) and length of stay (by
    -- the period of uitstroom), per perspective, in total and per product
    SELECT t.voorziening, p.perspectief, p.gemeentecode, d.dimensie, t.periode,
           k.periode_type, t.soort, t.aanmelding_type, t.wachttijd, t.verblijfsduur
    FROM (
        SELECT voorziening, herkomstgemeente, verblijfsgemeente, product, aanmelding_type,
               datediff('day', datum_aanmelding, datum_instroom) AS wachttijd,
               datediff('day', datum_instroom, datum_uitstroom) AS verblijfsduur,
               unnest([
                   {'soort': 'instroom',
                    'periode': year(datum_instroom) || '-K' || quarter(datum_instroom)},
                   {'soort': 'instroom', 'periode': CAST(year(datum_instroom) AS VARCHAR)},
                   {'soort': 'uitstroom',
                    'periode': year(datum_uitstroom) || '-K' || quarter(datum_uitstroom)},
                   {'soort': 'uitstroom', 'periode': CAST(year(datum_uitstroom) AS VARCHAR)}
               ], recursive := true)
        FROM stg_trajecten
        WHERE datum_instroom IS NOT NULL
    ) AS t
    CROSS JOIN LATERAL (VALUES ('herkomst', t.herkomstgemeente),
                               ('verblijf', t.verblijfsgemeente),
                               ('regio', 'TOTAAL')) AS p(perspectief, gemeentecode)
    CROSS JOIN LATERAL (VALUES (NULL::VARCHAR), ('product=' || t.product)) AS d(dimensie)
    JOIN perioden AS k ON k.voorziening = t.voorziening AND k.periode = t.periode
    WHERE p.gemeentecode IS NOT NULL
),
waarden AS (
    SELECT voorziening, periode, periode_type, perspectief, gemeentecode, dimensie,
           'wachttijd' AS maat, wachttijd AS dagen
    FROM duur WHERE soort = 'instroom' AND aanmelding_type = 'Nieuw'
    UNION ALL
    SELECT voorziening, periode, periode_type, perspectief, gemeentecode, dimensie,
           'verblijfsduur', verblijfsduur
    FROM duur WHERE soort = 'uitstroom'
),
gerangschikt AS (
    -- medians and p90 from the ranked values (a window sorts and spills to disk; DuckDB's
    -- median keeps every group's values in memory at once)
    SELECT *, row_number() OVER w - 1 AS k, count(*) OVER w_alle AS n
    FROM waarden
    WINDOW w AS (PARTITION BY voorziening, periode, perspectief, gemeentecode, dimensie, maat
                 ORDER BY dagen),
           w_alle AS (PARTITION BY voorziening, periode, perspectief, gemeentecode, dimensie,
                      maat)
),
posities AS (
    -- quantile_cont: between the order statistics around (n - 1) * q
    SELECT g.*, q.indicator, (g.n - 1) * q.q AS rn
    FROM gerangschikt AS g
    JOIN (VALUES ('wachttijd', 'wachttijd_mediaan_dagen', 0.5::DOUBLE),
                 ('wachttijd', 'wachttijd_p90_dagen', 0.9::DOUBLE),
                 ('verblijfsduur', 'verblijfsduur_mediaan_dagen', 0.5::DOUBLE)
         ) AS q(maat, indicator, q) ON q.maat = g.maat
    WHERE g.k BETWEEN floor((g.n - 1) * q.q) AND ceil((g.n - 1) * q.q)
),
mediaan AS (
    -- rounded to 6 decimals: days interpolated in tenths, without the last bits of floating
    -- point noise (96.3, not 96.30000000000001)
    SELECT voorziening, periode, periode_type, perspectief, gemeentecode, dimensie, indicator,
           round(min(dagen)::DOUBLE * (1.0 - (any_value(rn) - floor(any_value(rn))))
                 + max(dagen)::DOUBLE * (any_value(rn) - floor(any_value(rn))), 6) AS waarde
    FROM posities
    GROUP BY ALL
),
aantallen AS (
    UNPIVOT (SELECT * EXCLUDE (bezetting_begin) FROM reeksen)
    ON aanmeldingen, instroom, uitstroom, clienten, bezetting, wachtlijst
    INTO NAME indicator VALUE waarde
),
percentages AS (
    -- yearly share of the clients in care during the year (bezetting at the start + instroom)
    SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
           'instroom_pct' AS indicator,
           round(100.0 * instroom / (bezetting_begin + instroom), 1) AS waarde
    FROM reeksen
    WHERE periode_type = 'jaar' AND bezetting_begin + instroom > 0
    UNION ALL
    SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
           'uitstroom_pct',
           round(100.0 * uitstroom / (bezetting_begin + instroom), 1)
    FROM reeksen
    WHERE periode_type = 'jaar' AND bezetting_begin + instroom > 0
),
final AS (
    SELECT x.voorziening, x.indicator, x.periode, x.periode_type, x.gemeentecode,
           x.perspectief, x.dimensie, CAST(x.waarde AS DOUBLE) AS waarde,
           'trajecten' AS bron, x.demo
    FROM (
        SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
               indicator, waarde
        FROM aantallen
        WHERE waarde <> 0  -- zeros come from mart_trajecten_nullen
        UNION ALL BY NAME
        SELECT m.*, p.demo
        FROM mediaan AS m
        JOIN perioden AS p USING (voorziening, periode, periode_type)
        UNION ALL BY NAME
        SELECT * FROM percentages
    ) AS x
    JOIN trajecten_uitsplitsingen AS a
        ON a.indicator = x.indicator
        AND list_contains(a.dimensies, coalesce(split_part(x.dimensie, '=', 1), ''))
        AND list_contains(a.perspectieven, x.perspectief)
    WHERE x.waarde IS NOT NULL
)
SELECT * FROM final;

-- Who houses whose clients: the verblijf rows split by herkomstgemeente, its own sparse table
-- (filled with zeros it would grow with the square of the number of municipalities).
CREATE OR REPLACE TABLE mart_herkomst_verblijf AS
WITH lang AS (
    UNPIVOT (
        SELECT voorziening, demo, periode, periode_type, gemeentecode, dimensie,
               instroom, uitstroom, bezetting
        FROM tmp_trajecten_reeksen
        WHERE dimensie LIKE 'herkomstgemeente=%'
    )
    ON instroom, uitstroom, bezetting INTO NAME indicator VALUE waarde
)
SELECT voorziening, indicator, periode, periode_type, gemeentecode, 'verblijf' AS perspectief,
       dimensie, CAST(waarde AS DOUBLE) AS waarde, 'trajecten' AS bron, demo
FROM lang
WHERE waarde <> 0;

DROP TABLE tmp_trajecten_reeksen;

-- Where a reader expects a zero: every municipality of the region (and every municipality
-- a client came from or stayed in) under both perspectives, and the region total ...
CREATE OR REPLACE TABLE nulrooster_gemeenten AS
SELECT DISTINCT voorziening, 'herkomst' AS perspectief, herkomstgemeente AS gemeentecode
FROM stg_trajecten
UNION
SELECT DISTINCT voorziening, 'verblijf', verblijfsgemeente
FROM stg_trajecten WHERE verblijfsgemeente IS NOT NULL
UNION
SELECT l.voorziening, persp.perspectief, g.gemeentecode
FROM (SELECT DISTINCT voorziening FROM nulrooster_perioden) AS l
CROSS JOIN ref_gemeenten AS g
CROSS JOIN (VALUES ('herkomst'), ('verblijf')) AS persp(perspectief)
UNION
SELECT DISTINCT voorziening, 'regio', 'TOTAAL' FROM nulrooster_perioden;

-- ... for the total (NULL) and every dimension value that occurs for the voorziening.
CREATE OR REPLACE TABLE nulrooster_dimensies AS
SELECT DISTINCT voorziening, unnest([
    NULL::VARCHAR,
    'aanmelding_type=' || aanmelding_type,
    'product=' || product,
    'cluster=' || cluster,
    'bestemming=' || uitstroombestemming,
    'met_kinderen=' || met_kinderen,
    CASE WHEN verblijfsgemeente IS NOT NULL THEN 'herkomstgemeente=' || herkomstgemeente END
]) AS dimensie
FROM stg_trajecten;

-- The zeros: every count (and its per-10,000 twin where the population is known) of every
-- combination of the nulrooster that no traject touches. Computed when read, so a selection
-- fills only the zeros it asks for; kerncijfers (30) shows them next to the stored figures.
CREATE OR REPLACE VIEW mart_trajecten_nullen AS
WITH rooster AS (
    SELECT p.voorziening, i.indicator, i.basis, p.periode, p.periode_type, g.gemeentecode,
           g.perspectief, d.dimensie, p.demo
    FROM nulrooster_perioden AS p
    JOIN nulrooster_gemeenten AS g ON g.voorziening = p.voorziening
    JOIN nulrooster_dimensies AS d ON d.voorziening = p.voorziening
    JOIN (
        SELECT u.indicator AS basis, u.indicator || s.achtervoegsel AS indicator,
               u.dimensies, u.perspectieven
        FROM trajecten_uitsplitsingen AS u
        CROSS JOIN (VALUES (''), ('_per_10000')) AS s(achtervoegsel)
        WHERE u.telling
    ) AS i
        ON list_contains(i.dimensies, coalesce(split_part(d.dimensie, '=', 1), ''))
        AND list_contains(i.perspectieven, g.perspectief)
    WHERE g.perspectief = 'verblijf' OR coalesce(d.dimensie, '') NOT LIKE 'herkomstgemeente=%'
),
bekend AS (
    -- per 10,000 only from the first year whose population is known (as for stored figures)
    SELECT gemeentecode, min(jaar) AS eerste_jaar FROM ref_inwoners_regio GROUP BY gemeentecode
),
gezocht AS (
    SELECT r.*
    FROM rooster AS r
    LEFT JOIN bekend AS b ON b.gemeentecode = r.gemeentecode
    WHERE r.indicator = r.basis OR CAST(left(r.periode, 4) AS INTEGER) >= b.eerste_jaar
),
waargenomen AS (
    SELECT voorziening, indicator, periode, gemeentecode, perspectief, dimensie
    FROM mart_trajecten
    UNION ALL
    SELECT voorziening, indicator, periode, gemeentecode, perspectief, dimensie
    FROM mart_herkomst_verblijf
)
SELECT z.voorziening, z.indicator, z.periode, z.periode_type, z.gemeentecode, z.perspectief,
       z.dimensie, 0.0::DOUBLE AS waarde, 'trajecten' AS bron, z.demo
FROM gezocht AS z
ANTI JOIN waargenomen AS w
    ON w.voorziening = z.voorziening AND w.indicator = z.basis AND w.periode = z.periode
    AND w.gemeentecode = z.gemeentecode AND w.perspectief = z.perspectief
    AND w.dimensie IS NOT DISTINCT FROM z.dimensie;
