-- For one product: aanmeldingen by aanmelding_type and instroom by cluster per quarter, the
-- breakdowns that kerncijfers does not cross with product. Counts per municipality only,
-- from mart_instroom_kruis (etl/sql/24_mart_instroom_kruis.sql: whole quarters up to the
-- latest peildatum, as mart_trajecten).
WITH kruis AS (
    SELECT * FROM mart_instroom_kruis
    WHERE voorziening = $voorziening
      AND product = $product
      AND periode BETWEEN $van AND $tot
),
final AS (
    SELECT periode, indicator, herkomstgemeente, verblijfsgemeente, categorie, aantal
    FROM kruis
)
SELECT * FROM final
ORDER BY indicator, periode, herkomstgemeente, verblijfsgemeente, categorie
