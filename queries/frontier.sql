-- Frontier models in the newest published METR-Horizon-v1.1 version: p50 at least the best of every model released on or before (ties count).
WITH latest AS (
    SELECT snapshot_id FROM snapshot_versions
    WHERE publisher_label = 'METR-Horizon-v1.1' AND has_headline
    ORDER BY version_date DESC, snapshot_id DESC LIMIT 1
), points AS (
    SELECT p.*, max(p.estimate) OVER (
               ORDER BY p.release_date RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best_so_far
    FROM published_horizons p JOIN latest USING (snapshot_id)
    WHERE p.level = 50 AND p.release_date IS NOT NULL
)
SELECT m.display_name AS model, p.model_id, p.release_date, p.estimate AS p50_minutes,
       p.ci_low, p.ci_high, p.is_sota AS publisher_is_sota, p.snapshot_id
FROM points p JOIN models m USING (model_id)
WHERE p.estimate >= p.best_so_far
ORDER BY p.release_date, model;
