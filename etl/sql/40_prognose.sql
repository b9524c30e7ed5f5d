-- Prognose: the expected bezetting and wachtlijst of each voorziening (region total) for the
-- four quarters after the last observed one, with an 80% interval, and its back-test on the
-- last eight observed quarters. A transparent stock-flow projection, kept apart from the
-- observed figures: its own tables `prognose` and `prognose_backtest`, never rows of
-- kerncijfers (a snapshot copies kerncijfers and reference tables only, so it has none).
--
-- The model, per voorziening, from a basis quarter b (the last observed one):
--   bezetting(h) = bezetting(h-1) + I - r * (bezetting(h-1) + I)
--       I: instroom per quarter = the mean of the last 4 observed quarters up to b;
--       r: uitstroomkans per quarter = uitstroom / the clients in care during the quarter
--          (bezetting at its start + instroom), over those 4 quarters (sum over sum). In
--          equilibrium the bezetting is I * (1 - r) / r, so by Little's law (stock = inflow x
--          mean stay) the model assumes a mean verblijfsduur of (1 - r) / r quarters.
--   wachtlijst(h) = wachtlijst(h-1) + A - e * (wachtlijst(h-1) + A)
--       A: new aanmeldingen (aanmelding_type Nieuw) per quarter, mean of the last 4;
--       e: the share of those waiting or newly registered in a quarter that left the list
--          (instroom or afgemeld), over those 4 quarters (sum over sum). The exits follow from
--          the observed figures: wachtlijst at the start + Nieuw aanmeldingen - wachtlijst.
--   80% interval: waarde +/- 1.2816 * sd * sqrt(h), sd the standard deviation (sample) of the
--       quarterly change of the stock over the last 8 observed quarters; the lower bound is
--       at least 0. Values and bounds are rounded to whole people.
-- A basis needs 9 observed quarters (8 changes of the wachtlijst, whose start is the quarter
-- before); with fewer there is no prognose.
--
-- The back-test: each of the last 8 observed quarters forecast from the data before it, one
-- quarter ahead (horizon 1: basis the quarter before) and four quarters ahead (horizon 4: basis
-- four quarters before), against the observed figure.

CREATE OR REPLACE TEMP MACRO prognose_nl(x, d) AS
    replace(replace(replace(format('{:,.' || d || 'f}', x::DOUBLE), ',', '#'), '.', ','), '#',
            '.');

CREATE OR REPLACE TEMP MACRO prognose_kwartaal_plus(periode, h) AS
    (CAST(left(periode, 4) AS INTEGER)
     + (CAST(right(periode, 1) AS INTEGER) - 1 + h) // 4)::VARCHAR
    || '-K' || ((CAST(right(periode, 1) AS INTEGER) - 1 + h) % 4 + 1)::VARCHAR;

-- The observed region series per voorziening and quarter (0 where no figure is stored: the
-- sparse mart keeps no zeros), with the stocks at the start of each quarter.
CREATE OR REPLACE TEMP TABLE tmp_prognose_reeks AS
WITH kwartalen AS (
    SELECT voorziening, demo, periode,
           row_number() OVER (PARTITION BY voorziening ORDER BY start) AS n
    FROM nulrooster_perioden
    WHERE periode_type = 'kwartaal'
),
cijfers AS (
    SELECT voorziening, periode,
           CASE WHEN indicator = 'aanmeldingen' THEN 'aanmeldingen_nieuw' ELSE indicator END
               AS maat,
           waarde
    FROM mart_trajecten
    WHERE gemeentecode = 'TOTAAL' AND periode_type = 'kwartaal'
      AND ((dimensie IS NULL AND indicator IN ('bezetting', 'instroom', 'uitstroom',
                                               'wachtlijst'))
           OR (indicator = 'aanmeldingen' AND dimensie = 'aanmelding_type=Nieuw'))
),
per_kwartaal AS (
    SELECT k.voorziening, k.demo, k.periode, k.n,
           coalesce(max(c.waarde) FILTER (c.maat = 'bezetting'), 0) AS bezetting,
           coalesce(max(c.waarde) FILTER (c.maat = 'instroom'), 0) AS instroom,
           coalesce(max(c.waarde) FILTER (c.maat = 'uitstroom'), 0) AS uitstroom,
           coalesce(max(c.waarde) FILTER (c.maat = 'wachtlijst'), 0) AS wachtlijst,
           coalesce(max(c.waarde) FILTER (c.maat = 'aanmeldingen_nieuw'), 0)
               AS aanmeldingen_nieuw
    FROM kwartalen AS k
    LEFT JOIN cijfers AS c USING (voorziening, periode)
    GROUP BY ALL
),
final AS (
    SELECT *,
           -- stock and flow: the stock at the start is the end minus what came in plus
           -- what left (exact, also in the first quarter)
           bezetting - instroom + uitstroom AS bezetting_begin,
           lag(wachtlijst) OVER (PARTITION BY voorziening ORDER BY n) AS wachtlijst_begin
    FROM per_kwartaal
)
SELECT *,
       wachtlijst_begin + aanmeldingen_nieuw - wachtlijst AS wachtlijst_uit
FROM final;

-- The model's parameters for every quarter that can be a basis (9 observed quarters).
CREATE OR REPLACE TEMP TABLE tmp_prognose_parameters AS
WITH vensters AS (
    SELECT voorziening, demo, periode, n, bezetting, wachtlijst,
           avg(instroom) OVER vier AS instroom_gem,
           sum(uitstroom) OVER vier AS uitstroom_som,
           sum(bezetting_begin + instroom) OVER vier AS bezetting_kans_som,
           avg(aanmeldingen_nieuw) OVER vier AS aanmeldingen_gem,
           sum(wachtlijst_uit) OVER vier AS wachtlijst_uit_som,
           sum(wachtlijst_begin + aanmeldingen_nieuw) OVER vier AS wachtlijst_kans_som,
           stddev_samp(bezetting - bezetting_begin) OVER acht AS sd_bezetting,
           stddev_samp(wachtlijst - wachtlijst_begin) OVER acht AS sd_wachtlijst,
           count(wachtlijst_begin) OVER acht AS kwartalen_acht
    FROM tmp_prognose_reeks
    WINDOW vier AS (PARTITION BY voorziening ORDER BY n ROWS BETWEEN 3 PRECEDING AND CURRENT ROW),
           acht AS (PARTITION BY voorziening ORDER BY n ROWS BETWEEN 7 PRECEDING AND CURRENT ROW)
)
SELECT voorziening, demo, periode AS basis_kwartaal, n, bezetting, wachtlijst,
       instroom_gem,
       CASE WHEN bezetting_kans_som > 0 THEN uitstroom_som / bezetting_kans_som ELSE 0 END
           AS uitstroomkans,
       aanmeldingen_gem,
       CASE WHEN wachtlijst_kans_som > 0 THEN wachtlijst_uit_som / wachtlijst_kans_som ELSE 0 END
           AS afvoerkans,
       sd_bezetting, sd_wachtlijst
FROM vensters
WHERE kwartalen_acht = 8;

-- Every basis projected four quarters ahead, one stock-flow step per quarter.
CREATE OR REPLACE TEMP TABLE tmp_prognose_alle AS
WITH RECURSIVE stappen AS (
    SELECT voorziening, basis_kwartaal, 0 AS horizon, bezetting::DOUBLE AS bezetting,
           wachtlijst::DOUBLE AS wachtlijst
    FROM tmp_prognose_parameters
    UNION ALL
    SELECT s.voorziening, s.basis_kwartaal, s.horizon + 1,
           s.bezetting + p.instroom_gem - p.uitstroomkans * (s.bezetting + p.instroom_gem),
           s.wachtlijst + p.aanmeldingen_gem
               - p.afvoerkans * (s.wachtlijst + p.aanmeldingen_gem)
    FROM stappen AS s
    JOIN tmp_prognose_parameters AS p USING (voorziening, basis_kwartaal)
    WHERE s.horizon < 4
),
lang AS (
    SELECT s.voorziening, s.basis_kwartaal, s.horizon, 'bezetting' AS indicator,
           s.bezetting AS waarde, p.sd_bezetting AS sd
    FROM stappen AS s JOIN tmp_prognose_parameters AS p USING (voorziening, basis_kwartaal)
    UNION ALL
    SELECT s.voorziening, s.basis_kwartaal, s.horizon, 'wachtlijst', s.wachtlijst,
           p.sd_wachtlijst
    FROM stappen AS s JOIN tmp_prognose_parameters AS p USING (voorziening, basis_kwartaal)
)
SELECT voorziening, indicator, basis_kwartaal, horizon,
       prognose_kwartaal_plus(basis_kwartaal, horizon) AS periode,
       round(greatest(waarde, 0))::DOUBLE AS waarde,
       round(greatest(waarde - 1.2816 * sd * sqrt(horizon), 0))::DOUBLE AS ondergrens,
       round(greatest(waarde + 1.2816 * sd * sqrt(horizon), 0))::DOUBLE AS bovengrens
FROM lang
WHERE horizon BETWEEN 1 AND 4;

-- The prognose: from the last observed quarter of each voorziening, with its assumptions in
-- words (Dutch: they are printed under the chart).
CREATE OR REPLACE TABLE prognose AS
WITH laatste AS (
    SELECT p.* FROM tmp_prognose_parameters AS p
    WHERE p.n = (SELECT max(r.n) FROM tmp_prognose_reeks AS r
                 WHERE r.voorziening = p.voorziening)
),
aannames AS (
    SELECT voorziening, basis_kwartaal, demo,
           'Prognose vanaf ' || basis_kwartaal || ' (laatste waargenomen kwartaal). '
           || 'Bezetting: elk kwartaal ' || prognose_nl(instroom_gem, 1) || ' instroom '
           || '(gemiddelde van de laatste 4 kwartalen); uitstroom '
           || prognose_nl(100 * uitstroomkans, 1) || '% van wie in het kwartaal in zorg is '
           || '(bezetting aan het begin + instroom; laatste 4 kwartalen)'
           || CASE WHEN uitstroomkans > 0
                   THEN ', wat past bij een gemiddelde verblijfsduur van ongeveer '
                        || prognose_nl(3 * (1 - uitstroomkans) / uitstroomkans,
                                       CASE WHEN (1 - uitstroomkans) / uitstroomkans < 10 / 3
                                            THEN 1 ELSE 0 END)
                        || ' maanden'
                   ELSE '' END
           || '.' AS aannames_bezetting,
           'Prognose vanaf ' || basis_kwartaal || ' (laatste waargenomen kwartaal). '
           || 'Wachtlijst: elk kwartaal ' || prognose_nl(aanmeldingen_gem, 1)
           || ' nieuwe aanmeldingen (gemiddelde van de laatste 4 kwartalen); '
           || prognose_nl(100 * afvoerkans, 1) || '% van wie wacht of zich aanmeldt, verlaat '
           || 'de wachtlijst in het kwartaal door instroom of afmelding (laatste 4 kwartalen).'
               AS aannames_wachtlijst
    FROM laatste
)
SELECT a.voorziening, p.indicator, a.basis_kwartaal, p.periode, p.horizon, p.waarde,
       p.ondergrens, p.bovengrens,
       'Voorraad-stroommodel: stand + instroom - uitstroom per kwartaal; 80%-interval: '
       || '± 1,28 × de standaardafwijking van de kwartaalverandering in de laatste 8 '
       || 'kwartalen × √(kwartalen vooruit). Een prognose, geen waarneming.' AS methode,
       CASE p.indicator WHEN 'bezetting' THEN a.aannames_bezetting
                        ELSE a.aannames_wachtlijst END AS aannames,
       a.demo
FROM aannames AS a
JOIN tmp_prognose_alle AS p USING (voorziening, basis_kwartaal)
ORDER BY a.voorziening, p.indicator, p.horizon;

-- The back-test: the last 8 observed quarters of each voorziening, forecast one and four
-- quarters ahead from the data before them, against what was observed.
CREATE OR REPLACE TABLE prognose_backtest AS
WITH waargenomen AS (
    SELECT voorziening, periode, n, demo, 'bezetting' AS indicator, bezetting AS waarde
    FROM tmp_prognose_reeks
    UNION ALL
    SELECT voorziening, periode, n, demo, 'wachtlijst', wachtlijst FROM tmp_prognose_reeks
),
laatste_acht AS (
    SELECT w.* FROM waargenomen AS w
    WHERE w.n > (SELECT max(r.n) FROM tmp_prognose_reeks AS r
                 WHERE r.voorziening = w.voorziening) - 8
)
SELECT w.voorziening, w.indicator, w.periode, p.horizon, p.basis_kwartaal,
       p.waarde AS prognose, p.ondergrens, p.bovengrens, w.waarde AS waargenomen,
       p.waarde - w.waarde AS afwijking,
       CASE WHEN w.waarde > 0 THEN round(100 * (p.waarde - w.waarde) / w.waarde, 1) END
           AS afwijking_pct,
       w.waarde BETWEEN p.ondergrens AND p.bovengrens AS binnen_interval,
       w.demo
FROM laatste_acht AS w
JOIN tmp_prognose_alle AS p
  ON p.voorziening = w.voorziening AND p.indicator = w.indicator AND p.periode = w.periode
WHERE p.horizon IN (1, 4)
ORDER BY w.voorziening, w.indicator, p.horizon, w.periode;
