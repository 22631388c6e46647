"""Per-model time horizons fitted from run-level results (METR's method).

Pure fitting (arrays in, frozen results out):
  ``runtable``  a table of runs checked and coded, and aggregated to (agent, task) cells
  ``weights``   METR's per-run weights, computed from the runs themselves
  ``logistic``  the batched penalised logistic fit, solved to its optimum
  ``bootstrap`` horizon's vectorised hierarchical bootstrap
  ``metr``      METR-compatible mode: sklearn's lbfgs stopping point and METR's own draws
  ``horizons``  the fit of every agent: statuses, horizons, intervals, warnings
  ``metr_trend`` METR's run-level doubling-time interval, for a METR-compatible fit
Results: ``results`` (FitOptions, RunHorizons, AgentHorizons, LevelHorizon).
Store: ``store`` (runs in; fit_horizons and fit_replicates out and back) and ``api``
(``fit_snapshot``: read, fit or reuse, record, write).

Nothing here imports plotting code: reports depend on fits, never the reverse.
"""
