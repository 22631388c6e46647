-- Frontier models in the newest published headline version (suite, then version date): p50 at least the best of every model released on or before (ties count); one row per model, as trends use.
WITH newest AS (
    SELECT snapshot_id FROM headline_snapshots WHERE newest_rank = 1
), rows AS (
    -- One row per model (a model spelt two ways counts once): the row with a horizon, then
    -- the newer suite, then the higher estimate, then the spelling that sorts first.
    SELECT p.*, row_number() OVER (
               PARTITION BY p.model_id
               ORDER BY (p.estimate > 0 AND isfinite(p.estimate) AND p.release_date IS NOT NULL) DESC NULLS LAST,
                        suite_version(p.suite) DESC, p.estimate DESC NULLS LAST, p.source_model) AS pick
    FROM published_horizons p JOIN newest USING (snapshot_id)
    WHERE p.level = 50
), points AS (
    SELECT *, max(estimate) OVER (
               ORDER BY release_date RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best_so_far
    FROM rows
    WHERE pick = 1 AND release_date IS NOT NULL AND estimate > 0 AND isfinite(estimate)
)
SELECT m.display_name AS model, p.model_id, p.release_date, p.estimate AS p50_minutes,
       p.ci_low, p.ci_high, p.is_sota AS publisher_is_sota, p.snapshot_id
FROM points p JOIN models m USING (model_id)
WHERE p.estimate >= p.best_so_far
ORDER BY p.release_date, model;
