-- Latest value of every indicator series (current snapshot), with the one before it, its source and caveat.
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY series ORDER BY date DESC, entity) AS rank
    FROM indicator_current WHERE date_known
)
SELECT series, entity, date, value, unit, ci_low, ci_high,
       (SELECT r2.value FROM ranked r2 WHERE r2.series = r.series AND r2.rank = 2) AS previous_value,
       method, caveat, source_url, snapshot_id
FROM ranked r WHERE rank = 1 ORDER BY series;
