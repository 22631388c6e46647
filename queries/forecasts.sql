-- Threshold dates from the newest forecast run: per threshold and trend form, when the trend line crosses it and when a model is expected to reach it, each with 80% and 95% intervals; beyond_ceiling marks extrapolation past what the suite measures.
SELECT f.threshold, f.label, f.hours, f.level, f.form, f.date_point,
       f.lo80 AS line_lo80, f.hi80 AS line_hi80, f.lo95 AS line_lo95, f.hi95 AS line_hi95,
       r.lo80 AS reach_lo80, r.hi80 AS reach_hi80, r.lo95 AS reach_lo95, r.hi95 AS reach_hi95,
       f.beyond_ceiling, f.n_never, f.n_replicates, f.interval_method, r.interval_method AS reach_interval_method,
       f.as_of, f.trend_fit_id, f.fit_id
FROM forecasts f LEFT JOIN forecast_reach r USING (fit_id, threshold, form)
WHERE f.fit_id = (SELECT max(fit_id) FROM forecasts WHERE trend_fit_id IN
                  (SELECT fit_id FROM trend_fits WHERE source_kind = 'published'))
ORDER BY f.level, f.hours, f.form;
