-- One row per (voorziening, traject_id): the version of the latest peildatum wins
-- (data contract 1a: a later full extract corrects an earlier one).
CREATE OR REPLACE TABLE stg_trajecten AS
WITH source AS (
    SELECT * FROM raw_trajecten
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY voorziening, traject_id
            ORDER BY peildatum DESC, bestand DESC
        ) AS versie_rang
    FROM source
),
final AS (
    SELECT
        traject_id,
        voorziening,
        product,
        cluster,
        aanmelding_type,
        herkomstgemeente,
        verblijfsgemeente,
        locatie,
        datum_aanmelding,
        datum_instroom,
        datum_afgemeld,
        datum_uitstroom,
        uitstroombestemming,
        woongemeente_na_uitstroom,
        leeftijdsklasse,
        geslacht,
        met_kinderen,
        bestand,
        rij,
        peildatum,
        demo
    FROM ranked
    WHERE versie_rang = 1
)
SELECT * FROM final;
