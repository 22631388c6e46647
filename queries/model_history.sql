-- One model's published p50 and p80 in every published version (each publication once; empty where that version lacks it; retracted snapshots left out); --param model=ID or spelling.
WITH wanted AS (
    SELECT model_id FROM model_aliases WHERE lower(alias) = lower($model)
    UNION SELECT model_id FROM models WHERE lower(model_id) = lower($model) OR lower(display_name) = lower($model)
), versions AS (
    SELECT DISTINCT h.snapshot_id, h.publisher_label, h.version_date, p.published_version
    FROM headline_snapshots h JOIN active_published_horizons p USING (snapshot_id)
)
SELECT v.snapshot_id, coalesce(v.published_version, v.publisher_label) AS version, v.version_date,
       (SELECT any_value(model_id) FROM wanted) AS model_id,
       max(p.source_model) AS source_model,
       max(p.estimate) FILTER (WHERE p.level = 50) AS p50_minutes,
       max(p.ci_low)   FILTER (WHERE p.level = 50) AS p50_ci_low,
       max(p.ci_high)  FILTER (WHERE p.level = 50) AS p50_ci_high,
       max(p.estimate) FILTER (WHERE p.level = 80) AS p80_minutes
FROM versions v
LEFT JOIN active_published_horizons p
       ON p.snapshot_id = v.snapshot_id
      AND p.model_id IN (SELECT model_id FROM wanted)
      AND p.published_version IS NOT DISTINCT FROM v.published_version
GROUP BY ALL
ORDER BY v.version_date, v.snapshot_id, version;
