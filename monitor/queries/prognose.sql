-- The prognose of one voorziening (etl/sql/40_prognose.sql): bezetting and wachtlijst for the
-- four quarters after the last observed one, with the 80% interval and the assumptions.
SELECT voorziening, indicator, basis_kwartaal, periode, horizon, waarde, ondergrens,
       bovengrens, methode, aannames, demo
FROM prognose
WHERE voorziening = $voorziening
ORDER BY indicator, horizon
