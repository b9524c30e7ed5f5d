-- Published figures of what helps people out of 24-hour care or keeps them out of it
-- (Housing First, Woonstart, logeerplekken: tellingen of a public document), every year and
-- municipality, for the Uitstroom page. Never derived twins: the figures as published.
SELECT k.voorziening, k.indicator, k.periode, k.gemeentecode, k.gemeente, k.dimensie,
       k.waarde, k.teken, k.bron, k.demo
FROM kerncijfers AS k
WHERE list_contains($indicatoren, k.indicator)
  AND k.periode_type = 'jaar'
ORDER BY k.periode, k.voorziening, k.indicator, k.gemeentecode, k.dimensie
