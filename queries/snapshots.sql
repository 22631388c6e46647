-- Snapshot history: every distinct file ever ingested, oldest first, with where it came from.
SELECT snapshot_id, publisher_label, source_kind, origin, retrieved_at, rows, bytes, sha256
FROM snapshots
ORDER BY snapshot_id;
