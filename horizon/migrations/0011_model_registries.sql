-- Which model registry (data/models.toml) the stored model ids were resolved with, one row each
-- time it changed. A command that writes compares the newest row's sha256 with the registry it
-- loads; when they differ it re-resolves every stored spelling (models, model_aliases and every
-- model_id column) in one transaction and appends a row here (horizon.models.remap_store).
-- sha256 is horizon.models.Registry.digest: the entries (ids, names, organisations, release
-- dates, spellings), not the file's bytes, so editing a comment is not a change.

CREATE SEQUENCE model_registry_id_seq START 1;

CREATE TABLE model_registries (
    registry_id         INTEGER PRIMARY KEY DEFAULT nextval('model_registry_id_seq'),
    sha256              VARCHAR NOT NULL,
    origin              VARCHAR,             -- the file read, as given
    applied_at          TIMESTAMP NOT NULL,  -- UTC (SOURCE_DATE_EPOCH fixes it)
    models              INTEGER NOT NULL,    -- curated entries in the registry
    spellings_remapped  INTEGER NOT NULL,    -- stored spellings whose model id changed
    models_remapped     INTEGER NOT NULL     -- the model ids those spellings map to now
);
