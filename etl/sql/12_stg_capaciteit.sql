-- Places per location and validity; a later file (by name) that repeats a location
-- with the same geldig_vanaf replaces that row.
CREATE OR REPLACE TABLE stg_capaciteit AS
WITH source AS (
    SELECT * FROM raw_capaciteit
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY voorziening, lower(locatie), product, cluster, geldig_vanaf
            ORDER BY bestand_volgorde DESC
        ) AS versie_rang
    FROM source
),
final AS (
    SELECT
        voorziening,
        aanbieder,
        locatie,
        gemeente AS gemeentecode,
        product,
        cluster,
        plekken,
        geldig_vanaf,
        geldig_tot,
        bestand,
        rij,
        demo
    FROM ranked
    WHERE versie_rang = 1
)
SELECT * FROM final;
