-- Published yearly tables of one voorziening (tellingen), kept apart from the figures the
-- warehouse derives from trajecten and capaciteit: the region total and the given
-- municipalities (BUITEN and ONBEKEND included when asked for).
WITH gepubliceerd AS (
    SELECT periode, gemeentecode, gemeente, indicator, dimensie, waarde, bron, demo
    FROM kerncijfers
    WHERE voorziening = $voorziening
      AND periode_type = 'jaar'
      AND bron NOT IN ('trajecten', 'capaciteit')
      AND list_contains($indicatoren, indicator)
      AND (gemeentecode = 'TOTAAL' OR list_contains($gemeenten, gemeentecode))
)
SELECT * FROM gepubliceerd
ORDER BY periode, gemeentecode, indicator, dimensie
