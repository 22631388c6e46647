-- The newest scenarios fit: per indicator series and pair of scenarios, the first date their 95% bands lie further apart than 1.96 times the series' noise.
SELECT series, kind, noise, scenario_a, scenario_b, first_date, from_date
FROM scenario_separations
WHERE fit_id = (SELECT max(fit_id) FROM scenario_runs)
ORDER BY series, first_date NULLS LAST, scenario_a, scenario_b;
