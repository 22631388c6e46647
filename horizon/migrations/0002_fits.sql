-- Every computed result belongs to a fit run that records what produced it: the kind of fit,
-- its parameters, the seed, the code version and the input snapshots. Reports, queries and
-- citations read results through it, so they all show the same numbers.

CREATE SEQUENCE fit_id_seq START 1;

CREATE TABLE fits (
    fit_id          INTEGER PRIMARY KEY DEFAULT nextval('fit_id_seq'),
    kind            VARCHAR NOT NULL,    -- run_horizons, trend, forecast
    created_at      TIMESTAMP NOT NULL,  -- UTC
    code_version    VARCHAR NOT NULL,    -- horizon's version
    params          JSON NOT NULL,       -- every option that changes the result
    seed            BIGINT,
    input_snapshots JSON NOT NULL        -- snapshot ids read, as a JSON list
);
