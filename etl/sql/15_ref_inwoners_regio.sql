-- Population per municipality and for the region (TOTAAL) on 1 January, the base of every
-- *_per_10000 figure. The region only for years in which every municipality is known.
CREATE OR REPLACE TABLE ref_inwoners_regio AS
SELECT gemeentecode, jaar, inwoners FROM ref_inwoners
UNION ALL
SELECT 'TOTAAL', jaar, sum(inwoners)
FROM ref_inwoners
GROUP BY jaar
HAVING count(*) = (SELECT count(*) FROM ref_gemeenten);
