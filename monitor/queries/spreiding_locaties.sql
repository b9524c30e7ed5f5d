-- Places per location valid at the end of one quarter (Spreiding page), for one
-- voorziening, the chosen municipalities and optionally one product. Like mart_capaciteit,
-- nothing is shown beyond the latest capaciteit delivery.
WITH kwartaal AS (
    SELECT eind FROM periodes WHERE periode = $kwartaal AND periode_type = 'kwartaal'
),
geleverd AS (
    SELECT max(peildatum) AS tot FROM raw_capaciteit
),
geldig AS (
    SELECT c.aanbieder, c.locatie, c.gemeentecode, c.product, c.cluster, c.plekken, c.demo
    FROM stg_capaciteit AS c, kwartaal AS k, geleverd AS g
    WHERE c.voorziening = $voorziening
      AND list_contains($gemeenten, c.gemeentecode)
      AND ($product IS NULL OR c.product = $product)
      AND c.geldig_vanaf <= k.eind
      AND (c.geldig_tot IS NULL OR c.geldig_tot >= k.eind)
      AND k.eind <= coalesce(g.tot, k.eind)
),
final AS (
    SELECT g.aanbieder, g.locatie, g.gemeentecode, n.gemeente, g.product, g.cluster,
           CAST(sum(g.plekken) AS BIGINT) AS plekken, bool_or(g.demo) AS demo
    FROM geldig AS g
    LEFT JOIN ref_gemeentenamen AS n USING (gemeentecode)
    GROUP BY ALL
)
SELECT * FROM final
ORDER BY gemeente, aanbieder, locatie, product, cluster
