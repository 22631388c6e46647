-- Every model's p50 and p80 (minutes, with the publisher's 95% intervals) in the newest published headline version only; see latest_horizons for each model's newest figure across versions.
SELECT model, model_id, release_date,
       max(horizon_minutes) FILTER (WHERE level = 50) AS p50_minutes,
       max(ci_low_minutes)  FILTER (WHERE level = 50) AS p50_ci_low,
       max(ci_high_minutes) FILTER (WHERE level = 50) AS p50_ci_high,
       max(horizon_minutes) FILTER (WHERE level = 80) AS p80_minutes,
       max(ci_low_minutes)  FILTER (WHERE level = 80) AS p80_ci_low,
       max(ci_high_minutes) FILTER (WHERE level = 80) AS p80_ci_high,
       any_value(published_version) AS published_version, any_value(snapshot_id) AS snapshot_id
FROM newest_horizons
GROUP BY model, model_id, release_date
ORDER BY release_date, model;
