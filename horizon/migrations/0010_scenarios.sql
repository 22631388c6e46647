-- The scenario model (`horizon scenarios`): what the 80% horizon trend implies for AI R&D under
-- the four dynamics (amdahl, explosive, plateau, expanding_pie). Scenarios, not predictions.
-- Every row hangs from a fit run (fits.kind = 'scenarios') whose params record every parameter
-- value in force, the options, the trend it started from and the evidence it was read against.

-- One row per scenarios fit: where it started and from what.
CREATE TABLE scenario_runs (
    fit_id            INTEGER PRIMARY KEY,  -- fits.fit_id, kind 'scenarios'
    start_date        DATE NOT NULL,        -- the scenarios leave the fitted trend here
    snapshot_id       INTEGER,              -- the headline snapshot of the 80% trend
    trend_level       INTEGER NOT NULL,     -- 80: the model runs on the 80% horizon
    doubling_days     DOUBLE,               -- the central 80% trend's doubling time
    doubling_ci_low   DOUBLE,               -- and its 95% interval (the same draws)
    doubling_ci_high  DOUBLE,
    interval_method   VARCHAR,              -- how the trend's draws were made
    n_models          INTEGER,              -- frontier models in the 80% trend
    h_start_minutes   DOUBLE,               -- central 80% horizon at the start date
    h_start_lo80      DOUBLE,
    h_start_hi80      DOUBLE,
    success_slope     DOUBLE,               -- b per doubling of task length (median over models)
    n_draws           INTEGER NOT NULL,
    param_draws       BOOLEAN NOT NULL,     -- parameters drawn over their ranges too
    seed              BIGINT NOT NULL,
    years             DOUBLE NOT NULL,      -- how far past the start the bands run
    evidence_source   VARCHAR,              -- store, files (a directory), or NULL: none
    n_observations    INTEGER NOT NULL
);

-- Every parameter in force, with its stated range and citation.
CREATE TABLE scenario_parameters (
    fit_id          INTEGER NOT NULL,
    name            VARCHAR NOT NULL,
    value           DOUBLE NOT NULL,
    default_value   DOUBLE NOT NULL,        -- as the parameter file states it
    range_low       DOUBLE NOT NULL,
    range_high      DOUBLE NOT NULL,
    scale           VARCHAR NOT NULL,       -- linear or log (how --param-draws covers the range)
    unit            VARCHAR,
    label           VARCHAR,
    cite            VARCHAR NOT NULL,
    source          VARCHAR,
    overridden_from VARCHAR,                -- NULL: the file's default; else --param or a file
    PRIMARY KEY (fit_id, name)
);

-- One row per scenario of a fit: its equations, where it starts, the bound it approaches.
CREATE TABLE scenario_outcomes (
    fit_id              INTEGER NOT NULL,
    scenario            VARCHAR NOT NULL,
    title               VARCHAR NOT NULL,
    camp                VARCHAR NOT NULL,   -- the camp's view, as the CSET report states it
    feedback            BOOLEAN NOT NULL,   -- does research effort feed back into h's growth
    equations           JSON NOT NULL,      -- the scenario's own equations, as printed
    common_equations    JSON NOT NULL,      -- the bridge and Amdahl's law, shared by all
    m_start             DOUBLE,             -- multiplier at the start date: central, median, 80%
    m_start_median      DOUBLE,
    m_start_lo80        DOUBLE,
    m_start_hi80        DOUBLE,
    f_start             DOUBLE,             -- automatable share at the start date
    f_start_lo80        DOUBLE,
    f_start_hi80        DOUBLE,
    bound               DOUBLE,             -- supremum of M (NULL: unbounded)
    bound_median        DOUBLE,
    bound_lo80          DOUBLE,
    bound_hi80          DOUBLE,
    blowup_date         DATE,               -- finite-time blow-up of h (explosive): central
    blowup_median       DATE,
    blowup_lo80         DATE,
    blowup_hi80         DATE,
    blowup_lo95         DATE,
    blowup_hi95         DATE,
    blowup_n_never      INTEGER,            -- draws with no blow-up (NULL: not a blow-up scenario)
    PRIMARY KEY (fit_id, scenario)
);

-- Paths with bands: the 80% horizon (minutes), the automatable share f and the multiplier M.
CREATE TABLE scenario_bands (
    fit_id    INTEGER NOT NULL,
    scenario  VARCHAR NOT NULL,
    day       DATE NOT NULL,
    quantity  VARCHAR NOT NULL,             -- h80_minutes, share, multiplier; series:<id> = an indicator's own axis
    central   DOUBLE,                       -- NULL: infinite (after a blow-up)
    lo95      DOUBLE,
    lo80      DOUBLE,
    median    DOUBLE,
    hi80      DOUBLE,
    hi95      DOUBLE,
    PRIMARY KEY (fit_id, scenario, quantity, day)
);

-- When M crosses 2x, 10x, 100x, 1000x and when h reaches each threshold of data/thresholds.toml.
CREATE TABLE scenario_crossings (
    fit_id        INTEGER NOT NULL,
    scenario      VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,         -- multiplier or horizon
    target        VARCHAR NOT NULL,         -- 10x, or the threshold's name
    label         VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,          -- the multiplier level, or the threshold in hours
    level         INTEGER,                  -- the threshold's success level (horizon)
    status        VARCHAR NOT NULL,         -- crosses (the median draw does) or never
    date_central  DATE,                     -- NULL: never (or beyond the model's range)
    date_median   DATE,
    lo80          DATE,
    hi80          DATE,
    lo95          DATE,
    hi95          DATE,
    n_draws       INTEGER NOT NULL,
    n_never       INTEGER NOT NULL,
    bound_central DOUBLE,                   -- multiplier: the supremum M approaches
    bound_median  DOUBLE,
    bound_lo80    DOUBLE,
    bound_hi80    DOUBLE,
    PRIMARY KEY (fit_id, scenario, kind, target)
);

-- Each indicator reading against each scenario's band at its date.
CREATE TABLE scenario_evidence (
    fit_id        INTEGER NOT NULL,
    scenario      VARCHAR NOT NULL,
    series        VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,
    day           DATE NOT NULL,
    kind          VARCHAR NOT NULL,         -- multiplier or share
    value         DOUBLE NOT NULL,
    noise         DOUBLE NOT NULL,          -- sd: ln units (multiplier), share units (share)
    baseline_from DATE,                     -- multiplier relative to the mean over this period
    baseline_to   DATE,
    source        VARCHAR NOT NULL,
    note          VARCHAR,
    band_central  DOUBLE,
    lo95          DOUBLE,
    lo80          DOUBLE,
    median        DOUBLE,
    hi80          DOUBLE,
    hi95          DOUBLE,
    status        VARCHAR NOT NULL,         -- inside 80% band, inside 95% band, above / below 95% band
    consistent    BOOLEAN NOT NULL          -- reading +- 1.96 noise overlaps the 95% band
);

-- Per indicator series and pair of scenarios: the first date their 95% bands are further apart
-- than 1.96 times the series' noise (NULL: not within the window).
CREATE TABLE scenario_separations (
    fit_id      INTEGER NOT NULL,
    series      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    noise       DOUBLE NOT NULL,
    scenario_a  VARCHAR NOT NULL,
    scenario_b  VARCHAR NOT NULL,
    first_date  DATE,
    from_date   DATE NOT NULL,              -- the series' first reading: the search starts there
    PRIMARY KEY (fit_id, series, scenario_a, scenario_b)
);
