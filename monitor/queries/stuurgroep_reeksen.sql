-- Region totals of the steering group's indicators: every quarter and year, every bron (the
-- view keeps published years apart from derived ones). Keys are 'voorziening.indicator'.
WITH source AS (
    SELECT voorziening, indicator, periode, periode_type, waarde, bron, demo
    FROM kerncijfers
    WHERE gemeentecode = 'TOTAAL'
      AND dimensie IS NULL
),
final AS (
    SELECT voorziening || '.' || indicator AS sleutel, periode, periode_type, waarde, bron, demo
    FROM source
    WHERE list_contains($sleutels, voorziening || '.' || indicator)
)
SELECT * FROM final
ORDER BY sleutel, periode_type, periode, bron
