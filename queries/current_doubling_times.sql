-- The doubling times horizon quotes (canonical trends: newest source, default options) at 50% and 80%, every form, with 95% and 80% intervals in days; what `horizon cite` and the site lead with.
SELECT level, source_kind, form, status, doubling_days, ci_low_days, ci_high_days, ci80_low_days, ci80_high_days,
       interval_method, window_from, first_release, last_release, n_models, ceiling_minutes, published_version,
       fit_id
FROM current_doubling_times
ORDER BY level, source_kind, form;
