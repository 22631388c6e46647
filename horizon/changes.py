"""What changed: between two publications of METR's headline, and in one `horizon update` run.

A reader returning to the tracker wants the news first: a new publication, the models it added
or dropped, the estimates it revised (and by how much), and whether the doubling time moved.
Everything here reads the store (no printing, no fitting), so `horizon update`, the site and a
test read the same answer.

Publication order is the store's one definition (``headline_snapshots.newest_rank``, twin of
``horizon.trend.rules.newest_first_key``); a publication's previous one is the next older in
that order within the same suite (a new suite is a new task set, not a revision). Doubling
times are our stored canonical trend fits where they exist, else METR's own published figure
(window from_2023_on); a comparison uses the same kind of figure on both sides when it can.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb

from horizon.store import records

LEVELS = (50, 80)
PUBLISHED_WINDOW = "from_2023_on"
# Relative difference below which two published estimates are the same number (both sides are
# decimals read from text; anything METR revised moves far more than this).
SAME_ESTIMATE = 1e-9


@dataclass(frozen=True)
class Publication:
    """One published version of the headline (its copies counted once)."""

    publication_id: int        # its first snapshot that counts (publications.publication_id)
    version: str               # e.g. "METR-Horizon-v1.1 (2026-03-03)"
    suite: str                 # publisher label, e.g. METR-Horizon-v1.1
    version_date: date | None
    newest_rank: int           # 1 = the newest publication (headline_snapshots.newest_rank)
    n_models: int              # models with a 50% estimate


@dataclass(frozen=True)
class Revision:
    """One model's estimate at one success level, changed between two publications."""

    model_id: str
    model: str                 # display name
    level: int                 # success level in percent: 50 or 80
    old_minutes: float
    new_minutes: float

    @property
    def pct_change(self) -> float:
        return (self.new_minutes / self.old_minutes - 1.0) * 100.0


@dataclass(frozen=True)
class DoublingFigure:
    """A headline doubling time with its interval and where it comes from."""

    days: float | None
    ci_low: float | None
    ci_high: float | None
    source: str                # "trend" (our stored canonical fit) or "publisher" (METR's figure)
    fit_id: int | None         # the trend fit (source "trend")
    snapshot_id: int | None    # the snapshot the figure was read from or fitted on


def pct_change(old: DoublingFigure | None, new: DoublingFigure | None) -> float | None:
    """Percent change from ``old`` to ``new`` days, or None when either is missing."""
    if old is None or new is None or not old.days or new.days is None:
        return None
    return (new.days / old.days - 1.0) * 100.0


@dataclass(frozen=True)
class PublicationChange:
    """What one publication changed relative to the previous one of its suite."""

    publication: Publication
    previous: Publication | None          # None: the first publication of its suite in the store
    models_added: tuple[str, ...]         # display names, sorted
    models_dropped: tuple[str, ...]
    revisions: tuple[Revision, ...]       # level, then largest change first
    doubling_then: DoublingFigure | None  # the previous publication's
    doubling_now: DoublingFigure | None

    @property
    def doubling_pct_change(self) -> float | None:
        return pct_change(self.doubling_then, self.doubling_now)


# --- reading publications ---------------------------------------------------------------------


def publications(con: duckdb.DuckDBPyConnection) -> tuple[Publication, ...]:
    """Every headline publication that counts, newest first (the store's version order)."""
    return tuple(records(con, Publication,
        "SELECT h.snapshot_id AS publication_id, coalesce(h.published_version, h.publisher_label, '') AS version,"
        " coalesce(h.publisher_label, '') AS suite, h.version_date, CAST(h.newest_rank AS INTEGER) AS newest_rank,"
        " (SELECT count(DISTINCT p.model_id) FROM active_published_horizons p"
        "  WHERE p.snapshot_id = h.snapshot_id AND p.level = 50 AND p.estimate IS NOT NULL) AS n_models"
        " FROM headline_snapshots h ORDER BY h.newest_rank",
    ))


def _estimates(con, publication_id: int) -> dict[tuple[str, int], tuple[str, float]]:
    """{(model_id, level): (display name, minutes)} of one publication's estimates."""
    rows = con.execute(
        "SELECT p.model_id, p.level, coalesce(any_value(m.display_name), p.model_id), max(p.estimate)"
        " FROM active_published_horizons p LEFT JOIN models m USING (model_id)"
        " WHERE p.snapshot_id = ? AND p.estimate IS NOT NULL GROUP BY p.model_id, p.level",
        [publication_id],
    ).fetchall()
    return {(model_id, int(level)): (name, float(est)) for model_id, level, name, est in rows}


def _copies(con, publication_id: int) -> list[int]:
    rows = con.execute("SELECT snapshot_id FROM snapshot_versions WHERE publication_id = ? ORDER BY snapshot_id",
                       [publication_id]).fetchall()
    return [int(r[0]) for r in rows] or [publication_id]


def canonical_fit_on(con: duckdb.DuckDBPyConnection, publication_id: int, level: int = 50) -> int | None:
    """The newest stored canonical trend fit (default options, ``horizon.trend.canonical``)
    on any copy of this publication that reads no retracted snapshot, or None."""
    from horizon.trend.canonical import canonical_params

    copies = _copies(con, publication_id)
    wanted = {s: json.loads(json.dumps(canonical_params(level, s), sort_keys=True, default=str)) for s in copies}
    rows = con.execute(
        "SELECT DISTINCT t.fit_id, t.snapshot_id, CAST(f.params AS VARCHAR) FROM trend_fits t JOIN fits f USING (fit_id)"
        " WHERE f.kind = 'trend' AND t.source_kind = 'published' AND t.level = ?"
        " AND t.snapshot_id IN (SELECT unnest(?::INTEGER[]))"
        " AND t.fit_id NOT IN (SELECT fit_id FROM retracted_fits) ORDER BY t.fit_id DESC",
        [level, copies],
    ).fetchall()
    for fit_id, snapshot_id, params in rows:
        if json.loads(params) == wanted[int(snapshot_id)]:
            return int(fit_id)
    return None


def trend_figure(con: duckdb.DuckDBPyConnection, fit_id: int) -> DoublingFigure | None:
    """The exponential doubling time of stored trend fit ``fit_id``."""
    row = con.execute("SELECT doubling_days, ci_low, ci_high, snapshot_id FROM trend_fits"
                      " WHERE fit_id = ? AND form = 'exponential'", [fit_id]).fetchone()
    if row is None:
        return None
    return DoublingFigure(row[0], row[1], row[2], "trend", fit_id, row[3])


def publisher_figure(con: duckdb.DuckDBPyConnection, publication_id: int) -> DoublingFigure | None:
    """METR's own doubling time (from_2023_on) as published with this publication, or None."""
    row = con.execute(
        "SELECT point_estimate, ci_low, ci_high, snapshot_id FROM active_publisher_doubling_times"
        " WHERE window_name = ? AND snapshot_id IN (SELECT unnest(?::INTEGER[])) ORDER BY snapshot_id LIMIT 1",
        [PUBLISHED_WINDOW, _copies(con, publication_id)],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return DoublingFigure(row[0], row[1], row[2], "publisher", None, row[3])


def _figures(con, publication_id: int) -> dict[str, DoublingFigure]:
    out = {}
    fit_id = canonical_fit_on(con, publication_id)
    trend = None if fit_id is None else trend_figure(con, fit_id)
    if trend is not None:
        out["trend"] = trend
    published = publisher_figure(con, publication_id)
    if published is not None:
        out["publisher"] = published
    return out


def doubling_pair(con, previous: int | None, current: int) -> tuple[DoublingFigure | None, DoublingFigure | None]:
    """The doubling time of two publications, of the same kind where both have it: our
    canonical fits, else METR's figures, else whatever each has (a fit first)."""
    now = _figures(con, current)
    then = {} if previous is None else _figures(con, previous)
    for kind in ("trend", "publisher"):
        if kind in now and kind in then:
            return then[kind], now[kind]

    def first(figs):
        return figs.get("trend") or figs.get("publisher")

    return first(then), first(now)


# --- comparing publications -----------------------------------------------------------------------


def compare(con: duckdb.DuckDBPyConnection, current: Publication, previous: Publication | None) -> PublicationChange:
    """What ``current`` changed relative to ``previous`` (None: everything in it is new)."""
    new = _estimates(con, current.publication_id)
    old = {} if previous is None else _estimates(con, previous.publication_id)
    names = {m: name for (m, _), (name, _) in (old | new).items()}
    new_models = {m for m, _ in new}
    old_models = {m for m, _ in old}
    revisions = []
    for key in sorted(set(new) & set(old)):
        (name, before), (_, after) = old[key], new[key]
        if abs(after - before) > SAME_ESTIMATE * max(abs(before), abs(after)) and before > 0:
            revisions.append(Revision(key[0], name, key[1], before, after))
    revisions.sort(key=lambda r: (r.level, -abs(r.pct_change), r.model, r.model_id))
    then, now = doubling_pair(con, None if previous is None else previous.publication_id, current.publication_id)
    return PublicationChange(
        publication=current,
        previous=previous,
        models_added=tuple(sorted(names[m] for m in new_models - old_models)),
        models_dropped=tuple(sorted(names[m] for m in old_models - new_models)),
        revisions=tuple(revisions),
        doubling_then=then,
        doubling_now=now,
    )


def previous_publication(pubs: tuple[Publication, ...], current: Publication) -> Publication | None:
    """The next older publication of the same suite in the store's version order, or None."""
    older = [p for p in pubs if p.newest_rank > current.newest_rank and p.suite == current.suite]
    return min(older, key=lambda p: p.newest_rank) if older else None


def publication_changes(con: duckdb.DuckDBPyConnection) -> tuple[PublicationChange, ...]:
    """For every stored publication, newest first, its change from the previous one."""
    pubs = publications(con)
    return tuple(compare(con, p, previous_publication(pubs, p)) for p in pubs)


# --- one update run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreState:
    """What the store held at one moment: enough to say later what an update changed."""

    publication_ids: frozenset[int]
    snapshot_ids: frozenset[int]
    headline: Publication | None                 # the newest publication
    doubling: DoublingFigure | None              # the canonical 50% trend's doubling time


def canonical_doubling(con: duckdb.DuckDBPyConnection, level: int = 50) -> DoublingFigure | None:
    """The doubling time of the canonical trend (``horizon.trend.canonical``), or None."""
    from horizon.errors import HorizonError
    from horizon.trend.canonical import canonical_trend_fit_id

    try:
        fit_id = canonical_trend_fit_id(con, level)
    except HorizonError:
        return None
    return None if fit_id is None else trend_figure(con, fit_id)


def capture(con: duckdb.DuckDBPyConnection) -> StoreState:
    """The state to compare with after an update (call it before ingesting anything)."""
    pubs = publications(con)
    snaps = frozenset(int(r[0]) for r in con.execute("SELECT snapshot_id FROM snapshots").fetchall())
    return StoreState(frozenset(p.publication_id for p in pubs), snaps, pubs[0] if pubs else None,
                      canonical_doubling(con))


@dataclass(frozen=True)
class UpdateChanges:
    """What one update run changed: new publications (each against its previous one), new
    copies of publications already stored, the headline and its doubling time before and after."""

    new_publications: tuple[PublicationChange, ...]   # newest first
    new_copies: tuple[tuple[int, int, str], ...]     # (snapshot id, publication id, origin)
    headline_before: Publication | None
    headline_after: Publication | None
    doubling_before: DoublingFigure | None
    doubling_after: DoublingFigure | None

    @property
    def doubling_moved(self) -> bool:
        before, after = self.doubling_before, self.doubling_after
        if before is None or after is None:
            return before is not after
        return before.days != after.days or before.ci_low != after.ci_low or before.ci_high != after.ci_high

    @property
    def doubling_pct_change(self) -> float | None:
        return pct_change(self.doubling_before, self.doubling_after)

    @property
    def headline_moved(self) -> bool:
        ids = [None if h is None else h.publication_id for h in (self.headline_before, self.headline_after)]
        return ids[0] != ids[1]

    @property
    def changed(self) -> bool:
        """Whether anything a reader would call news happened (a new copy alone is not news)."""
        return bool(self.new_publications) or self.headline_moved or self.doubling_moved


def changes_since(con: duckdb.DuckDBPyConnection, before: StoreState) -> UpdateChanges:
    """Compare the store now with ``before`` (from ``capture``)."""
    pubs = publications(con)
    new = tuple(compare(con, p, previous_publication(pubs, p)) for p in pubs
                if p.publication_id not in before.publication_ids)
    copies = con.execute(
        "SELECT snapshot_id, publication_id, origin FROM snapshot_versions"
        " WHERE has_headline AND snapshot_id <> publication_id ORDER BY snapshot_id"
    ).fetchall()
    new_copies = tuple((int(s), int(p), o) for s, p, o in copies if s not in before.snapshot_ids)
    return UpdateChanges(new, new_copies, before.headline, pubs[0] if pubs else None,
                         before.doubling, canonical_doubling(con))


# --- as JSON -------------------------------------------------------------------------------------


def _publication_dict(p: Publication | None) -> dict | None:
    if p is None:
        return None
    return {"publication_id": p.publication_id, "version": p.version, "suite": p.suite,
            "version_date": None if p.version_date is None else p.version_date.isoformat(), "models": p.n_models}


def _figure_dict(f: DoublingFigure | None) -> dict | None:
    if f is None:
        return None
    return {"days": f.days, "ci_low": f.ci_low, "ci_high": f.ci_high, "source": f.source,
            "fit_id": f.fit_id, "snapshot_id": f.snapshot_id}


def publication_change_dict(c: PublicationChange) -> dict:
    return {
        "publication": _publication_dict(c.publication),
        "previous": _publication_dict(c.previous),
        "models_added": list(c.models_added),
        "models_dropped": list(c.models_dropped),
        "revisions": [{"model_id": r.model_id, "model": r.model, "level": r.level, "old_minutes": r.old_minutes,
                       "new_minutes": r.new_minutes, "pct_change": r.pct_change} for r in c.revisions],
        "doubling_then": _figure_dict(c.doubling_then),
        "doubling_now": _figure_dict(c.doubling_now),
        "doubling_pct_change": c.doubling_pct_change,
    }


def update_changes_dict(u: UpdateChanges) -> dict:
    """``UpdateChanges`` as plain JSON types (what `horizon update --json` prints as changes)."""
    return {
        "changed": u.changed,
        "new_publications": [publication_change_dict(c) for c in u.new_publications],
        "new_copies": [{"snapshot_id": s, "publication_id": p, "origin": o} for s, p, o in u.new_copies],
        "headline_before": _publication_dict(u.headline_before),
        "headline_after": _publication_dict(u.headline_after),
        "doubling_before": _figure_dict(u.doubling_before),
        "doubling_after": _figure_dict(u.doubling_after),
        "doubling_pct_change": u.doubling_pct_change,
    }
