-- Latest published p50 and p80 per model: from the newest suite (numbers compared as numbers), then newest published version, that has the model (retracted snapshots left out).
WITH ranked AS (
    SELECT p.*, v.publisher_label,
           row_number() OVER (PARTITION BY p.model_id, p.level ORDER BY v.newest_rank) AS rank
    FROM active_published_horizons p JOIN headline_snapshots v USING (snapshot_id)
)
SELECT m.display_name AS model, r.model_id, r.release_date,
       max(estimate) FILTER (WHERE level = 50) AS p50_minutes,
       max(ci_low)   FILTER (WHERE level = 50) AS p50_ci_low,
       max(ci_high)  FILTER (WHERE level = 50) AS p50_ci_high,
       max(estimate) FILTER (WHERE level = 80) AS p80_minutes,
       max(ci_low)   FILTER (WHERE level = 80) AS p80_ci_low,
       max(ci_high)  FILTER (WHERE level = 80) AS p80_ci_high,
       any_value(r.publisher_label) AS publisher_label,
       max(r.snapshot_id) AS snapshot_id
FROM ranked r JOIN models m USING (model_id)
WHERE rank = 1
GROUP BY m.display_name, r.model_id, r.release_date
ORDER BY r.release_date, model;
