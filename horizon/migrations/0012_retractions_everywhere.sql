-- Retractions reach the tables added after 0008_retractions: the indicator series, the METR
-- RCT issues and suite task lists gain active_* views (same columns, no retracted snapshot),
-- and indicator_current, which every indicator reader goes through, passes over a retracted
-- snapshot so the series falls back to its newest snapshot that still counts.

CREATE VIEW active_indicator_values AS
SELECT * FROM indicator_values WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_rct_issues AS
SELECT * FROM rct_issues WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);
CREATE VIEW active_suite_tasks AS
SELECT * FROM suite_tasks WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshot_retractions);

CREATE OR REPLACE VIEW indicator_current AS
WITH ranked AS (
    SELECT i.series, i.snapshot_id,
           row_number() OVER (PARTITION BY i.series ORDER BY v.version_date DESC, i.snapshot_id DESC) AS rank
    FROM (SELECT DISTINCT series, snapshot_id FROM active_indicator_values) i
    JOIN snapshot_versions v USING (snapshot_id)
)
SELECT iv.* FROM indicator_values iv JOIN ranked r USING (series, snapshot_id) WHERE r.rank = 1;
