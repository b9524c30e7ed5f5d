-- Yearly tellingen of one voorziening for the region and the chosen municipalities, each
-- flagged whether the year was added up from a quarterly series of the same bron
-- (uit_kwartalen) or was delivered as a year (published), so the two are never mixed. A
-- year added up is "afgeleid uit <bron>" (its quarters may be too: the region's).
WITH jaren AS (
    SELECT periode, gemeentecode, gemeente, indicator, waarde, bron, demo
    FROM kerncijfers
    WHERE voorziening = $voorziening
      AND list_contains($indicatoren, indicator)
      AND periode_type = 'jaar'
      AND periode BETWEEN $van AND $tot
      AND (gemeentecode = 'TOTAAL' OR list_contains($gemeenten, gemeentecode))
      AND dimensie IS NULL
),
kwartaalreeksen AS (
    SELECT DISTINCT basis_bron(bron) AS bron, indicator, gemeentecode, left(periode, 4) AS jaar
    FROM kerncijfers
    WHERE voorziening = $voorziening
      AND periode_type = 'kwartaal'
      AND dimensie IS NULL
),
final AS (
    SELECT j.periode, j.gemeentecode, j.gemeente, j.indicator, j.waarde, j.bron, j.demo,
           k.jaar IS NOT NULL AS uit_kwartalen
    FROM jaren AS j
    LEFT JOIN kwartaalreeksen AS k
        ON k.bron = basis_bron(j.bron) AND k.indicator = j.indicator
        AND k.gemeentecode = j.gemeentecode AND k.jaar = j.periode
)
SELECT * FROM final
ORDER BY periode, gemeentecode, indicator, bron
