-- The ladder of AI R&D benchmarks in the newest indicators evaluation: every rung (empty ones too) and its benchmarks.
WITH fit AS (SELECT max(fit_id) AS fit_id FROM fits WHERE kind = 'indicators')
SELECT r.rung, r.name AS rung_name, r.status AS rung_status, t.key AS benchmark, t.title, t.best_value, t.best_entity,
       t.best_date, t.saturation, t.status, t.target_date AS saturation_date, t.target_low, t.target_high, r.fit_id
FROM ladder_rungs r JOIN fit USING (fit_id)
LEFT JOIN indicator_trends t ON t.fit_id = r.fit_id AND t.rung = r.rung
ORDER BY r.rung, t.key;
