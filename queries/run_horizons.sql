-- Per-agent p50/p80 with 95% intervals from the newest run-level fit (horizon fit), with its parameters.
-- Default fits only: METR-compatible fits (horizon fit --compat metr) are kind run_horizons_metr.
SELECT h.fit_id, h.source_model AS agent, h.model_id, h.release_date, h.level,
       h.estimate AS minutes, h.ci_low, h.ci_high, h.status, h.reason,
       h.n_runs, h.n_tasks, h.n_nonfinite_replicates, f.params, f.seed, f.input_snapshots
FROM fit_horizons h JOIN fits f USING (fit_id)
WHERE h.fit_id = (SELECT max(fit_id) FROM fits WHERE kind = 'run_horizons')
ORDER BY h.level, h.release_date NULLS LAST, agent;
