-- Ratios (percentages, per 10,000, days, bezettingsgraad) are never summed and never
-- turned into per 10,000; the suffixes come from etl/settings.py via ratio_suffixen.
CREATE OR REPLACE MACRO is_ratio(ind) AS (
    SELECT count(*) > 0 FROM ratio_suffixen WHERE ends_with(ind, suffix)
);

