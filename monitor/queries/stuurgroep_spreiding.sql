-- Bezetting per municipality of the region for the spreiding screen, every quarter: herkomst
-- and verblijf totals (dimensie NULL) and verblijf by herkomstgemeente (who lives where),
-- both sides within the region ($gemeenten). Zeros are left out: in the index and the share
-- of clients housed in their own municipality a missing municipality counts as 0.
WITH source AS (
    SELECT voorziening, perspectief, periode, gemeentecode, dimensie, waarde
    FROM kerncijfers
    WHERE indicator = 'bezetting'
      AND periode_type = 'kwartaal'
      AND list_contains($voorzieningen, voorziening)
      AND perspectief IN ('herkomst', 'verblijf')
      AND list_contains($gemeenten, gemeentecode)
),
final AS (
    SELECT *
    FROM source
    WHERE (waarde IS NULL OR waarde <> 0)
      AND (dimensie IS NULL
           OR (perspectief = 'verblijf'
               AND starts_with(dimensie, 'herkomstgemeente=')
               AND list_contains($gemeenten, split_part(dimensie, '=', 2))))
)
SELECT * FROM final
ORDER BY voorziening, periode, perspectief, gemeentecode, dimensie
