-- Inwoners on 1 January per municipality for every year with trajecten periods; beyond the
-- reference data the latest known year (as kerncijfers does for *_per_10000). Used to put a
-- sum over several selected municipalities per 10,000 inwoners.
WITH jaren AS (
    SELECT DISTINCT CAST(left(periode, 4) AS INTEGER) AS jaar FROM periodes_trajecten
),
rooster AS (
    SELECT g.gemeentecode, j.jaar
    FROM ref_gemeenten AS g
    CROSS JOIN jaren AS j
),
final AS (
    SELECT r.gemeentecode, CAST(r.jaar AS VARCHAR) AS jaar, i.inwoners
    FROM rooster AS r
    ASOF JOIN ref_inwoners AS i
        ON i.gemeentecode = r.gemeentecode AND r.jaar >= i.jaar
)
SELECT * FROM final
ORDER BY jaar, gemeentecode
