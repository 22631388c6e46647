-- For someone who opens the store with plain SQL (duckdb horizon.duckdb): views for the
-- questions they ask first (the newest published horizons, the frontier, the doubling times
-- horizon quotes, the points each trend used), a comment on every table and view (see them
-- with SELECT table_name, comment FROM duckdb_tables(), and duckdb_views() for views), the
-- unit of every column whose unit is not obvious from its name, and CHECK constraints where a
-- table can be rebuilt safely (rows every parser already guarantees).

-- --- CHECK constraints ---------------------------------------------------------------------------
-- DuckDB cannot add a constraint to an existing table, so these tables are rebuilt: copied into
-- a new table with the constraints, the old one dropped, the new one renamed (views name tables
-- and bind again by name). Every stored row meets them: the parsers refuse a horizon, interval
-- or doubling time that is not a positive number, a level other than 50 or 80 and a score
-- outside 0..1, and `horizon snapshots retract` refuses an empty reason.

CREATE TABLE published_horizons_checked (
    snapshot_id       INTEGER NOT NULL,
    source_model      VARCHAR NOT NULL,
    model_id          VARCHAR NOT NULL,
    suite             VARCHAR,
    level             INTEGER NOT NULL CHECK (level IN (50, 80)),
    estimate          DOUBLE CHECK (estimate > 0),
    ci_low            DOUBLE CHECK (ci_low > 0),
    ci_high           DOUBLE CHECK (ci_high > 0),
    is_sota           BOOLEAN,
    is_sota_level     BOOLEAN,
    release_date      DATE,
    average_score     DOUBLE CHECK (average_score BETWEEN 0 AND 1),
    published_version VARCHAR,
    source_url        VARCHAR,
    PRIMARY KEY (snapshot_id, source_model, level)
);
INSERT INTO published_horizons_checked SELECT * FROM published_horizons;
DROP TABLE published_horizons;
ALTER TABLE published_horizons_checked RENAME TO published_horizons;

CREATE TABLE publisher_doubling_times_checked (
    snapshot_id       INTEGER NOT NULL,
    suite             VARCHAR,
    window_name       VARCHAR NOT NULL,
    point_estimate    DOUBLE CHECK (point_estimate > 0),
    ci_low            DOUBLE CHECK (ci_low > 0),
    ci_high           DOUBLE CHECK (ci_high > 0),
    published_version VARCHAR,
    source_url        VARCHAR,
    PRIMARY KEY (snapshot_id, window_name)
);
INSERT INTO publisher_doubling_times_checked SELECT * FROM publisher_doubling_times;
DROP TABLE publisher_doubling_times;
ALTER TABLE publisher_doubling_times_checked RENAME TO publisher_doubling_times;

CREATE TABLE snapshot_retractions_checked (
    snapshot_id   INTEGER PRIMARY KEY,
    retracted_at  TIMESTAMP NOT NULL,
    reason        VARCHAR NOT NULL CHECK (reason <> '')
);
INSERT INTO snapshot_retractions_checked SELECT * FROM snapshot_retractions;
DROP TABLE snapshot_retractions;
ALTER TABLE snapshot_retractions_checked RENAME TO snapshot_retractions;

-- --- views -------------------------------------------------------------------------------------

-- Every horizon in the newest publication (headline_snapshots.newest_rank = 1), both levels.
CREATE VIEW newest_horizons AS
SELECT m.display_name AS model, p.model_id, p.source_model, p.level,
       p.estimate AS horizon_minutes, p.ci_low AS ci_low_minutes, p.ci_high AS ci_high_minutes,
       p.release_date, p.is_sota, p.is_sota_level, p.suite,
       h.published_version, h.version_date, p.snapshot_id
FROM active_published_horizons p
JOIN headline_snapshots h USING (snapshot_id)
LEFT JOIN models m USING (model_id)
WHERE h.newest_rank = 1
ORDER BY p.level, p.release_date, model, p.source_model;

-- The frontier of the newest publication at each level, as trends pick it. One row per model
-- (a model spelt two ways counts once: the row with a horizon and a release date, then the
-- newer suite, then the higher estimate, then the spelling that sorts first), then on the
-- frontier when its estimate is at least the best of every model released on or before it
-- (ties count). Python twin: horizon.trend.frontier.select_points (a test checks they agree).
CREATE VIEW frontier_models AS
WITH rows AS (
    SELECT p.*, row_number() OVER (
               PARTITION BY p.model_id, p.level
               ORDER BY (p.estimate > 0 AND isfinite(p.estimate) AND p.release_date IS NOT NULL) DESC NULLS LAST,
                        suite_version(p.suite) DESC, p.estimate DESC NULLS LAST, p.source_model) AS pick
    FROM active_published_horizons p
    WHERE p.snapshot_id = (SELECT snapshot_id FROM headline_snapshots WHERE newest_rank = 1)
), points AS (
    SELECT *, max(estimate) OVER (
               PARTITION BY level ORDER BY release_date RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best_so_far
    FROM rows
    WHERE pick = 1 AND release_date IS NOT NULL AND estimate > 0 AND isfinite(estimate)
)
SELECT p.level, m.display_name AS model, p.model_id, p.source_model, p.release_date,
       p.estimate AS horizon_minutes, p.ci_low AS ci_low_minutes, p.ci_high AS ci_high_minutes,
       -- METR's plain is_sota is its 50% flag; without is_sota_p80 its 80% flag is unknown.
       CASE WHEN p.is_sota_level IS NOT NULL THEN p.is_sota_level WHEN p.level = 50 THEN p.is_sota END AS publisher_is_sota,
       p.snapshot_id
FROM points p LEFT JOIN models m USING (model_id)
WHERE p.estimate >= p.best_so_far
ORDER BY p.level, p.release_date, model;

-- The doubling times horizon quotes: every form of each canonical trend fit, per level and
-- source (published: METR's newest publication; runs: the newest run-level fit), where a
-- canonical fit is the newest trend fit on that source with every option at its default.
-- Python twin: horizon.trend.canonical.canonical_trend_fit_id (a test checks they pick the
-- same fit); the default options below are horizon.trend.canonical.canonical_spec's.
CREATE VIEW current_doubling_times AS
WITH sources AS (
    SELECT 'published' AS source_kind, snapshot_id, CAST(NULL AS INTEGER) AS source_fit_id
    FROM headline_snapshots WHERE newest_rank = 1
    UNION ALL
    SELECT 'runs', CAST(NULL AS INTEGER), max(fit_id)
    FROM fits WHERE kind = 'run_horizons' AND fit_id IN (SELECT fit_id FROM fit_horizons)
    HAVING max(fit_id) IS NOT NULL
), canonical AS (
    SELECT t.fit_id, t.level, t.source_kind,
           row_number() OVER (PARTITION BY t.level, t.source_kind ORDER BY t.fit_id DESC) AS rank
    FROM (SELECT DISTINCT fit_id, level, source_kind, snapshot_id, source_fit_id FROM trend_fits) t
    JOIN fits f USING (fit_id)
    JOIN sources s ON s.source_kind = t.source_kind
         AND s.snapshot_id IS NOT DISTINCT FROM t.snapshot_id
         AND s.source_fit_id IS NOT DISTINCT FROM t.source_fit_id
    WHERE f.kind = 'trend'
      AND json_extract(f.params, '$.level')::INTEGER = t.level
      AND json_merge_patch(f.params, '{"level":null,"snapshot_id":null,"source_fit_id":null,"source_kind":null}')
          = json('{"backtest_min_train":6,"ceiling_minutes":960.0,"forms":["exponential","piecewise","superexponential","saturating"],"frontier_rule":"frontier: estimate at least the highest estimate of every agent released on or before its release date (ties count), per success level","interval_method":null,"n_boot":10000,"n_boot_forms":1000,"n_break_boot":999,"points":"frontier","seed":0,"window_from":"2023-01-01","window_to":null}')
)
SELECT t.level, t.source_kind, t.form, t.fit_id, t.status,
       t.doubling_days, t.ci_low AS ci_low_days, t.ci_high AS ci_high_days, t.ci_level,
       t.ci80_low AS ci80_low_days, t.ci80_high AS ci80_high_days, t.doubling_months, t.interval_method,
       t.window_from, t.window_to, t.first_release, t.last_release, t.n_models, t.ceiling_minutes,
       t.snapshot_id, h.published_version, h.version_date, t.source_fit_id, f.created_at
FROM canonical c
JOIN trend_fits t USING (fit_id)
JOIN fits f USING (fit_id)
LEFT JOIN headline_snapshots h ON h.snapshot_id = t.snapshot_id
WHERE c.rank = 1
ORDER BY t.level, t.source_kind, t.form;

-- The points each stored trend fit was fitted to (trend_points has every point it considered,
-- used or not, and why not).
CREATE VIEW trend_fit_inputs AS
SELECT p.fit_id, p.level, m.display_name AS model, p.model_id, p.source_model, p.release_date,
       p.estimate AS horizon_minutes, p.ci_low AS ci_low_minutes, p.ci_high AS ci_high_minutes,
       p.suite, p.on_frontier, p.published_sota
FROM trend_points p LEFT JOIN models m USING (model_id)
WHERE p.used
ORDER BY p.fit_id, p.release_date, p.model_id;

-- --- comments: tables ---------------------------------------------------------------------------

COMMENT ON TABLE schema_migrations IS 'Migrations applied to this store, in order, with the sha256 of each file''s text';
COMMENT ON TABLE snapshots IS 'One row per ingested file (identical bytes are one snapshot): where and when it came from, its sha256; every data row names its snapshot';
COMMENT ON TABLE models IS 'Canonical models (data/models.toml), and a slug for each spelling seen but not mapped (curated = false)';
COMMENT ON TABLE model_aliases IS 'Every spelling of a model as a source wrote it, and the canonical model it maps to';
COMMENT ON TABLE published_horizons IS 'METR headline time horizons as published: one row per model and success level per snapshot (read through active_published_horizons)';
COMMENT ON TABLE publisher_doubling_times IS 'The publisher''s own doubling-time claims (days) per window, kept to compare with our fits';
COMMENT ON TABLE runs IS 'Run-level results: one agent attempt at one task, scored, with the task''s human time';
COMMENT ON TABLE release_dates IS 'Model release dates as each source gives them';
COMMENT ON TABLE benchmark_horizons IS 'Horizons per benchmark and model (METR cross-domain, Epoch''s republished METR table)';
COMMENT ON TABLE benchmark_scores IS 'Benchmark scores and indices (Epoch tables), long format: one value per row with its unit';
COMMENT ON TABLE benchmark_tasks IS 'Task lengths of cross-domain benchmarks, one row per task';
COMMENT ON TABLE benchmark_meta IS 'Per-benchmark settings of the cross-domain data (key, value as text)';
COMMENT ON TABLE fits IS 'Every fit run: kind, parameters, seed, code version and input snapshots; every computed row hangs from one';
COMMENT ON TABLE fit_horizons IS 'Per-agent horizons fitted from run-level results (fits.kind run_horizons), one row per agent and level';
COMMENT ON TABLE fit_replicates IS 'Each bootstrap replicate''s horizon per agent and level, so trends can propagate the uncertainty';
COMMENT ON TABLE trend_fits IS 'One row per form (exponential, piecewise, superexponential, saturating) of each trend fit run';
COMMENT ON TABLE trend_points IS 'Every point a trend fit run considered, whether it was used, and why not';
COMMENT ON TABLE trend_backtests IS 'Rolling-origin backtest predictions: one row per form, cut-off date and later agent';
COMMENT ON TABLE forecasts IS 'When each trend form''s line crosses each threshold of data/thresholds.toml, with confidence intervals';
COMMENT ON TABLE snapshot_retractions IS 'Retracted snapshots: when and why; their rows stay but count nowhere';
COMMENT ON TABLE indicator_values IS 'Dated, sourced measurements of AI R&D automation indicators, one per series, entity and date';
COMMENT ON TABLE rct_issues IS 'METR''s 2025 randomised trial of AI tools on open-source developers: one row per issue';
COMMENT ON TABLE suite_tasks IS 'The tasks of a METR suite with their human minutes';
COMMENT ON TABLE ladder_rungs IS 'A stored evaluation of the ladder of AI R&D benchmarks (fits.kind indicators): one row per rung';
COMMENT ON TABLE indicator_trends IS 'Latest frontier value and trend of each ladder benchmark and inside-the-labs series, per evaluation';
COMMENT ON TABLE scenario_runs IS 'One row per scenarios fit (fits.kind scenarios): start date, the 80% trend it started from, options';
COMMENT ON TABLE scenario_parameters IS 'Every scenario-model parameter in force in a scenarios fit, with its range and citation';
COMMENT ON TABLE scenario_outcomes IS 'One row per scenario of a fit: its equations, where it starts, the bound it approaches';
COMMENT ON TABLE scenario_bands IS 'Scenario paths with 80% and 95% bands per day: 80% horizon (minutes), automatable share, multiplier';
COMMENT ON TABLE scenario_crossings IS 'When each scenario''s multiplier crosses 2x..1000x and its horizon reaches each threshold';
COMMENT ON TABLE scenario_evidence IS 'Each indicator reading against each scenario''s band at its date';
COMMENT ON TABLE scenario_separations IS 'First date two scenarios'' 95% bands part by more than 1.96 times a series'' noise';
COMMENT ON TABLE model_registries IS 'Which model registry (data/models.toml) stored model ids were resolved with, one row per change';

-- --- comments: views -----------------------------------------------------------------------------

COMMENT ON VIEW snapshot_status IS 'Every snapshot ever ingested, with its retraction if any: the audit trail';
COMMENT ON VIEW active_snapshots IS 'Snapshots that are not retracted';
COMMENT ON VIEW active_published_horizons IS 'published_horizons of snapshots that are not retracted';
COMMENT ON VIEW active_publisher_doubling_times IS 'publisher_doubling_times of snapshots that are not retracted';
COMMENT ON VIEW active_runs IS 'runs of snapshots that are not retracted';
COMMENT ON VIEW active_release_dates IS 'release_dates of snapshots that are not retracted';
COMMENT ON VIEW active_benchmark_horizons IS 'benchmark_horizons of snapshots that are not retracted';
COMMENT ON VIEW active_benchmark_scores IS 'benchmark_scores of snapshots that are not retracted';
COMMENT ON VIEW active_benchmark_tasks IS 'benchmark_tasks of snapshots that are not retracted';
COMMENT ON VIEW active_benchmark_meta IS 'benchmark_meta of snapshots that are not retracted';
COMMENT ON VIEW active_indicator_values IS 'indicator_values of snapshots that are not retracted';
COMMENT ON VIEW active_rct_issues IS 'rct_issues of snapshots that are not retracted';
COMMENT ON VIEW active_suite_tasks IS 'suite_tasks of snapshots that are not retracted';
COMMENT ON VIEW retracted_fits IS 'Stored fits that read a snapshot retracted since: one row per fit and retracted input';
COMMENT ON VIEW snapshot_versions IS 'Each snapshot''s published version, version date and publication (the one definition of which version a snapshot is)';
COMMENT ON VIEW snapshot_publications IS 'Which publication each headline snapshot is a copy of (identical published rows, by fingerprint)';
COMMENT ON VIEW headline_snapshots IS 'Each headline publication once, ranked newest first (newest_rank 1 = the headline every default uses)';
COMMENT ON VIEW publications IS 'Each headline publication with every copy of it that was ingested';
COMMENT ON VIEW indicator_current IS 'indicator_values of the current (newest published) snapshot of each series';
COMMENT ON VIEW newest_horizons IS 'Every model''s published horizons (minutes) in the newest publication, both levels';
COMMENT ON VIEW frontier_models IS 'Frontier models of the newest publication per level, as trends pick them';
COMMENT ON VIEW current_doubling_times IS 'The canonical trend fits horizon quotes (default options, newest source), every form, per level and source';
COMMENT ON VIEW trend_fit_inputs IS 'The points each stored trend fit was fitted to';

-- --- comments: columns whose unit is not in their name -------------------------------------------

COMMENT ON COLUMN snapshots.retrieved_at IS 'when the file was read, UTC';
COMMENT ON COLUMN snapshots.bytes IS 'size of the file in bytes';
COMMENT ON COLUMN snapshots.rows IS 'data rows written from the file';
COMMENT ON COLUMN published_horizons.level IS 'success level in percent: 50 or 80';
COMMENT ON COLUMN published_horizons.estimate IS 'time horizon in minutes (human time of tasks the model completes with this success probability)';
COMMENT ON COLUMN published_horizons.ci_low IS 'minutes, lower end of the publisher''s 95% interval';
COMMENT ON COLUMN published_horizons.ci_high IS 'minutes, upper end of the publisher''s 95% interval';
COMMENT ON COLUMN published_horizons.average_score IS 'mean success rate over the suite, a fraction 0..1';
COMMENT ON COLUMN publisher_doubling_times.point_estimate IS 'days';
COMMENT ON COLUMN publisher_doubling_times.ci_low IS 'days, lower end of the publisher''s interval';
COMMENT ON COLUMN publisher_doubling_times.ci_high IS 'days, upper end of the publisher''s interval';
COMMENT ON COLUMN runs.score IS 'the run''s score, a fraction 0..1';
COMMENT ON COLUMN runs.score_binarized IS '1 success, 0 failure';
COMMENT ON COLUMN benchmark_horizons.ci_low IS 'minutes';
COMMENT ON COLUMN benchmark_horizons.ci_high IS 'minutes';
COMMENT ON COLUMN benchmark_horizons.slope IS 'logistic slope of success against log2 task minutes';
COMMENT ON COLUMN benchmark_horizons.score IS 'benchmark score, a fraction 0..1';
COMMENT ON COLUMN benchmark_scores.value IS 'in the row''s unit (fraction, minutes, index, usd, count)';
COMMENT ON COLUMN benchmark_tasks.minutes IS 'the task''s length in human minutes';
COMMENT ON COLUMN fits.created_at IS 'UTC';
COMMENT ON COLUMN fits.params IS 'every option that changes the result, JSON (canonical trends: current_doubling_times)';
COMMENT ON COLUMN fits.input_snapshots IS 'snapshot ids read, a JSON list';
COMMENT ON COLUMN fit_horizons.level IS 'success level in percent';
COMMENT ON COLUMN fit_horizons.estimate IS 'minutes; NULL when status is not ok';
COMMENT ON COLUMN fit_horizons.ci_low IS 'minutes, percentile interval over finite replicates';
COMMENT ON COLUMN fit_horizons.ci_high IS 'minutes, percentile interval over finite replicates';
COMMENT ON COLUMN fit_horizons.beta0 IS 'logit P(success) = beta0 + beta1 * log2(minutes)';
COMMENT ON COLUMN fit_horizons.beta1 IS 'logit P(success) per doubling of task minutes';
COMMENT ON COLUMN fit_horizons.average_score IS 'weighted mean of score_binarized, a fraction 0..1';
COMMENT ON COLUMN trend_fits.level IS 'success level in percent: 50 or 80';
COMMENT ON COLUMN trend_fits.ceiling_minutes IS 'minutes; points above it were left out (NULL: no ceiling)';
COMMENT ON COLUMN trend_fits.doubling_days IS 'days; exponential: the constant doubling time, other forms: the instantaneous one at last_release';
COMMENT ON COLUMN trend_fits.doubling_months IS 'doubling_days / (365.25 / 12)';
COMMENT ON COLUMN trend_fits.ci_low IS 'days, lower end of the ci_level interval of doubling_days';
COMMENT ON COLUMN trend_fits.ci_high IS 'days, upper end of the ci_level interval of doubling_days';
COMMENT ON COLUMN trend_fits.ci80_high IS '80% interval of doubling_days (days), upper end';
COMMENT ON COLUMN trend_fits.ci_level IS 'probability covered by ci_low .. ci_high, e.g. 0.95';
COMMENT ON COLUMN trend_fits.r2 IS 'R squared of ln(minutes) on release date, exponential form only';
COMMENT ON COLUMN trend_fits.sse IS 'sum of squared residuals of ln(minutes)';
COMMENT ON COLUMN trend_fits.params IS 'the form''s parameters, JSON (u in days from last_release)';
COMMENT ON COLUMN trend_fits.bt_mae_log IS 'backtest: mean |ln observed - ln predicted| (ln minutes)';
COMMENT ON COLUMN trend_fits.bt_cov80 IS 'backtest: share (0..1) of later agents inside the 80% prediction interval';
COMMENT ON COLUMN trend_fits.bt_cov95 IS 'backtest: share (0..1) of later agents inside the 95% prediction interval';
COMMENT ON COLUMN trend_points.estimate IS 'minutes';
COMMENT ON COLUMN trend_points.ci_low IS 'minutes';
COMMENT ON COLUMN trend_points.ci_high IS 'minutes';
COMMENT ON COLUMN trend_backtests.observed_log IS 'ln minutes';
COMMENT ON COLUMN trend_backtests.predicted_log IS 'ln minutes';
COMMENT ON COLUMN trend_backtests.lo80 IS 'ln minutes, 80% prediction interval';
COMMENT ON COLUMN trend_backtests.lo95 IS 'ln minutes, 95% prediction interval';
COMMENT ON COLUMN forecasts.hours IS 'the threshold''s horizon in hours';
COMMENT ON COLUMN forecasts.level IS 'the threshold''s success level in percent';
COMMENT ON COLUMN forecast_reach.lo80 IS 'when an agent is expected to reach the threshold: 80% prediction interval, earliest date';
COMMENT ON COLUMN trend_publisher_checks.published IS 'days, the publisher''s figure';
COMMENT ON COLUMN trend_publisher_checks.ours IS 'days, the publisher''s window fitted on the same file';
COMMENT ON COLUMN trend_publisher_checks.gap_days IS 'days, ours - published';
COMMENT ON COLUMN interval_coverage.level IS 'nominal coverage probability: 0.80 or 0.95';
COMMENT ON COLUMN interval_coverage.coverage IS 'share (0..1) of simulated data sets whose interval covered the truth';
COMMENT ON COLUMN trend_break_tests.p_value IS 'probability, sup-F test under a normal null';
COMMENT ON COLUMN trend_break_tests.p_value_wild IS 'probability, sup-F test under a wild-bootstrap null';
COMMENT ON COLUMN indicator_values.value IS 'in the row''s unit (pct, multiple, score_0_100, ...)';
COMMENT ON COLUMN indicator_values.ci_level IS 'probability covered by ci_low .. ci_high, e.g. 0.95';
COMMENT ON COLUMN indicator_trends.slope IS 'per year, in the form''s units (logit or ln)';
COMMENT ON COLUMN indicator_trends.doubling_days IS 'days (exponential forms)';
COMMENT ON COLUMN indicator_trends.ci_level IS 'probability covered by slope_low .. slope_high';
COMMENT ON COLUMN rct_issues.prior_task_exposure IS '1-5 scale, collected from half-way through the study';
COMMENT ON COLUMN rct_issues.external_resource_needs IS '1-3 scale';
COMMENT ON COLUMN scenario_runs.doubling_days IS 'days, the central 80% trend''s doubling time';
COMMENT ON COLUMN scenario_runs.doubling_ci_low IS 'days';
COMMENT ON COLUMN scenario_runs.doubling_ci_high IS 'days';
COMMENT ON COLUMN scenario_runs.h_start_lo80 IS 'minutes, 80% interval of h_start_minutes';
COMMENT ON COLUMN scenario_runs.h_start_hi80 IS 'minutes, 80% interval of h_start_minutes';
COMMENT ON COLUMN scenario_runs.years IS 'years past the start date the bands run';
COMMENT ON COLUMN scenario_bands.central IS 'in the row''s quantity: h80_minutes (minutes), share (0..1), multiplier (x); NULL: infinite';
COMMENT ON COLUMN scenario_crossings.value IS 'the multiplier level (x), or the threshold in hours';
COMMENT ON COLUMN scenario_outcomes.f_start IS 'automatable share of AI R&D work at the start date, 0..1';
COMMENT ON COLUMN scenario_outcomes.m_start IS 'research-speed multiplier at the start date (x)';
COMMENT ON COLUMN scenario_evidence.noise IS 'sd: ln units (multiplier), share units (share)';
COMMENT ON COLUMN scenario_separations.noise IS 'sd of the series: ln units (multiplier), share units (share)';
COMMENT ON COLUMN model_registries.applied_at IS 'UTC';
COMMENT ON COLUMN snapshot_retractions.retracted_at IS 'UTC';
COMMENT ON COLUMN current_doubling_times.level IS 'success level in percent: 50 or 80';
COMMENT ON COLUMN current_doubling_times.ci_level IS 'probability covered by ci_low_days .. ci_high_days, e.g. 0.95';
COMMENT ON COLUMN current_doubling_times.ceiling_minutes IS 'points above it were left out (NULL: no ceiling)';
COMMENT ON COLUMN newest_horizons.level IS 'success level in percent: 50 or 80';
COMMENT ON COLUMN frontier_models.level IS 'success level in percent: 50 or 80';
COMMENT ON COLUMN trend_fit_inputs.level IS 'success level in percent: 50 or 80';
