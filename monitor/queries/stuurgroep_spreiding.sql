-- Bezetting per municipality for the spreiding screen, every quarter: herkomst and verblijf
-- totals (dimensie NULL) and verblijf by herkomstgemeente (who lives where).
WITH source AS (
    SELECT voorziening, perspectief, periode, gemeentecode, dimensie, waarde
    FROM kerncijfers
    WHERE indicator = 'bezetting'
      AND periode_type = 'kwartaal'
      AND list_contains($voorzieningen, voorziening)
),
final AS (
    SELECT *
    FROM source
    WHERE (perspectief IN ('herkomst', 'verblijf') AND dimensie IS NULL)
       OR (perspectief = 'verblijf' AND dimensie LIKE 'herkomstgemeente=%')
)
SELECT * FROM final
ORDER BY voorziening, periode, perspectief, gemeentecode, dimensie
