-- Places per location valid at the end of one quarter (Spreiding page), for one
-- voorziening, the chosen municipalities and optionally one product, from
-- mart_capaciteit_locaties (etl/sql/22_mart_capaciteit.sql: like mart_capaciteit,
-- nothing beyond the latest capaciteit delivery).
WITH geldig AS (
    SELECT aanbieder, locatie, gemeentecode, product, cluster, plekken, demo
    FROM mart_capaciteit_locaties
    WHERE periode = $kwartaal
      AND voorziening = $voorziening
      AND list_contains($gemeenten, gemeentecode)
      AND ($product IS NULL OR product = $product)
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
