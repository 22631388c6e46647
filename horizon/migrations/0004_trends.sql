-- Frontier trends, their alternative forms, backtests and threshold forecasts. Every row hangs
-- from a fit run (fits.kind = 'trend' or 'forecast') that records parameters, seed, code
-- version and input snapshots, so reports, queries and `horizon cite` read the same numbers.

-- One row per trend form of a trend fit run.
CREATE TABLE trend_fits (
    fit_id            INTEGER NOT NULL,   -- fits.fit_id, kind 'trend'
    form              VARCHAR NOT NULL,   -- exponential, piecewise, superexponential, saturating
    level             INTEGER NOT NULL,   -- success level in percent: 50 or 80
    source_kind       VARCHAR NOT NULL,   -- published (headline figures) or runs (a run-level fit)
    snapshot_id       INTEGER,            -- the headline snapshot read (source_kind published)
    source_fit_id     INTEGER,            -- the run-level fit read (source_kind runs)
    window_from       DATE,
    window_to         DATE,
    ceiling_minutes   DOUBLE,             -- points above it are left out and flagged
    frontier_rule     VARCHAR NOT NULL,
    first_release     DATE,               -- earliest and latest release among the points used
    last_release      DATE,
    n_models          INTEGER NOT NULL,
    models            JSON NOT NULL,      -- model ids used, in release order
    doubling_days     DOUBLE,             -- exponential: the constant doubling time; other forms:
                                          -- the instantaneous doubling time at last_release
    doubling_months   DOUBLE,             -- doubling_days / (365.25 / 12)
    ci_low            DOUBLE,             -- interval of doubling_days
    ci_high           DOUBLE,
    ci_level          DOUBLE,             -- 0.95
    interval_method   VARCHAR,            -- method id, e.g. wild_bootstrap, run_bootstrap
    interval_text     VARCHAR,            -- the method in words, as printed
    n_replicates      INTEGER,
    r2                DOUBLE,             -- exponential only
    sse               DOUBLE,
    aic               DOUBLE,             -- Gaussian likelihood, same points for every form
    bic               DOUBLE,
    params            JSON NOT NULL,      -- the form's parameters (u in days from last_release)
    break_date        DATE,               -- piecewise: estimated break
    p_value           DOUBLE,             -- piecewise: p-value of the break test
    break_test        VARCHAR,            -- the break test in words
    bt_n_cutoffs      INTEGER,            -- rolling-origin backtest of this form
    bt_n_predictions  INTEGER,
    bt_mae_log        DOUBLE,             -- mean |ln observed - ln predicted|
    bt_median_abs_log DOUBLE,
    bt_rmse_log       DOUBLE,
    bt_bias_log       DOUBLE,             -- mean (ln observed - ln predicted)
    bt_n_infinite     INTEGER,            -- predictions past the form's singularity
    bt_cov80          DOUBLE,             -- share of later agents inside the 80% prediction interval
    bt_cov95          DOUBLE,
    PRIMARY KEY (fit_id, form)
);

-- Every point considered by a trend fit run, used or not, and why not.
CREATE TABLE trend_points (
    fit_id          INTEGER NOT NULL,
    level           INTEGER NOT NULL,
    source_model    VARCHAR NOT NULL,
    model_id        VARCHAR NOT NULL,
    release_date    DATE,
    estimate        DOUBLE,               -- minutes
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    suite           VARCHAR,
    published_sota  BOOLEAN,              -- the publisher's own flag, for comparison
    on_frontier     BOOLEAN NOT NULL,
    used            BOOLEAN NOT NULL,
    excluded_reason VARCHAR,              -- no_estimate, no_release_date, not_frontier,
                                          -- before_window, after_window, above_ceiling
    PRIMARY KEY (fit_id, source_model)
);

-- Backtest predictions: one row per form, cut-off and later agent.
CREATE TABLE trend_backtests (
    fit_id        INTEGER NOT NULL,
    form          VARCHAR NOT NULL,
    cutoff_date   DATE NOT NULL,
    n_train       INTEGER NOT NULL,
    model_id      VARCHAR NOT NULL,
    release_date  DATE NOT NULL,
    observed_log  DOUBLE NOT NULL,        -- ln minutes
    predicted_log DOUBLE,
    lo80          DOUBLE,
    hi80          DOUBLE,
    lo95          DOUBLE,
    hi95          DOUBLE,
    PRIMARY KEY (fit_id, form, cutoff_date, model_id)
);

-- Dates at which each trend form reaches each threshold.
CREATE TABLE forecasts (
    fit_id           INTEGER NOT NULL,    -- fits.fit_id, kind 'forecast'
    trend_fit_id     INTEGER NOT NULL,    -- the trend fit run extrapolated
    threshold        VARCHAR NOT NULL,    -- name in data/thresholds.toml
    label            VARCHAR NOT NULL,
    form             VARCHAR NOT NULL,
    hours            DOUBLE NOT NULL,
    level            INTEGER NOT NULL,
    as_of            DATE NOT NULL,
    date_point       DATE,                -- where the fitted curve reaches it; NULL: never
    date_median      DATE,                -- median over replicates
    lo80             DATE,
    hi80             DATE,                -- NULL upper bound: not reached in that share of replicates
    lo95             DATE,
    hi95             DATE,
    beyond_ceiling   BOOLEAN NOT NULL,    -- threshold above the suite's measurable ceiling
    reached_by_as_of BOOLEAN NOT NULL,
    n_replicates     INTEGER NOT NULL,
    n_never          INTEGER NOT NULL,    -- replicates in which the form never reaches it
    interval_method  VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,    -- threshold citation URL
    PRIMARY KEY (fit_id, threshold, form)
);
