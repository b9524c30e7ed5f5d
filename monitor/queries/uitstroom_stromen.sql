-- For one product: uitstroom per quarter by herkomst, verblijf and bestemming, because
-- kerncijfers does not cross product with bestemming or with the herkomst split of the
-- verblijf rows. Counts only, from mart_uitstroom_stromen
-- (etl/sql/25_mart_uitstroom_stromen.sql, with the period rules of mart_trajecten).
WITH stromen AS (
    SELECT * FROM mart_uitstroom_stromen
    WHERE voorziening = $voorziening
      AND product = $product
      AND periode BETWEEN $van AND $tot
),
final AS (
    SELECT periode, herkomstgemeente, verblijfsgemeente, bestemming, aantal
    FROM stromen
)
SELECT * FROM final
ORDER BY periode, herkomstgemeente, verblijfsgemeente, bestemming
