-- One indicator series' every value, oldest first (current snapshot); --param series=NAME (e.g. anthropic_al4_plus).
SELECT series, entity, date, period, date_known, value, unit, ci_low, ci_high, ci_level, fit_use, note, source_url, snapshot_id
FROM indicator_current WHERE series = $series ORDER BY date, entity;
