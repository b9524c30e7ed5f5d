-- Indicators of data contract section 2 from the trajecten, per period (quarter and
-- year), per perspective (herkomst, verblijf, regio) and dimension.
CREATE OR REPLACE TABLE mart_trajecten AS
WITH trajecten AS (
    SELECT * FROM stg_trajecten
),
leveringen AS (
    -- a voorziening is known up to its latest peildatum: later periods are not derived
    SELECT voorziening, max(peildatum) AS peildatum, bool_or(demo) AS demo
    FROM trajecten
    GROUP BY voorziening
),
perioden AS (
    SELECT l.voorziening, l.demo, p.periode, p.periode_type, p.start, p.eind
    FROM periodes_trajecten AS p
    JOIN leveringen AS l ON p.eind <= l.peildatum
),
perspectieven AS (
    SELECT *, 'herkomst' AS perspectief, herkomstgemeente AS gemeentecode FROM trajecten
    UNION ALL
    SELECT *, 'verblijf', verblijfsgemeente FROM trajecten WHERE verblijfsgemeente IS NOT NULL
    UNION ALL
    SELECT *, 'regio', 'TOTAAL' FROM trajecten
),
dimensies_uitgevouwen AS (
    -- '*' stands for "no dimension" (the total); every traject counts once per dimension name
    SELECT
        p.*,
        unnest(['*'] || list_filter([
            'aanmelding_type=' || aanmelding_type,
            'product=' || product,
            'cluster=' || cluster,
            'bestemming=' || uitstroombestemming,
            'met_kinderen=' || met_kinderen,
            -- who houses whose clients: the verblijf rows split by herkomst
            CASE WHEN perspectief = 'verblijf' THEN 'herkomstgemeente=' || herkomstgemeente END
        ], lambda x: x IS NOT NULL)) AS dimensie_of_totaal
    FROM perspectieven AS p
),
dimensies AS (
    SELECT * EXCLUDE (dimensie_of_totaal), nullif(dimensie_of_totaal, '*') AS dimensie
    FROM dimensies_uitgevouwen
),
tellingen AS (
    SELECT
        d.voorziening, p.periode, p.periode_type, d.perspectief, d.gemeentecode, d.dimensie,
        count(*) FILTER (d.datum_aanmelding BETWEEN p.start AND p.eind) AS aanmeldingen,
        count(*) FILTER (d.datum_instroom BETWEEN p.start AND p.eind) AS instroom,
        count(*) FILTER (d.datum_uitstroom BETWEEN p.start AND p.eind) AS uitstroom,
        count(*) FILTER (
            d.datum_instroom <= p.eind
            AND (d.datum_uitstroom IS NULL OR d.datum_uitstroom >= p.start)
        ) AS clienten,
        count(*) FILTER (
            d.datum_instroom <= p.eind
            AND (d.datum_uitstroom IS NULL OR d.datum_uitstroom > p.eind)
        ) AS bezetting,
        count(*) FILTER (
            d.datum_instroom < p.start
            AND (d.datum_uitstroom IS NULL OR d.datum_uitstroom >= p.start)
        ) AS bezetting_begin,
        count(*) FILTER (
            d.aanmelding_type = 'Nieuw'
            AND d.datum_aanmelding <= p.eind
            AND NOT coalesce(d.datum_instroom <= p.eind, false)
            AND NOT coalesce(d.datum_afgemeld <= p.eind, false)
        ) AS wachtlijst,
        median(datediff('day', d.datum_aanmelding, d.datum_instroom)) FILTER (
            d.aanmelding_type = 'Nieuw' AND d.datum_instroom BETWEEN p.start AND p.eind
        ) AS wachttijd_mediaan_dagen,
        quantile_cont(datediff('day', d.datum_aanmelding, d.datum_instroom), 0.9) FILTER (
            d.aanmelding_type = 'Nieuw' AND d.datum_instroom BETWEEN p.start AND p.eind
        ) AS wachttijd_p90_dagen,
        median(datediff('day', d.datum_instroom, d.datum_uitstroom)) FILTER (
            d.datum_uitstroom BETWEEN p.start AND p.eind
        ) AS verblijfsduur_mediaan_dagen
    FROM dimensies AS d
    JOIN perioden AS p
        ON d.voorziening = p.voorziening
        AND d.datum_aanmelding <= p.eind
        AND coalesce(d.datum_uitstroom, d.datum_afgemeld, DATE '9999-12-31') >= p.start
    GROUP BY ALL
),
sleutels AS (
    -- every municipality of the region appears in every period, also with zero clients
    SELECT DISTINCT voorziening, perspectief, gemeentecode FROM perspectieven
    UNION
    SELECT l.voorziening, persp.perspectief, g.gemeentecode
    FROM leveringen AS l
    CROSS JOIN ref_gemeenten AS g
    CROSS JOIN (VALUES ('herkomst'), ('verblijf')) AS persp(perspectief)
    UNION
    SELECT voorziening, 'regio', 'TOTAAL' FROM leveringen
),
dimensiewaarden AS (
    SELECT DISTINCT voorziening, dimensie FROM dimensies
),
rooster AS (
    SELECT p.voorziening, p.demo, p.periode, p.periode_type, s.perspectief, s.gemeentecode,
           w.dimensie
    FROM perioden AS p
    JOIN sleutels AS s ON s.voorziening = p.voorziening
    JOIN dimensiewaarden AS w ON w.voorziening = p.voorziening
),
gevuld AS (
    SELECT
        r.voorziening, r.demo, r.periode, r.periode_type, r.perspectief, r.gemeentecode,
        r.dimensie,
        coalesce(t.aanmeldingen, 0) AS aanmeldingen,
        coalesce(t.instroom, 0) AS instroom,
        coalesce(t.uitstroom, 0) AS uitstroom,
        coalesce(t.clienten, 0) AS clienten,
        coalesce(t.bezetting, 0) AS bezetting,
        coalesce(t.bezetting_begin, 0) AS bezetting_begin,
        coalesce(t.wachtlijst, 0) AS wachtlijst,
        t.wachttijd_mediaan_dagen,
        t.wachttijd_p90_dagen,
        t.verblijfsduur_mediaan_dagen
    FROM rooster AS r
    LEFT JOIN tellingen AS t
        ON t.voorziening = r.voorziening AND t.periode = r.periode
        AND t.perspectief = r.perspectief AND t.gemeentecode = r.gemeentecode
        AND t.dimensie IS NOT DISTINCT FROM r.dimensie
),
lang AS (
    UNPIVOT gevuld
    ON aanmeldingen, instroom, uitstroom, clienten, bezetting, wachtlijst,
       wachttijd_mediaan_dagen, wachttijd_p90_dagen, verblijfsduur_mediaan_dagen
    INTO NAME indicator VALUE waarde
),
percentages AS (
    -- yearly share of the clients in care during the year (bezetting at the start + instroom)
    SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
           'instroom_pct' AS indicator,
           round(100.0 * instroom / (bezetting_begin + instroom), 1) AS waarde
    FROM gevuld
    WHERE periode_type = 'jaar' AND bezetting_begin + instroom > 0
    UNION ALL
    SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
           'uitstroom_pct',
           round(100.0 * uitstroom / (bezetting_begin + instroom), 1)
    FROM gevuld
    WHERE periode_type = 'jaar' AND bezetting_begin + instroom > 0
),
toegestaan AS (
    -- which breakdowns each indicator has; '' is the total, '-' none at all
    SELECT * FROM (VALUES
        ('aanmeldingen', ['', 'aanmelding_type', 'product', 'cluster', 'met_kinderen'],
            ['herkomst', 'regio']),
        ('instroom', ['', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
            ['herkomst', 'verblijf', 'regio']),
        ('uitstroom', ['', 'bestemming', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
            ['herkomst', 'verblijf', 'regio']),
        ('clienten', ['', 'product', 'cluster', 'met_kinderen'],
            ['herkomst', 'verblijf', 'regio']),
        ('bezetting', ['', 'product', 'cluster', 'met_kinderen', 'herkomstgemeente'],
            ['herkomst', 'verblijf', 'regio']),
        ('wachtlijst', ['', 'product', 'cluster'], ['herkomst', 'regio']),
        ('wachttijd_mediaan_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio']),
        ('wachttijd_p90_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio']),
        ('verblijfsduur_mediaan_dagen', ['', 'product'], ['herkomst', 'verblijf', 'regio']),
        ('instroom_pct', ['', 'product', 'cluster'], ['herkomst', 'verblijf', 'regio']),
        ('uitstroom_pct', ['', 'product', 'cluster'], ['herkomst', 'verblijf', 'regio'])
    ) AS t(indicator, dimensies, perspectieven)
),
final AS (
    SELECT x.voorziening, x.indicator, x.periode, x.periode_type, x.gemeentecode,
           x.perspectief, x.dimensie, CAST(x.waarde AS DOUBLE) AS waarde,
           'trajecten' AS bron, x.demo
    FROM (
        SELECT voorziening, demo, periode, periode_type, perspectief, gemeentecode, dimensie,
               indicator, waarde
        FROM lang
        UNION ALL BY NAME
        SELECT * FROM percentages
    ) AS x
    JOIN toegestaan AS a
        ON a.indicator = x.indicator
        AND list_contains(a.dimensies, coalesce(split_part(x.dimensie, '=', 1), ''))
        AND list_contains(a.perspectieven, x.perspectief)
    WHERE x.waarde IS NOT NULL
      -- the herkomst split exists only where the client lives elsewhere: the verblijf rows
      AND (x.perspectief = 'verblijf' OR coalesce(x.dimensie, '') NOT LIKE 'herkomstgemeente=%')
)
SELECT * FROM final;
