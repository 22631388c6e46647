-- Every stored trend fit: doubling time with its 80% and 95% intervals and method, status, window, points rule, models, and the input it read.
SELECT t.fit_id, t.level, t.form, t.status, t.source_kind, t.snapshot_id, t.source_fit_id, t.points,
       t.window_from, t.window_to, t.ceiling_minutes, t.first_release, t.last_release, t.n_models,
       t.doubling_days, t.ci80_low, t.ci80_high, t.ci_low, t.ci_high, t.interval_method, t.r2, t.aic, t.bic,
       t.note, f.created_at, f.code_version
FROM trend_fits t JOIN fits f USING (fit_id)
ORDER BY t.fit_id, t.form;
