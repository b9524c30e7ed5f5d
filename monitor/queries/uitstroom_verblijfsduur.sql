-- How long the trajecten that left in the selected quarters stayed, in classes: the warehouse
-- holds only the median. The counts per quarter, municipality and class come from
-- mart_uitstroom_verblijfsduur (etl/sql/26_mart_uitstroom_verblijfsduur.sql); every class
-- is shown, also with 0. `$alle` counts the whole region (herkomst BUITEN and ONBEKEND
-- included, as the TOTAAL rows of kerncijfers do); otherwise the selected municipalities in
-- the chosen perspective.
WITH klassen AS (
    SELECT volgorde, klasse FROM verblijfsduurklassen
),
uitgestroomd AS (
    SELECT volgorde, aantal
    FROM mart_uitstroom_verblijfsduur
    WHERE voorziening = $voorziening
      AND ($product IS NULL OR product = $product)
      AND periode BETWEEN $van AND $tot
      AND (
          $alle
          OR ($perspectief = 'herkomst' AND list_contains($gemeenten, herkomstgemeente))
          OR ($perspectief = 'verblijf' AND list_contains($gemeenten, verblijfsgemeente))
      )
),
ingedeeld AS (
    SELECT volgorde, CAST(sum(aantal) AS BIGINT) AS aantal
    FROM uitgestroomd
    GROUP BY volgorde
),
final AS (
    SELECT k.volgorde, k.klasse, coalesce(i.aantal, 0) AS aantal
    FROM klassen AS k
    LEFT JOIN ingedeeld AS i USING (volgorde)
)
SELECT * FROM final
ORDER BY volgorde
