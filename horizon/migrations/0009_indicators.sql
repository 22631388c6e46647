-- The AI R&D automation indicators: dated, sourced measurements (inside the labs, the ideation
-- rung of the ladder), the per-issue data of METR's 2025 developer RCT, the task list of METR's
-- suite, and the stored ladder and indicator trends (each hanging from a fit run, kind
-- 'indicators', like every other computed result).

-- One measurement: a series' value for an entity (model, company, suite) at a date.
CREATE TABLE indicator_values (
    snapshot_id     INTEGER NOT NULL,
    series          VARCHAR NOT NULL,   -- e.g. anthropic_al4_plus, cobench (data/indicators/series.toml)
    entity          VARCHAR NOT NULL,   -- model, company or suite the value belongs to
    date            DATE NOT NULL,      -- first day of the period for months and quarters
    date_precision  VARCHAR NOT NULL,   -- day, week, month, quarter
    period          VARCHAR,            -- the period as the source writes it (2026-03, 2025Q4)
    date_known      BOOLEAN NOT NULL,   -- false: the date is not on the public record (a guess)
    value           DOUBLE NOT NULL,
    unit            VARCHAR NOT NULL,   -- pct, multiple, score_0_100, pct_time_change, ...
    ci_low          DOUBLE,             -- interval where the source publishes one
    ci_high         DOUBLE,
    ci_level        DOUBLE,             -- 0.9, 0.95
    fit_use         BOOLEAN NOT NULL,   -- false: shown but never fitted (see note)
    method          VARCHAR,            -- how the number was obtained (printed, digitised, transcribed)
    caveat          VARCHAR,            -- what it does not control for
    note            VARCHAR,
    source_url      VARCHAR,            -- the publisher's page
    row_number      INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, series, entity, date)
);

-- METR's randomised trial of early-2025 AI tools (Becker et al. 2025): one row per issue.
CREATE TABLE rct_issues (
    snapshot_id                 INTEGER NOT NULL,
    study                       VARCHAR NOT NULL,
    dev_id                      VARCHAR NOT NULL,
    issue_id                    VARCHAR NOT NULL,
    ai_allowed                  BOOLEAN NOT NULL,
    predicted_minutes_no_ai     DOUBLE NOT NULL,
    predicted_minutes_ai        DOUBLE NOT NULL,
    initial_minutes             DOUBLE NOT NULL,   -- until the pull request is up for review
    post_review_minutes         DOUBLE,            -- fixing it up after review; missing for some issues
    prior_task_exposure         INTEGER,           -- 1-5, collected from half-way through the study
    external_resource_needs     INTEGER,           -- 1-3, likewise
    source_url                  VARCHAR,
    row_number                  INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, issue_id)
);

-- The tasks of a METR suite with their human minutes (e.g. the 228 of Time Horizon 1.1).
CREATE TABLE suite_tasks (
    snapshot_id     INTEGER NOT NULL,
    suite           VARCHAR NOT NULL,
    task_key        VARCHAR NOT NULL,   -- family/family/task as the file writes it
    task_family     VARCHAR NOT NULL,
    task_source     VARCHAR,            -- RE-Bench for METR's ai_rd_* environments; else unknown
    human_minutes   DOUBLE NOT NULL,
    PRIMARY KEY (snapshot_id, task_key)
);

-- Which snapshot is current for a series: the newest published (snapshot_versions), ties to
-- the higher id; queries, the CLI and the report all read series through this view.
CREATE VIEW indicator_current AS
WITH ranked AS (
    SELECT i.series, i.snapshot_id,
           row_number() OVER (PARTITION BY i.series ORDER BY v.version_date DESC, i.snapshot_id DESC) AS rank
    FROM (SELECT DISTINCT series, snapshot_id FROM indicator_values) i
    JOIN snapshot_versions v USING (snapshot_id)
)
SELECT iv.* FROM indicator_values iv JOIN ranked r USING (series, snapshot_id) WHERE r.rank = 1;

-- A stored evaluation of the ladder and the inside-the-labs trends (fits.kind = 'indicators').
CREATE TABLE ladder_rungs (
    fit_id          INTEGER NOT NULL,
    rung            INTEGER NOT NULL,   -- 1 software engineering .. 4 strategy
    name            VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,   -- progressing, near_saturation, no_clear_trend, sparse_data, no_benchmark
    status_text     VARCHAR NOT NULL,   -- the status in words, as printed
    n_benchmarks    INTEGER NOT NULL,
    PRIMARY KEY (fit_id, rung)
);

-- One row per ladder benchmark and per inside-the-labs series: its latest frontier value and
-- trend. Ladder rows have a rung; inside-the-labs rows have none.
CREATE TABLE indicator_trends (
    fit_id          INTEGER NOT NULL,
    key             VARCHAR NOT NULL,   -- ladder benchmark id or series name
    rung            INTEGER,
    title           VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,   -- score (bounded), horizon (minutes), multiple, estimate
    unit            VARCHAR NOT NULL,
    n_points        INTEGER NOT NULL,   -- values with a known date
    n_used          INTEGER NOT NULL,   -- points the trend was fitted to
    latest_entity   VARCHAR,
    latest_date     DATE,
    latest_value    DOUBLE,
    previous_value  DOUBLE,             -- the value before the latest (frontier or series)
    best_entity     VARCHAR,            -- frontier: the best value so far
    best_date       DATE,
    best_value      DOUBLE,
    saturation      DOUBLE,             -- bounded: the level the score cannot pass
    form            VARCHAR,            -- logit_linear, exponential, or NULL (no trend)
    slope           DOUBLE,             -- per year, in the form's units (logit or ln)
    slope_low       DOUBLE,
    slope_high      DOUBLE,
    ci_level        DOUBLE,
    doubling_days   DOUBLE,             -- exponential forms
    target_value    DOUBLE,             -- the stated level projected to (near-saturation level on the ladder)
    target_label    VARCHAR,
    target_date     DATE,               -- when the fitted trend reaches it
    target_low      DATE,               -- NULL with target_open: the interval does not close
    target_high     DATE,
    target_open     VARCHAR,            -- why an end of the interval is open, in words
    extrapolation   BOOLEAN NOT NULL,   -- the target lies beyond the data
    status          VARCHAR NOT NULL,
    status_text     VARCHAR NOT NULL,
    source_url      VARCHAR,
    citation        VARCHAR,
    caveat          VARCHAR,
    snapshots       JSON NOT NULL,      -- the snapshot ids this row was computed from
    PRIMARY KEY (fit_id, key)
);
