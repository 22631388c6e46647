-- Retracting a snapshot (`horizon snapshots retract ID --why ...`): a file that turned out to be
-- wrong (cut off, hostile, superseded by a correction) stops counting everywhere, and stays in
-- the audit trail. Nothing is deleted: the snapshot and its rows remain, a retraction row says
-- when and why, and readers read the views below instead of the tables.
--
-- Which rows count: the active_* views hold the rows of snapshots that are not retracted, with
-- the same columns as their tables. Newest-version choices read snapshot_versions, whose
-- has_headline is now true only for a snapshot that is not retracted. The audit trail is
-- snapshot_status (every snapshot, retracted or not) and retracted_fits (stored fits that read
-- a snapshot retracted since).

CREATE TABLE snapshot_retractions (
    snapshot_id   INTEGER PRIMARY KEY,    -- snapshots.snapshot_id
    retracted_at  TIMESTAMP NOT NULL,     -- UTC
    reason        VARCHAR NOT NULL        -- why, in words, as given to --why
);

-- Every snapshot ever ingested, with its retraction if any: the audit trail.
CREATE VIEW snapshot_status AS
SELECT s.snapshot_id, s.source_kind, s.origin, s.retrieved_at, s.sha256, s.bytes, s.rows,
       s.publisher_label, s.citation,
       r.snapshot_id IS NOT NULL AS retracted,
       r.retracted_at,
       r.reason AS retraction_reason
FROM snapshots s LEFT JOIN snapshot_retractions r USING (snapshot_id);

CREATE VIEW active_snapshots AS
SELECT * FROM snapshots WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);

CREATE VIEW active_published_horizons AS
SELECT * FROM published_horizons WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_publisher_doubling_times AS
SELECT * FROM publisher_doubling_times WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_runs AS
SELECT * FROM runs WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_release_dates AS
SELECT * FROM release_dates WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_benchmark_horizons AS
SELECT * FROM benchmark_horizons WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_benchmark_scores AS
SELECT * FROM benchmark_scores WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_benchmark_tasks AS
SELECT * FROM benchmark_tasks WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_benchmark_meta AS
SELECT * FROM benchmark_meta WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);

-- Stored fits (of any kind) that read a snapshot retracted after they were made: one row per
-- fit and retracted input. Their numbers stay queryable; defaults (cite, update) skip them.
CREATE VIEW retracted_fits AS
SELECT f.fit_id, f.kind, r.snapshot_id, r.retracted_at, r.reason AS retraction_reason
FROM fits f
CROSS JOIN unnest(CAST(f.input_snapshots AS INTEGER[])) AS i(snapshot_id)
JOIN snapshot_retractions r ON r.snapshot_id = i.snapshot_id;

-- As in 0006_snapshot_versions (one definition of a snapshot's published version), plus
-- retracted; has_headline now means "has published headline rows that count", so every
-- newest-version choice (trends, update, named queries, the report) passes over a retracted one.
CREATE OR REPLACE VIEW snapshot_versions AS
SELECT
    s.snapshot_id,
    s.publisher_label,
    s.origin,
    s.retrieved_at,
    max(p.published_version) AS published_version,
    count(p.snapshot_id) > 0 AND NOT bool_or(r.snapshot_id IS NOT NULL) AS has_headline,
    coalesce(
        max(try_cast(regexp_extract(p.published_version, '\d{4}-\d{2}-\d{2}') AS DATE)),
        try_cast(regexp_extract(
            regexp_extract(split_part(s.origin, '?', 1), '([^/\\]*)/*$', 1),
            '\d{4}-\d{2}-\d{2}') AS DATE),
        CAST(s.retrieved_at AS DATE)
    ) AS version_date,
    bool_or(r.snapshot_id IS NOT NULL) AS retracted
FROM snapshots s
LEFT JOIN (SELECT DISTINCT snapshot_id, published_version FROM published_horizons) p USING (snapshot_id)
LEFT JOIN snapshot_retractions r USING (snapshot_id)
GROUP BY s.snapshot_id, s.publisher_label, s.origin, s.retrieved_at;
