-- One publication, one vintage. The same published version often reaches a store twice: our
-- embedded copy (data/metr/*.csv) and METR's own YAML, fetched or ingested from a file. They are
-- different bytes, so two snapshots, but one publication: the same rows. A publication is the
-- set of snapshots whose published horizons are identical (a fingerprint of every row); its id
-- is its first snapshot that counts. Every copy takes the publication's version and date (the
-- embedded copy names them, a fetched YAML does not), and headline_snapshots lists each
-- publication once, through that first copy, so vintages, queries, trends and citations count
-- it once and a later copy never moves the canonical trend.

-- Suite labels under one name (horizon.formats.base.SUITE_LABELS) in stores ingested before it.
UPDATE published_horizons SET suite = 'METR-Horizon-v1.0' WHERE suite = 'METR-Horizon-v1';
UPDATE publisher_doubling_times SET suite = 'METR-Horizon-v1.0' WHERE suite = 'METR-Horizon-v1';
UPDATE snapshots SET publisher_label = 'METR-Horizon-v1.0' WHERE publisher_label = 'METR-Horizon-v1';

CREATE VIEW snapshot_publications AS
WITH content AS (
    SELECT snapshot_id,
           md5(string_agg(
               concat(source_model, '|', level, '|', coalesce(CAST(estimate AS VARCHAR), ''), '|',
                      coalesce(CAST(ci_low AS VARCHAR), ''), '|', coalesce(CAST(ci_high AS VARCHAR), '')),
               ';' ORDER BY source_model, level)) AS fingerprint
    FROM active_published_horizons
    GROUP BY snapshot_id
)
SELECT snapshot_id, fingerprint, min(snapshot_id) OVER (PARTITION BY fingerprint) AS publication_id
FROM content;

CREATE OR REPLACE VIEW snapshot_versions AS
WITH own AS (
    SELECT
        s.snapshot_id,
        s.publisher_label,
        s.origin,
        s.retrieved_at,
        max(p.published_version) AS own_version,
        count(p.snapshot_id) > 0 AND NOT bool_or(r.snapshot_id IS NOT NULL) AS has_headline,
        -- The version date, best first: written in the rows (our embedded copies), in the file
        -- name (benchmark_results_1_1.2026-01-30.yaml; not a folder's), else when retrieved.
        -- An impossible date (2026-13-45) counts as none.
        max(try_cast(regexp_extract(p.published_version, '\d{4}-\d{2}-\d{2}') AS DATE)) AS written_date,
        try_cast(regexp_extract(
            regexp_extract(split_part(s.origin, '?', 1), '([^/\\]*)/*$', 1),
            '\d{4}-\d{2}-\d{2}') AS DATE) AS file_date,
        CAST(s.retrieved_at AS DATE) AS retrieved_date,
        bool_or(r.snapshot_id IS NOT NULL) AS retracted
    FROM snapshots s
    LEFT JOIN (SELECT DISTINCT snapshot_id, published_version FROM published_horizons) p USING (snapshot_id)
    LEFT JOIN snapshot_retractions r USING (snapshot_id)
    GROUP BY s.snapshot_id, s.publisher_label, s.origin, s.retrieved_at
), grouped AS (
    SELECT o.*, coalesce(sp.publication_id, o.snapshot_id) AS publication_id
    FROM own o LEFT JOIN snapshot_publications sp USING (snapshot_id)
)
SELECT
    snapshot_id,
    publisher_label,
    origin,
    retrieved_at,
    coalesce(own_version, max(own_version) OVER pub) AS published_version,
    has_headline,
    coalesce(max(written_date) OVER pub, max(file_date) OVER pub, min(retrieved_date) OVER pub) AS version_date,
    retracted,
    publication_id
FROM grouped
WINDOW pub AS (PARTITION BY publication_id);

CREATE OR REPLACE VIEW headline_snapshots AS
SELECT
    snapshot_id,
    publisher_label,
    published_version,
    version_date,
    suite_version(publisher_label) AS suite_version,
    row_number() OVER (ORDER BY suite_version(publisher_label) DESC, version_date DESC, snapshot_id DESC) AS newest_rank
FROM snapshot_versions
WHERE has_headline AND snapshot_id = publication_id;

-- Each publication with every copy of it that was ingested (the audit trail of where it came from).
CREATE VIEW publications AS
SELECT
    publication_id,
    any_value(published_version) FILTER (WHERE snapshot_id = publication_id) AS published_version,
    any_value(publisher_label) FILTER (WHERE snapshot_id = publication_id) AS publisher_label,
    any_value(version_date) AS version_date,
    count(*) AS copies,
    list(snapshot_id ORDER BY snapshot_id) AS snapshot_ids,
    list(origin ORDER BY snapshot_id) AS origins
FROM snapshot_versions
WHERE has_headline
GROUP BY publication_id;
