-- Whether the source holds a prognose: the live warehouse does (etl/sql/40_prognose.sql); a
-- snapshot records observed figures only and has none.
SELECT count(DISTINCT table_name) = 2 AS bestaat
FROM information_schema.tables
WHERE table_name IN ('prognose', 'prognose_backtest')
