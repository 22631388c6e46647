-- Every stored trend fit: doubling time with its interval and method, window, models, and the input it read.
SELECT t.fit_id, t.level, t.form, t.source_kind, t.snapshot_id, t.source_fit_id,
       t.window_from, t.window_to, t.first_release, t.last_release, t.n_models,
       t.doubling_days, t.ci_low, t.ci_high, t.interval_method, t.r2, t.aic, t.bic,
       f.created_at, f.code_version
FROM trend_fits t JOIN fits f USING (fit_id)
ORDER BY t.fit_id, t.form;
