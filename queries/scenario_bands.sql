-- The newest scenarios fit: paths with bands (central, median, 80% and 95%) of h80_minutes, share and multiplier, per scenario and date.
SELECT scenario, quantity, day, central, median, lo80, hi80, lo95, hi95
FROM scenario_bands
WHERE fit_id = (SELECT max(fit_id) FROM scenario_runs)
ORDER BY scenario, quantity, day;
