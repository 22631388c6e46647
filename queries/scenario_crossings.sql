-- The newest scenarios fit: when the multiplier M crosses 2x, 10x, 100x, 1000x (or never, with the bound it approaches) and when h80 reaches each threshold, per scenario, with 80% and 95% intervals.
SELECT scenario, kind, target, label, status, date_central, date_median, lo80, hi80, lo95, hi95,
       n_never, n_draws, bound_central, bound_lo80, bound_hi80, fit_id
FROM scenario_crossings
WHERE fit_id = (SELECT max(fit_id) FROM scenario_runs)
ORDER BY scenario, kind DESC, value, level;
