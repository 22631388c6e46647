-- The publisher's own doubling-time claim (days) in every published version ingested and not retracted (each publication once, however many copies).
SELECT v.snapshot_id, coalesce(d.published_version, v.published_version, v.publisher_label) AS version,
       v.version_date, d.window_name, d.point_estimate AS doubling_days, d.ci_low, d.ci_high, s.sha256
FROM active_publisher_doubling_times d
JOIN headline_snapshots v USING (snapshot_id)
JOIN snapshots s USING (snapshot_id)
ORDER BY v.version_date, v.snapshot_id, d.window_name;
