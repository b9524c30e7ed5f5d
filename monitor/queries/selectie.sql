-- Figures of one voorziening and indicator for a selection: periods, municipalities
-- (and the region total), one perspective, an optional dimension name or value.
SELECT k.periode, k.periode_type, k.gemeentecode, k.gemeente, k.perspectief, k.dimensie,
       k.waarde, k.teken, k.bron, k.demo
FROM kerncijfers AS k
WHERE k.voorziening = $voorziening
  AND k.indicator = $indicator
  AND k.periode_type = $periode_type
  AND k.periode BETWEEN $van AND $tot
  AND (
      (k.gemeentecode = 'TOTAAL' AND $met_totaal)
      OR (k.perspectief = $perspectief AND list_contains($gemeenten, k.gemeentecode))
  )
  AND CASE
      WHEN $dimensie_naam IS NOT NULL THEN split_part(k.dimensie, '=', 1) = $dimensie_naam
      WHEN $dimensie IS NOT NULL THEN k.dimensie = $dimensie
      ELSE k.dimensie IS NULL
  END
ORDER BY k.periode, k.gemeentecode, k.dimensie
