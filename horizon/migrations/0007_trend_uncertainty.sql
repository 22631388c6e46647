-- Trends you can cite: one ordering of "newest published version" shared by Python and SQL,
-- each form's status in words, 80% and 95% intervals, forecasts with two intervals, a break
-- test with its sensitivity, the interval coverage study and checked publisher comparisons.

-- "METR-Horizon-v1.10" is newer than "METR-Horizon-v1.9": the numbers in a suite or version
-- label, compared as numbers (a list of integers; no label is the empty list, oldest).
-- Python twin: horizon.trend.rules.version_key (a test checks they agree).
CREATE MACRO suite_version(label) AS CAST(regexp_extract_all(coalesce(label, ''), '\d+') AS BIGINT[]);

-- Snapshots holding published headline horizons, ranked newest first: by suite version, then
-- the publisher's version date (see snapshot_versions), then the later snapshot. newest_rank = 1
-- is the headline every default trend, citation and report page uses.
-- Python twin: horizon.trend.rules.newest_first_key.
CREATE VIEW headline_snapshots AS
SELECT
    snapshot_id,
    publisher_label,
    published_version,
    version_date,
    suite_version(publisher_label) AS suite_version,
    row_number() OVER (ORDER BY suite_version(publisher_label) DESC, version_date DESC, snapshot_id DESC) AS newest_rank
FROM snapshot_versions
WHERE has_headline;

ALTER TABLE trend_fits ADD COLUMN points VARCHAR;
ALTER TABLE trend_fits ADD COLUMN status VARCHAR;
ALTER TABLE trend_fits ADD COLUMN ci80_low DOUBLE;
ALTER TABLE trend_fits ADD COLUMN ci80_high DOUBLE;
COMMENT ON COLUMN trend_fits.points IS 'frontier (frontier models in the window) or all (every model in the window)';
COMMENT ON COLUMN trend_fits.status IS 'ok, not_fitted, not_converged, not_identified, no_growth or implausible_doubling; note says why in words';
COMMENT ON COLUMN trend_fits.ci80_low IS '80% interval of doubling_days (days); ci_low / ci_high are the 95% interval';

-- Warnings about a whole trend fit (e.g. fragile: too few points; backtest_not_run).
CREATE TABLE trend_warnings (
    fit_id  INTEGER NOT NULL,
    code    VARCHAR NOT NULL,
    text    VARCHAR NOT NULL,
    PRIMARY KEY (fit_id, code)
);
COMMENT ON TABLE trend_warnings IS 'Named warnings about a trend fit, each with one line of explanation';

-- Forecasts have two intervals. forecasts.lo80 .. hi95 say when the fitted trend line crosses
-- the threshold (a confidence interval: the uncertainty of the line). forecast_reach says when an
-- agent is expected to reach it (a prediction interval: the line's uncertainty plus the scatter
-- of agents about it), one row per forecasts row.
CREATE TABLE forecast_reach (
    fit_id          INTEGER NOT NULL,    -- forecasts.fit_id
    threshold       VARCHAR NOT NULL,
    form            VARCHAR NOT NULL,
    date_median     DATE,                -- half the agents released by then would reach it
    lo80            DATE,                -- 80% interval (NULL upper bound: never within any date)
    hi80            DATE,
    lo95            DATE,
    hi95            DATE,
    interval_method VARCHAR NOT NULL,
    PRIMARY KEY (fit_id, threshold, form)
);
COMMENT ON TABLE forecast_reach IS 'When an agent is expected to reach each threshold: prediction intervals (line uncertainty plus agent-to-agent scatter), beside the confidence intervals in forecasts';
COMMENT ON COLUMN forecasts.lo80 IS 'when the trend line crosses the threshold: 80% confidence interval, earliest date';

-- The break test of a trend fit and how much it rests on single models.
CREATE TABLE trend_break_tests (
    fit_id                 INTEGER PRIMARY KEY,  -- fits.fit_id, kind 'trend'
    level                  INTEGER NOT NULL,
    statistic              DOUBLE NOT NULL,      -- sup over allowed break dates of the F statistic
    p_value                DOUBLE NOT NULL,      -- null: the no-break line with normal errors
    p_value_wild           DOUBLE NOT NULL,      -- null: the no-break line with wild-bootstrap (Rademacher) residuals
    n_replicates           INTEGER NOT NULL,
    break_date             DATE,                 -- the piecewise fit's break
    grid_first             DATE NOT NULL,        -- earliest and latest break dates the test allows
    grid_last              DATE NOT NULL,
    at_grid_edge           VARCHAR,              -- first or last when the break sits on an end of the grid, else NULL
    leave_one_out          JSON,                 -- [{model_id, p_value}] with each used model left out in turn
    most_influential_model VARCHAR,              -- the model whose removal raises p the most
    p_value_without_it     DOUBLE,
    rests_on_one_model     BOOLEAN,              -- p < 0.05, but not once that one model is left out
    summary                VARCHAR NOT NULL,     -- the result in plain words
    method                 VARCHAR NOT NULL
);
COMMENT ON TABLE trend_break_tests IS 'Break test of each trend fit: sup-F p under a normal and a wild null, leave-one-out sensitivity, edge of the grid';

-- The coverage study the default headline interval method was chosen by: simulated data sets
-- shaped like the canonical trend's frontier, each method's interval, how often it covered the
-- true doubling time.
CREATE TABLE interval_coverage (
    fit_id       INTEGER NOT NULL,     -- fits.fit_id, kind 'coverage_study' (its params hold the design)
    scenario     VARCHAR NOT NULL,     -- normal (the main study) or a robustness row (heavy_tailed, ...)
    method       VARCHAR NOT NULL,
    n_points     INTEGER NOT NULL,
    level        DOUBLE NOT NULL,      -- nominal: 0.80 or 0.95
    coverage     DOUBLE NOT NULL,      -- share of simulated data sets whose interval covered the truth
    n_datasets   INTEGER NOT NULL,
    chosen       BOOLEAN NOT NULL,     -- the default headline method
    PRIMARY KEY (fit_id, scenario, method, n_points, level)
);
COMMENT ON TABLE interval_coverage IS 'Simulation coverage of each headline interval method (method x points x level)';

-- A publisher's own doubling time beside ours on the same file, and the gap.
CREATE TABLE trend_publisher_checks (
    fit_id        INTEGER NOT NULL,    -- the trend fit whose source snapshot holds the claim
    window_name   VARCHAR NOT NULL,    -- from_2023_on, all_time_stitched
    published     DOUBLE NOT NULL,     -- days
    published_ci_low  DOUBLE,
    published_ci_high DOUBLE,
    ours          DOUBLE,              -- days, the publisher's window fitted on the same file
    ours_ci_low   DOUBLE,              -- our default 95% interval on that window
    ours_ci_high  DOUBLE,
    gap_days      DOUBLE,              -- ours - published
    flagged       BOOLEAN NOT NULL,    -- |gap| above the tolerance
    cause         VARCHAR,             -- why, where it can be named
    PRIMARY KEY (fit_id, window_name)
);
COMMENT ON TABLE trend_publisher_checks IS 'Publisher doubling times compared with ours on the same file; gaps above 0.05 days flagged with their cause';
