-- Per voorziening the whole quarters up to its latest peildatum: the period rule of
-- mart_trajecten for the marts that cross trajecten per quarter (24, 25, 26). Internal only.
CREATE OR REPLACE TABLE stg_kwartalen AS
WITH leveringen AS (
    SELECT voorziening, max(peildatum) AS peildatum
    FROM stg_trajecten
    GROUP BY voorziening
),
final AS (
    SELECT l.voorziening, p.periode, p.start, p.eind
    FROM periodes_trajecten AS p
    JOIN leveringen AS l ON p.eind <= l.peildatum
    WHERE p.periode_type = 'kwartaal'
)
SELECT * FROM final;
