-- The newest scenarios fit: every parameter in force, its default, stated range, citation and where an override came from.
SELECT name, value, default_value, range_low, range_high, scale, unit, overridden_from, cite, source
FROM scenario_parameters
WHERE fit_id = (SELECT max(fit_id) FROM scenario_runs)
ORDER BY name;
