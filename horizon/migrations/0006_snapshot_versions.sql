-- One definition of "which published version is this snapshot", shared by trends, update,
-- named queries and the report, so that "newest" means newest published, not last ingested.
-- version_date: the newest date written in the snapshot's published_version rows (our embedded
-- copies say e.g. "METR-Horizon-v1.1 (2026-02-22)"), else a date in the file name of its
-- origin (benchmark_results_1_1.2026-01-30.yaml; not a folder's), else the day it was retrieved.
-- An impossible date (2026-13-45) counts as none.

CREATE VIEW snapshot_versions AS
SELECT
    s.snapshot_id,
    s.publisher_label,
    s.origin,
    s.retrieved_at,
    max(p.published_version) AS published_version,
    count(p.snapshot_id) > 0 AS has_headline,
    coalesce(
        max(try_cast(regexp_extract(p.published_version, '\d{4}-\d{2}-\d{2}') AS DATE)),
        try_cast(regexp_extract(
            regexp_extract(split_part(s.origin, '?', 1), '([^/\\]*)/*$', 1),
            '\d{4}-\d{2}-\d{2}') AS DATE),
        CAST(s.retrieved_at AS DATE)
    ) AS version_date
FROM snapshots s
LEFT JOIN (SELECT DISTINCT snapshot_id, published_version FROM published_horizons) p USING (snapshot_id)
GROUP BY s.snapshot_id, s.publisher_label, s.origin, s.retrieved_at;
