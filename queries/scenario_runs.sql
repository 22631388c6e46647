-- Every stored scenarios fit (scenarios, not predictions): start date, the 80% trend it started from, draws, seed, evidence source.
SELECT r.fit_id, r.start_date, r.snapshot_id, r.doubling_days, r.doubling_ci_low, r.doubling_ci_high,
       r.h_start_minutes, r.success_slope, r.n_draws, r.param_draws, r.seed, r.years,
       r.evidence_source, r.n_observations, f.created_at, f.code_version
FROM scenario_runs r JOIN fits f USING (fit_id)
ORDER BY r.fit_id;
