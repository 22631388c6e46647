-- Snapshot history: every distinct file ever ingested, oldest first, with where it came from and any retraction.
SELECT snapshot_id, publisher_label, source_kind, origin, retrieved_at, rows, bytes, sha256,
       retracted, retracted_at, retraction_reason
FROM snapshot_status
ORDER BY snapshot_id;
