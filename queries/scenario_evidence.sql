-- The newest scenarios fit: each inside-the-lab indicator reading against each scenario's band at its date (inside 80% / 95%, consistent within its noise).
SELECT series, day, kind, value, noise, scenario, band_central, lo95, hi95, status, consistent, baseline_from, baseline_to, source
FROM scenario_evidence
WHERE fit_id = (SELECT max(fit_id) FROM scenario_runs)
ORDER BY series, day, scenario;
