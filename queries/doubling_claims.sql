-- The publisher's own doubling-time claim (days) in every published version ingested and not retracted.
SELECT s.snapshot_id, coalesce(d.published_version, s.publisher_label) AS version, s.retrieved_at,
       d.window_name, d.point_estimate AS doubling_days, d.ci_low, d.ci_high, s.sha256
FROM active_publisher_doubling_times d JOIN snapshots s USING (snapshot_id)
ORDER BY s.snapshot_id, d.window_name;
