-- The region's published tellingen (every source but the derived trajecten and capaciteit
-- figures), region totals and per municipality, without derived per-10,000 twins: what
-- Overzicht lists for a region without trajecten (e.g. a region that only has a document's
-- figures).
SELECT k.voorziening, k.indicator, k.periode, k.periode_type, k.gemeentecode, k.gemeente,
       k.dimensie, k.waarde, k.teken, k.bron, k.demo
FROM kerncijfers AS k
WHERE k.bron NOT IN ('trajecten', 'capaciteit')
  AND NOT suffix(k.indicator, '_per_10000')
ORDER BY k.periode DESC, k.voorziening, k.indicator, k.gemeentecode = 'TOTAAL' DESC,
         k.gemeente, k.dimensie
