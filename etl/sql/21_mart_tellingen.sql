-- Tellingen per quarter and year, and stocks per month. Published values pass through
-- unchanged; flows given per month add up to quarters (3 months) and quarters to years
-- (4 quarters), and a region total is added where all municipalities are given and no
-- total is.
-- A derived value never overrides a given one, and names its source "afgeleid uit <bron>":
-- the document never printed it. A table by municipality of origin keeps its perspective
-- (herkomst); a region total is regio's.
CREATE OR REPLACE TABLE mart_tellingen AS
WITH tellingen AS (
    SELECT * FROM stg_tellingen
),
gegeven AS (
    SELECT bron, voorziening, indicator, periode, periode_type, periode_start,
           gemeentecode, perspectief, dimensie, CAST(waarde AS DOUBLE) AS waarde, demo,
           false AS afgeleid
    FROM tellingen
    WHERE periode_type IN ('kwartaal', 'jaar')
),
uit_maanden AS (
    SELECT bron, voorziening, indicator,
           year(periode_start) || '-K' || quarter(periode_start) AS periode,
           'kwartaal' AS periode_type,
           CAST(date_trunc('quarter', periode_start) AS DATE) AS periode_start,
           gemeentecode, perspectief, dimensie, CAST(sum(waarde) AS DOUBLE) AS waarde,
           bool_or(demo) AS demo, true AS afgeleid
    FROM tellingen
    WHERE periode_type = 'maand' AND indicator IN (SELECT indicator FROM flow_indicatoren)
    GROUP BY bron, voorziening, indicator, year(periode_start), quarter(periode_start),
             date_trunc('quarter', periode_start), gemeentecode, perspectief, dimensie
    HAVING count(*) = 3
),
maanden AS (
    -- a stock given per month (a document's figure for July 2018) adds up to nothing: it is
    -- kept as its month
    SELECT bron, voorziening, indicator, periode, periode_type, periode_start,
           gemeentecode, perspectief, dimensie, CAST(waarde AS DOUBLE) AS waarde, demo,
           false AS afgeleid
    FROM tellingen
    WHERE periode_type = 'maand' AND indicator NOT IN (SELECT indicator FROM flow_indicatoren)
),
kwartalen AS (
    SELECT * FROM gegeven WHERE periode_type = 'kwartaal'
    UNION ALL
    SELECT m.* FROM uit_maanden AS m
    ANTI JOIN gegeven AS g
        ON g.bron = m.bron AND g.voorziening = m.voorziening AND g.indicator = m.indicator
        AND g.periode = m.periode AND g.gemeentecode = m.gemeentecode
        AND g.perspectief = m.perspectief AND g.dimensie IS NOT DISTINCT FROM m.dimensie
),
uit_kwartalen AS (
    SELECT bron, voorziening, indicator, CAST(year(periode_start) AS VARCHAR) AS periode,
           'jaar' AS periode_type, make_date(year(periode_start), 1, 1) AS periode_start,
           gemeentecode, perspectief, dimensie, sum(waarde) AS waarde, bool_or(demo) AS demo,
           true AS afgeleid
    FROM kwartalen
    WHERE indicator IN (SELECT indicator FROM flow_indicatoren)
    GROUP BY bron, voorziening, indicator, year(periode_start), gemeentecode, perspectief,
             dimensie
    HAVING count(*) = 4
),
alle AS (
    SELECT * FROM kwartalen
    UNION ALL
    SELECT * FROM gegeven WHERE periode_type = 'jaar'
    UNION ALL
    SELECT * FROM maanden
    UNION ALL
    SELECT j.* FROM uit_kwartalen AS j
    ANTI JOIN gegeven AS g
        ON g.bron = j.bron AND g.voorziening = j.voorziening AND g.indicator = j.indicator
        AND g.periode = j.periode AND g.gemeentecode = j.gemeentecode
        AND g.perspectief = j.perspectief AND g.dimensie IS NOT DISTINCT FROM j.dimensie
),
regiototalen AS (
    -- per perspective the municipalities (and BUITEN, ONBEKEND) add up to the same total;
    -- where a source gives both, the herkomst table (which counts every client) is used
    SELECT bron, voorziening, indicator, periode, periode_type, periode_start,
           'TOTAAL' AS gemeentecode, 'regio' AS perspectief, dimensie, sum(waarde) AS waarde,
           bool_or(demo) AS demo, true AS afgeleid
    FROM alle
    WHERE gemeentecode <> 'TOTAAL' AND NOT is_ratio(indicator)
    GROUP BY bron, voorziening, indicator, periode, periode_type, periode_start,
             alle.perspectief, dimensie
    HAVING count(DISTINCT gemeentecode) FILTER (
        gemeentecode IN (SELECT gemeentecode FROM ref_gemeenten)
    ) = (SELECT count(*) FROM ref_gemeenten)
    QUALIFY row_number() OVER (
        PARTITION BY bron, voorziening, indicator, periode, dimensie
        ORDER BY alle.perspectief = 'herkomst' DESC, alle.perspectief
    ) = 1
),
final AS (
    SELECT * FROM alle
    UNION ALL
    SELECT t.* FROM regiototalen AS t
    ANTI JOIN alle AS a
        ON a.bron = t.bron AND a.voorziening = t.voorziening AND a.indicator = t.indicator
        AND a.periode = t.periode AND a.gemeentecode = 'TOTAAL'
        AND a.dimensie IS NOT DISTINCT FROM t.dimensie
)
SELECT voorziening, indicator, periode, periode_type, gemeentecode, perspectief, dimensie,
       waarde, CASE WHEN afgeleid THEN afgeleid_uit(bron) ELSE bron END AS bron, demo
FROM final;
