-- Per product and quarter: aanmeldingen by aanmelding_type (per herkomstgemeente) and
-- instroom by cluster (per herkomst- and verblijfsgemeente), the crossings kerncijfers does
-- not make (the Instroom page with one product chosen). Counts only; the period rules of
-- mart_trajecten: whole quarters up to the voorziening's latest peildatum.
CREATE OR REPLACE TABLE mart_instroom_kruis AS
WITH trajecten AS (
    SELECT * FROM stg_trajecten
),
kwartalen AS (
    SELECT * FROM stg_kwartalen
),
aanmeldingen AS (
    SELECT t.voorziening, t.product, k.periode, 'aanmeldingen' AS indicator,
           t.herkomstgemeente, NULL::VARCHAR AS verblijfsgemeente,
           t.aanmelding_type AS categorie, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k
        ON k.voorziening = t.voorziening
        AND t.datum_aanmelding BETWEEN k.start AND k.eind
    GROUP BY ALL
),
instroom AS (
    SELECT t.voorziening, t.product, k.periode, 'instroom' AS indicator,
           t.herkomstgemeente, t.verblijfsgemeente, t.cluster AS categorie, count(*) AS aantal
    FROM trajecten AS t
    JOIN kwartalen AS k
        ON k.voorziening = t.voorziening
        AND t.datum_instroom BETWEEN k.start AND k.eind
    WHERE t.cluster IS NOT NULL
    GROUP BY ALL
),
final AS (
    SELECT * FROM aanmeldingen
    UNION ALL
    SELECT * FROM instroom
)
SELECT * FROM final;
