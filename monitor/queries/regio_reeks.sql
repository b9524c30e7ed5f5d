-- Region totals per quarter for the given (voorziening, indicator) pairs.
SELECT voorziening, indicator, periode, waarde, teken, bron, demo
FROM kerncijfers
WHERE gemeentecode = 'TOTAAL'
  AND dimensie IS NULL
  AND periode_type = 'kwartaal'
  AND list_contains($sleutels, voorziening || '/' || indicator)
ORDER BY voorziening, indicator, periode
