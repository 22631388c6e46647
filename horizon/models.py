"""Model identity: one canonical model for every spelling a source uses (data/models.toml).

The registry (pure) says which model a spelling denotes. The store layer below keeps the
stored ids in line with it: the store records which registry (``Registry.digest``) its ids were
resolved with, and when a command that writes opens it with a different one, every stored
spelling is re-resolved in one transaction (``remap_store``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from horizon.errors import ConfigError
from horizon.tomlfile import read_toml

# The registry's file name inside the data directory.
MODELS_FILE = "models.toml"
# Names no entry maps get an id with this prefix (never a curated id).
UNMAPPED_PREFIX = "unmapped:"


@dataclass(frozen=True)
class Model:
    model_id: str
    name: str
    organisation: str | None
    release_date: date | None
    aliases: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.model_id, self.name, *self.aliases)


def spelling_key(name: str) -> str:
    """How spellings are compared: case and white space do not matter, punctuation does."""
    return " ".join(name.split()).casefold()


def slug(name: str) -> str:
    """A stable id for a name that no entry maps; never empty."""
    text = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    if not text:
        text = "model-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return text


@dataclass(frozen=True)
class Registry:
    models: tuple[Model, ...]
    by_spelling: dict[str, str]
    origin: str | None = None  # the file it was read from

    @property
    def digest(self) -> str:
        """sha256 of what resolution depends on (ids, names, organisations, release dates and
        spellings), so an edit to comments, order or layout of models.toml is not a change."""
        doc = [
            {"id": m.model_id, "name": m.name, "organisation": m.organisation,
             "release_date": m.release_date.isoformat() if m.release_date else None, "aliases": sorted(m.aliases)}
            for m in sorted(self.models, key=lambda m: m.model_id)
        ]
        return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()

    def resolve(self, spelling: str) -> str | None:
        """The canonical id for a spelling, or None if no entry claims it."""
        return self.by_spelling.get(spelling_key(spelling))

    def model_id_for(self, spelling: str) -> str:
        """Canonical id, or for an unmapped name its own id (a slug, prefixed so it cannot
        be mistaken for, or collide with, a curated id)."""
        return self.resolve(spelling) or UNMAPPED_PREFIX + slug(spelling)


def load_registry(path: Path) -> Registry:
    """Read models.toml, refusing a spelling claimed by two entries."""
    doc = read_toml(path, "the model registry (models.toml)")
    entries = doc.get("models")
    if not isinstance(entries, dict):
        raise ConfigError(f"{path}: expected [models.<id>] tables")
    models = []
    owner: dict[str, str] = {}
    for model_id, entry in entries.items():
        where = f"{path}: models.{model_id}"
        if model_id.startswith(UNMAPPED_PREFIX):
            raise ConfigError(f"{where}: expected an id not starting with {UNMAPPED_PREFIX!r} (kept for names no entry maps)")
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigError(f"{where}.name: expected a display name")
        released = entry.get("release_date")
        if released is not None and not isinstance(released, date):
            raise ConfigError(f"{where}.release_date: expected a date like 2025-08-07, got {released!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}.aliases: expected a list of names")
        model = Model(model_id, entry["name"], entry.get("organisation"), released, tuple(aliases))
        for spelling in model.spellings:
            key = spelling_key(spelling)
            if owner.get(key, model_id) != model_id:
                raise ConfigError(
                    f"{where}: spelling {spelling!r} is already claimed by models.{owner[key]};"
                    " one spelling must map to one model"
                )
            owner[key] = model_id
        models.append(model)
    return Registry(tuple(models), owner, str(path))


def registry_path(data_dir: Path) -> Path:
    return Path(data_dir) / MODELS_FILE


# --- The store layer: stored model ids follow the registry -------------------------------------
#
# Tables are found by their columns, so a table a later migration adds is covered too:
# - a table with source_model and model_id (published_horizons, runs, release_dates,
#   benchmark_horizons, benchmark_scores, fit_horizons, trend_points, ...) gets the id of its
#   spelling again;
# - a table with model_id only (trend_backtests) follows its old id to the new one where all the
#   spellings of the old id went to one new id;
# - models and model_aliases are rebuilt: every curated entry, every spelling seen in a source.
# Fits keep what they were fitted on: their numbers, and the ids a trend used (trend_fits.models),
# are a record and stay as they were; only the model_id columns that readers join on move.

IDENTITY_TABLES = ("models", "model_aliases")


@dataclass(frozen=True)
class Remap:
    """What one re-resolution changed."""

    registry_sha256: str
    previous_sha256: str | None  # None: the store had recorded no registry yet
    spellings: tuple[str, ...]  # stored spellings whose model id changed, sorted
    models: tuple[str, ...]  # the model ids those spellings map to now, sorted
    rows: tuple[tuple[str, int], ...]  # (table, rows whose model_id changed), by table

    @property
    def announce(self) -> bool:
        """Worth a line: the registry changed under stored rows (not a store's first registry)."""
        return self.previous_sha256 is not None or bool(self.spellings)

    @property
    def message(self) -> str:
        n, m = len(self.spellings), len(self.models)
        return (f"{MODELS_FILE} changed: re-mapped {n} spelling{'' if n == 1 else 's'}"
                f" ({m} model{'' if m == 1 else 's'})")


def stored_registry(con) -> str | None:
    """The digest of the registry the store's model ids were last resolved with."""
    rows = con.execute("SELECT sha256 FROM model_registries ORDER BY registry_id DESC LIMIT 1").fetchall()
    return rows[0][0] if rows else None


def store_is_behind(con, registry: Registry) -> bool:
    """True when the store's ids were resolved with another registry (or none recorded while it
    holds data): a read-only command can say so, the next command that writes re-maps."""
    recorded = stored_registry(con)
    if recorded is not None:
        return recorded != registry.digest
    return con.execute("SELECT count(*) FROM model_aliases").fetchall()[0][0] > 0


def behind_notice() -> str:
    return (f"note: {MODELS_FILE} changed since this store's model ids were resolved; the next command that"
            " writes (e.g. `horizon models --remap`, `horizon ingest`, `horizon update`) re-maps them")


def remap_store(con, registry: Registry, now: datetime) -> Remap | None:
    """Bring stored model ids in line with ``registry`` in one transaction; None when they
    already are. A failure leaves the store exactly as it was."""
    from horizon.store import transaction

    if stored_registry(con) == registry.digest:
        return None
    with transaction(con):
        return resolve_in_transaction(con, registry, now)


def resolve_in_transaction(con, registry: Registry, now: datetime) -> Remap | None:
    """remap_store for a caller that holds the transaction (ingest writes its rows in the same one)."""
    previous = stored_registry(con)
    if previous == registry.digest:
        return None
    with_spelling, id_only, dated = _model_tables(con)

    # Every (spelling, id) pair stored, from the data and from the aliases of unmapped models
    # (spellings that only the old registry knew are not "seen" and are not carried over).
    old_pairs = set()
    for table in with_spelling:
        old_pairs |= set(con.execute(f'SELECT DISTINCT source_model, model_id FROM "{table}"').fetchall())
    seen_aliases = con.execute(
        "SELECT a.alias, a.model_id FROM model_aliases a LEFT JOIN models m USING (model_id)"
        " WHERE m.curated IS NOT true").fetchall()
    old_pairs |= set(seen_aliases)
    seen = {spelling for spelling, _ in old_pairs}
    new_id = {spelling: registry.model_id_for(spelling) for spelling in seen}

    moved = sorted({s for s, old in old_pairs if old != new_id[s]})
    # Old id -> new id where every spelling of the old id went the same way (for model_id-only tables).
    targets: dict[str, set[str]] = {}
    for spelling, old in old_pairs:
        targets.setdefault(old, set()).add(new_id[spelling])
    follow = {old: next(iter(new)) for old, new in targets.items() if len(new) == 1 and old not in new}

    _write_identity(con, registry, new_id, dated)
    rows = {}
    for table in with_spelling:
        rows[table] = _update(con, table, "source_model", {s: new_id[s] for s in seen})
    for table in id_only:
        rows[table] = _follow_ids(con, table, follow)

    remap = Remap(registry.digest, previous, tuple(moved), tuple(sorted({new_id[s] for s in moved})),
                  tuple(sorted(rows.items())))
    con.execute(
        "INSERT INTO model_registries (sha256, origin, applied_at, models, spellings_remapped, models_remapped)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [registry.digest, registry.origin, now.replace(tzinfo=None), len(registry.models),
         len(remap.spellings), len(remap.models)])
    return remap


def _model_tables(con) -> tuple[list[str], list[str], list[str]]:
    """Base tables with source_model and model_id; with model_id only; and those with
    source_model, release_date and snapshot_id (where an unmapped model's date can come from)."""
    columns: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)"
        " WHERE t.table_type = 'BASE TABLE' AND c.table_schema = 'main' AND c.table_catalog = current_database()"
    ).fetchall():
        columns.setdefault(table, set()).add(column)
    data = {t: c for t, c in columns.items() if t not in IDENTITY_TABLES}
    with_spelling = sorted(t for t, c in data.items() if {"source_model", "model_id"} <= c)
    id_only = sorted(t for t, c in data.items() if "model_id" in c and "source_model" not in c)
    dated = sorted(t for t, c in data.items() if {"source_model", "release_date", "snapshot_id"} <= c)
    return with_spelling, id_only, dated


def _write_identity(con, registry: Registry, new_id: dict[str, str], dated: list[str]) -> None:
    """Rebuild models and model_aliases: every curated entry and every spelling seen."""
    import pyarrow as pa

    from horizon.store import insert_table

    con.execute("DELETE FROM model_aliases")
    con.execute("DELETE FROM models WHERE curated")
    insert_table(con, "models", pa.table({
        "model_id": [m.model_id for m in registry.models],
        "display_name": [m.name for m in registry.models],
        "organisation": pa.array([m.organisation for m in registry.models], pa.string()),
        "release_date": pa.array([m.release_date for m in registry.models], pa.date32()),
        "curated": pa.array([True] * len(registry.models), pa.bool_()),
    }))

    # Unmapped models: keep the rows still used (their names and dates came from the sources),
    # drop the rest, add the ids that are new (a spelling an entry no longer claims).
    unmapped: dict[str, list[str]] = {}
    for spelling, model_id in new_id.items():
        if model_id.startswith(UNMAPPED_PREFIX):
            unmapped.setdefault(model_id, []).append(spelling)
    # Set-based: one statement each, not one per model (a full update adds about 200).
    kept = {r[0] for r in con.execute("SELECT model_id FROM models WHERE NOT curated").fetchall()}
    con.execute("DELETE FROM models WHERE NOT curated AND model_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(kept - set(unmapped))])
    added = sorted(set(unmapped) - kept)
    names = [min(unmapped[model_id]) for model_id in added]
    released = _source_release_dates(con, names, dated)
    insert_table(con, "models", pa.table({
        "model_id": pa.array(added, pa.string()),
        "display_name": pa.array(names, pa.string()),
        "release_date": pa.array([released.get(n) for n in names], pa.date32()),
        "curated": pa.array([False] * len(added), pa.bool_()),
    }))

    pairs = {m_spelling: m.model_id for m in registry.models for m_spelling in m.spellings}
    pairs.update(new_id)
    insert_table(con, "model_aliases", pa.table({"alias": list(pairs), "model_id": list(pairs.values())}))


def _source_release_dates(con, spellings: list[str], dated: list[str]) -> dict[str, date]:
    """The release date the newest snapshot gives for each spelling that any source dates (the
    earliest date, if that snapshot gives two)."""
    if not dated or not spellings:
        return {}
    union = " UNION ALL ".join(
        f'SELECT source_model, snapshot_id, release_date FROM "{t}" WHERE release_date IS NOT NULL'
        " AND source_model IN (SELECT unnest($names::VARCHAR[]))"
        for t in dated)
    return dict(con.execute(
        f"SELECT DISTINCT ON (source_model) source_model, release_date FROM ({union})"
        " ORDER BY source_model, snapshot_id DESC, release_date", {"names": spellings}).fetchall())


def _update(con, table: str, key: str, mapping: dict[str, str]) -> int:
    """Set model_id from ``key`` through ``mapping``; the number of rows changed."""
    import pyarrow as pa

    if not mapping:
        return 0
    con.register("horizon_map", pa.table({"key": list(mapping), "model_id": list(mapping.values())}))
    try:
        return con.execute(
            f'UPDATE "{table}" AS t SET model_id = m.model_id FROM horizon_map m'
            f' WHERE t."{key}" = m.key AND t.model_id IS DISTINCT FROM m.model_id').fetchall()[0][0]
    finally:
        con.unregister("horizon_map")


def _follow_ids(con, table: str, follow: dict[str, str]) -> int:
    """Move model_id from old to new ids, except where two rows would then share a primary key
    (two models merged within one result): those keep the id they were stored with."""
    import pyarrow as pa

    if not follow:
        return 0
    key = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints()"
        " WHERE table_name = ? AND schema_name = 'main' AND constraint_type = 'PRIMARY KEY'", [table]).fetchall()
    columns = list(key[0][0]) if key else []
    others = [c for c in columns if c != "model_id"]
    guard = ""
    if "model_id" in columns:
        same = " AND ".join(f'o."{c}" IS NOT DISTINCT FROM t."{c}"' for c in others) or "true"
        guard = (f' AND NOT EXISTS (SELECT 1 FROM "{table}" o LEFT JOIN horizon_follow f2 ON o.model_id = f2.old_id'
                 f" WHERE {same} AND o.model_id <> t.model_id AND coalesce(f2.new_id, o.model_id) = f.new_id)")
    con.register("horizon_follow", pa.table({"old_id": list(follow), "new_id": list(follow.values())}))
    try:
        return con.execute(
            f'UPDATE "{table}" AS t SET model_id = f.new_id FROM horizon_follow f'
            f" WHERE t.model_id = f.old_id{guard}").fetchall()[0][0]
    finally:
        con.unregister("horizon_follow")
