-- The back-test of the prognose (etl/sql/40_prognose.sql): each of the last eight observed
-- quarters forecast 1 and 4 quarters ahead from the data before it, against what was observed.
-- Without $voorziening (NULL): every voorziening.
SELECT voorziening, indicator, periode, horizon, basis_kwartaal, prognose, ondergrens,
       bovengrens, waargenomen, afwijking, afwijking_pct, binnen_interval, demo
FROM prognose_backtest
WHERE $voorziening IS NULL OR voorziening = $voorziening
ORDER BY voorziening, indicator, horizon, periode
