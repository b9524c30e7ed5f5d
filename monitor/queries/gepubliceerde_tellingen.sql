-- The region's published tellingen (every source but the derived trajecten and capaciteit
-- figures), region totals and per municipality, without derived per-10,000 twins; all of
-- them (`indicatoren` NULL: Overzicht of a region without trajecten) or these indicators
-- (Housing First, Woonstart, logeerplekken on the Uitstroom page). Never summed or derived
-- here; a total the warehouse added up carries its bron 'afgeleid uit ...'.
SELECT k.voorziening, k.indicator, k.periode, k.periode_type, k.gemeentecode, k.gemeente,
       k.dimensie, k.waarde, k.teken, k.bron, k.demo
FROM kerncijfers AS k
WHERE k.bron NOT IN ('trajecten', 'capaciteit')
  AND NOT suffix(k.indicator, '_per_10000')
  AND ($indicatoren IS NULL OR list_contains($indicatoren, k.indicator))
ORDER BY k.periode DESC, k.voorziening, k.indicator, k.gemeentecode = 'TOTAAL' DESC,
         k.gemeente, k.dimensie
