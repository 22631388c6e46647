-- Model names seen in sources that data/models.toml does not map, with how many snapshots (not retracted) hold each.
SELECT m.model_id, m.display_name AS name_in_source, count(DISTINCT t.snapshot_id) AS snapshots
FROM models m
LEFT JOIN (
    SELECT model_id, snapshot_id FROM active_published_horizons
    UNION ALL SELECT model_id, snapshot_id FROM active_runs
    UNION ALL SELECT model_id, snapshot_id FROM active_benchmark_horizons
    UNION ALL SELECT model_id, snapshot_id FROM active_benchmark_scores
    UNION ALL SELECT model_id, snapshot_id FROM active_release_dates
) t USING (model_id)
WHERE NOT m.curated
GROUP BY ALL
ORDER BY m.model_id;
