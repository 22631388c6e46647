-- Threshold dates from the newest forecast run: per threshold and trend form, 80% and 95% intervals; beyond_ceiling marks extrapolation past what the suite measures.
SELECT threshold, label, hours, level, form, date_point, lo80, hi80, lo95, hi95,
       beyond_ceiling, n_never, n_replicates, interval_method, as_of, trend_fit_id, fit_id
FROM forecasts
WHERE fit_id = (SELECT max(fit_id) FROM forecasts WHERE trend_fit_id IN
                (SELECT fit_id FROM trend_fits WHERE source_kind = 'published'))
ORDER BY level, hours, form;
