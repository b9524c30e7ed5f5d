-- One value per key; a later file (by name) that repeats a key replaces it, and
-- every replacement with another value is logged in `correcties`.
CREATE OR REPLACE TABLE stg_tellingen_versies AS
WITH source AS (
    -- without a perspectief (an optional column) a telling is regio's
    SELECT * REPLACE (coalesce(nullif(perspectief, ''), 'regio') AS perspectief)
    FROM raw_tellingen
),
final AS (
    SELECT
        *,
        lag(waarde) OVER key_in_file_order AS vorige_waarde,
        lag(bestand) OVER key_in_file_order AS vorig_bestand,
        row_number() OVER (
            PARTITION BY bron, voorziening, indicator, periode, gemeente, perspectief, dimensie
            ORDER BY bestand_volgorde DESC
        ) AS versie_rang
    FROM source
    WINDOW key_in_file_order AS (
        PARTITION BY bron, voorziening, indicator, periode, gemeente, perspectief, dimensie
        ORDER BY bestand_volgorde
    )
)
SELECT * FROM final;

CREATE OR REPLACE TABLE correcties AS
SELECT
    bron, voorziening, indicator, periode, gemeente AS gemeentecode, perspectief, dimensie,
    vorige_waarde, waarde AS nieuwe_waarde, vorig_bestand, bestand, rij
FROM stg_tellingen_versies
WHERE vorig_bestand IS NOT NULL AND vorige_waarde IS DISTINCT FROM waarde
ORDER BY bestand, rij;

CREATE OR REPLACE TABLE stg_tellingen AS
SELECT
    bron,
    voorziening,
    indicator,
    periode,
    periode_type,
    periode_start,
    periode_eind,
    gemeente AS gemeentecode,
    perspectief,
    dimensie,
    waarde,
    opmerking,
    bestand,
    rij,
    demo
FROM stg_tellingen_versies
WHERE versie_rang = 1;
