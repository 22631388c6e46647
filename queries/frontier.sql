-- Frontier models in the newest published headline version (suite, then version date): p50 at least the best of every model released on or before (ties count); one row per model, as trends use (the view frontier_models has both levels).
SELECT model, model_id, release_date, horizon_minutes AS p50_minutes, ci_low_minutes AS ci_low,
       ci_high_minutes AS ci_high, publisher_is_sota, snapshot_id
FROM frontier_models
WHERE level = 50
ORDER BY release_date, model;
