-- Weer Thuis (data contract section 2, `uitstroom_eigen_gemeente`): uitstroom to a home in the
-- client's own municipality of origin. Per herkomstgemeente of the region (perspectief
-- herkomst) and for the region (TOTAAL, regio: the region's own clients only; a client from
-- outside the region or of unknown origin has no municipality of the region to return to):
--   uitstroom_eigen_gemeente        uitstroom in the period with woongemeente = herkomstgemeente
--   uitstroom_woongemeente_bekend   uitstroom in the period whose woongemeente is known
--                                   (a region municipality or BUITEN; not ONBEKEND, not empty)
--   uitstroom_eigen_gemeente_pct    the first divided by the second, where the second > 0
-- The figure exists only where it was measured: from the first period in which a supplier
-- recorded a known woongemeente_na_uitstroom for the voorziening. Before that, and for a
-- voorziening whose files never had the column, there are no rows at all: absent, never 0. Within a measured period every municipality of the region
-- has its counts, 0 included.
CREATE OR REPLACE TABLE mart_weer_thuis AS
WITH uitstroom AS (
    SELECT t.voorziening, t.herkomstgemeente, t.woongemeente_na_uitstroom AS woongemeente,
           -- a file without the column leaves it NULL: never known
           coalesce(t.woongemeente_na_uitstroom, 'ONBEKEND') NOT IN ('ONBEKEND', '') AS bekend,
           t.datum_uitstroom
    FROM stg_trajecten AS t
    WHERE t.datum_uitstroom IS NOT NULL
),
begin_meting AS (
    SELECT voorziening, min(datum_uitstroom) AS eerste
    FROM uitstroom
    WHERE bekend
    GROUP BY voorziening
),
perioden AS (
    -- the periods whose end lies on or after the first recorded woongemeente (a year that
    -- only partly lies after it counts what was recorded, like its quarters)
    SELECT p.voorziening, p.periode, p.periode_type, p.start, p.eind, p.demo
    FROM nulrooster_perioden AS p
    JOIN begin_meting AS b ON b.voorziening = p.voorziening AND p.eind >= b.eerste
),
rooster AS (
    SELECT p.*, g.gemeentecode
    FROM perioden AS p
    CROSS JOIN ref_gemeenten AS g
),
per_gemeente AS (
    SELECT r.voorziening, r.periode, r.periode_type, r.gemeentecode, r.demo,
           count(u.voorziening) FILTER (u.bekend AND u.woongemeente = u.herkomstgemeente)
               AS eigen,
           count(u.voorziening) FILTER (u.bekend) AS bekend
    FROM rooster AS r
    LEFT JOIN uitstroom AS u
        ON u.voorziening = r.voorziening AND u.herkomstgemeente = r.gemeentecode
        AND u.datum_uitstroom BETWEEN r.start AND r.eind
    GROUP BY ALL
),
met_totaal AS (
    SELECT voorziening, periode, periode_type, gemeentecode, 'herkomst' AS perspectief,
           eigen, bekend, demo
    FROM per_gemeente
    UNION ALL
    SELECT voorziening, periode, periode_type, 'TOTAAL', 'regio', sum(eigen), sum(bekend),
           bool_or(demo)
    FROM per_gemeente
    GROUP BY voorziening, periode, periode_type
),
final AS (
    SELECT voorziening, x.indicator, periode, periode_type, gemeentecode, perspectief,
           NULL::VARCHAR AS dimensie, x.waarde, 'trajecten' AS bron, demo
    FROM met_totaal
    CROSS JOIN LATERAL (
        SELECT * FROM (VALUES
            ('uitstroom_eigen_gemeente', CAST(eigen AS DOUBLE)),
            ('uitstroom_woongemeente_bekend', CAST(bekend AS DOUBLE)),
            ('uitstroom_eigen_gemeente_pct',
             CASE WHEN bekend > 0 THEN round(100.0 * eigen / bekend, 1) END)
        ) AS v(indicator, waarde)
    ) AS x
    WHERE x.waarde IS NOT NULL
)
SELECT * FROM final;
