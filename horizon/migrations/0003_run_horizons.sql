-- Per-model horizons fitted from run-level results (`horizon fit`, fit kind run_horizons).
-- One row per agent and success level; agents with no finite horizon keep their row, with
-- status 'no_finite_horizon' and the reason, and NULL estimates (never 0).

CREATE TABLE fit_horizons (
    fit_id                     INTEGER NOT NULL,  -- fits.fit_id (params, seed, code version, snapshot)
    source_model               VARCHAR NOT NULL,  -- agent as the runs file spells it
    model_id                   VARCHAR NOT NULL,
    release_date               DATE,
    release_date_missing       BOOLEAN NOT NULL,  -- fitted anyway; trend fits must skip it
    level                      INTEGER NOT NULL,  -- success level in percent
    estimate                   DOUBLE,            -- minutes; NULL when status is not 'ok'
    ci_low                     DOUBLE,            -- percentile interval over finite replicates
    ci_high                    DOUBLE,
    beta0                      DOUBLE,            -- logit P(success) = beta0 + beta1 * log2(minutes)
    beta1                      DOUBLE,
    average_score              DOUBLE,            -- weighted mean of score_binarized (fit weights)
    n_runs                     INTEGER NOT NULL,
    n_tasks                    INTEGER NOT NULL,
    n_replicates               INTEGER NOT NULL,
    n_nonfinite_replicates     INTEGER NOT NULL,  -- replicates with no finite horizon at this level
    status                     VARCHAR NOT NULL,  -- ok | no_finite_horizon
    reason                     VARCHAR,           -- why not ok, e.g. all_runs_failed
    source_weight_max_abs_diff DOUBLE,            -- |file weight - our weight|, max over the agent's runs
    PRIMARY KEY (fit_id, source_model, level)
);

-- Every bootstrap replicate's horizon, so trend fits can propagate the uncertainty.
CREATE TABLE fit_replicates (
    fit_id           INTEGER NOT NULL,
    source_model     VARCHAR NOT NULL,
    level            INTEGER NOT NULL,
    replicate        INTEGER NOT NULL,  -- 0-based; same index = same family/task draw for all agents
    horizon_minutes  DOUBLE,            -- NULL when the replicate gives no finite horizon
    PRIMARY KEY (fit_id, source_model, level, replicate)
);
