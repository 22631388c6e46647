-- The store: snapshots of published files, canonical models, and the normalised tables that
-- every parser writes into. Every data row carries the snapshot it came from, so nothing is
-- overwritten and every number can be traced to a dated, hashed file.

CREATE SEQUENCE snapshot_id_seq START 1;

CREATE TABLE snapshots (
    snapshot_id     INTEGER PRIMARY KEY DEFAULT nextval('snapshot_id_seq'),
    source_kind     VARCHAR NOT NULL,          -- parser that read it, e.g. metr_headline_yaml
    origin          VARCHAR NOT NULL,          -- URL or path as given
    retrieved_at    TIMESTAMP NOT NULL,        -- UTC
    sha256          VARCHAR NOT NULL UNIQUE,   -- identical bytes are one snapshot
    bytes           BIGINT NOT NULL,
    rows            BIGINT NOT NULL,           -- data rows written from this file
    publisher_label VARCHAR,                   -- e.g. METR-Horizon-v1.1
    citation        VARCHAR                    -- who to credit, licence
);

CREATE TABLE models (
    model_id      VARCHAR PRIMARY KEY,   -- canonical id (data/models.toml), or a slug of an unmapped name
    display_name  VARCHAR NOT NULL,
    organisation  VARCHAR,
    release_date  DATE,
    curated       BOOLEAN NOT NULL       -- false: seen in a source but not mapped in models.toml
);

CREATE TABLE model_aliases (
    alias     VARCHAR PRIMARY KEY,       -- a spelling exactly as a source wrote it
    model_id  VARCHAR NOT NULL
);

-- METR headline figures (and our embedded copy of them): one row per model and success level.
CREATE TABLE published_horizons (
    snapshot_id       INTEGER NOT NULL,
    source_model      VARCHAR NOT NULL,  -- the key as the file wrote it
    model_id          VARCHAR NOT NULL,
    suite             VARCHAR,           -- per-row benchmark_name, e.g. METR-Horizon-v1.0
    level             INTEGER NOT NULL,  -- success level in percent: 50 or 80
    estimate          DOUBLE,            -- minutes
    ci_low            DOUBLE,
    ci_high           DOUBLE,
    is_sota           BOOLEAN,           -- the file's is_sota
    is_sota_level     BOOLEAN,           -- is_sota_p50 / is_sota_p80 where the file has them
    release_date      DATE,
    average_score     DOUBLE,
    published_version VARCHAR,           -- which published version the row comes from
    source_url        VARCHAR,
    PRIMARY KEY (snapshot_id, source_model, level)
);

-- The publisher's own doubling-time claim, kept so our fits can be compared with it.
CREATE TABLE publisher_doubling_times (
    snapshot_id     INTEGER NOT NULL,
    suite           VARCHAR,
    window_name     VARCHAR NOT NULL,    -- from_2023_on, all_time_stitched
    point_estimate  DOUBLE,              -- days
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    published_version VARCHAR,
    source_url      VARCHAR,
    PRIMARY KEY (snapshot_id, window_name)
);

CREATE TABLE runs (
    snapshot_id          INTEGER NOT NULL,
    run_id               VARCHAR NOT NULL,
    task_id              VARCHAR NOT NULL,
    task_family          VARCHAR NOT NULL,
    task_source          VARCHAR,
    source_model         VARCHAR NOT NULL, -- the agent alias as the file wrote it
    model_id             VARCHAR NOT NULL,
    human_minutes        DOUBLE NOT NULL,
    score                DOUBLE,
    score_binarized      INTEGER NOT NULL,
    source_weight_invsqrt DOUBLE,          -- the file's precomputed weights: a check, not an input
    source_weight_equal  DOUBLE,
    PRIMARY KEY (snapshot_id, run_id)
);

CREATE TABLE release_dates (
    snapshot_id   INTEGER NOT NULL,
    source_model  VARCHAR NOT NULL,
    model_id      VARCHAR NOT NULL,
    release_date  DATE NOT NULL,
    PRIMARY KEY (snapshot_id, source_model)
);

-- Horizons per benchmark and model: METR cross-domain, Epoch's republished METR table.
CREATE TABLE benchmark_horizons (
    snapshot_id      INTEGER NOT NULL,
    benchmark        VARCHAR NOT NULL,
    source_model     VARCHAR NOT NULL,
    model_id         VARCHAR NOT NULL,
    horizon_minutes  DOUBLE NOT NULL,
    ci_low           DOUBLE,
    ci_high          DOUBLE,
    slope            DOUBLE,
    slope_method     VARCHAR,
    score            DOUBLE,
    release_date     DATE,
    row_number       INTEGER NOT NULL    -- line in the file, so duplicates stay traceable
);

-- Benchmark scores and indices (Epoch tables): long format, one value per row.
CREATE TABLE benchmark_scores (
    snapshot_id   INTEGER NOT NULL,
    benchmark     VARCHAR NOT NULL,
    source_model  VARCHAR NOT NULL,
    model_id      VARCHAR NOT NULL,
    agent         VARCHAR,              -- scaffold or agent name where the table has one
    metric        VARCHAR NOT NULL,
    value         DOUBLE NOT NULL,
    unit          VARCHAR NOT NULL,     -- fraction, minutes, index, usd, count
    source        VARCHAR,
    source_link   VARCHAR,
    row_number    INTEGER NOT NULL
);

-- Cross-domain benchmark descriptions: task lengths and per-benchmark settings.
CREATE TABLE benchmark_tasks (
    snapshot_id   INTEGER NOT NULL,
    benchmark     VARCHAR NOT NULL,
    split         VARCHAR NOT NULL,
    task_index    INTEGER NOT NULL,
    minutes       DOUBLE NOT NULL,
    PRIMARY KEY (snapshot_id, benchmark, split, task_index)
);

CREATE TABLE benchmark_meta (
    snapshot_id   INTEGER NOT NULL,
    benchmark     VARCHAR NOT NULL,
    key           VARCHAR NOT NULL,     -- n_questions, chance_accuracy, length_type, max_horizon_minutes
    value         VARCHAR NOT NULL,
    PRIMARY KEY (snapshot_id, benchmark, key)
);
