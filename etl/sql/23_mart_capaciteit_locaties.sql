-- Places per location valid at the end of each quarter (the Spreiding page's list of
-- locations). A location's places say nothing about its clients, so this belongs to the
-- public face; stg_capaciteit and raw_capaciteit stay in the internal store. Like
-- mart_capaciteit, no quarter beyond the latest capaciteit delivery.
CREATE OR REPLACE TABLE mart_capaciteit_locaties AS
WITH capaciteit AS (
    SELECT * FROM stg_capaciteit
),
kwartalen AS (
    SELECT periode, eind
    FROM periodes
    WHERE periode_type = 'kwartaal'
      AND eind <= coalesce((SELECT max(peildatum) FROM raw_capaciteit), eind)
),
final AS (
    SELECT c.voorziening, k.periode, c.aanbieder, c.locatie, c.gemeentecode, c.product,
           c.cluster, CAST(sum(c.plekken) AS BIGINT) AS plekken, bool_or(c.demo) AS demo
    FROM kwartalen AS k
    JOIN capaciteit AS c
        ON c.geldig_vanaf <= k.eind
        AND (c.geldig_tot IS NULL OR c.geldig_tot >= k.eind)
    GROUP BY ALL
)
SELECT * FROM final;
