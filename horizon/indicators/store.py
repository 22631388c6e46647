"""Reading indicator inputs from the store, evaluating them, and storing the evaluation.

An evaluation (fits.kind = 'indicators') assesses every ladder benchmark and every
inside-the-labs series once and stores one row per benchmark or series in ``indicator_trends``
and one per rung in ``ladder_rungs``. Evaluating the same inputs again reuses the stored fit,
so `horizon update`, `horizon indicators` and `horizon ladder` print the same numbers and cite
the same fit id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from horizon.config import Config
from horizon.errors import NotFoundError, unknown_name
from horizon.indicators import rct
from horizon.indicators.config import Benchmark, Ladder, Rung, SeriesSpec, load_ladder, load_series_specs
from horizon.indicators.series import Assessment, Observation, Treatment, assess, rung_status
from horizon.provenance import identical_fit, latest_fit, record_fit
from horizon.store import insert_records, named_rows, scalar

KIND = "indicators"
RCT_SERIES = "metr_rct_2025"


@dataclass(frozen=True)
class BenchmarkResult:
    benchmark: Benchmark
    assessment: Assessment
    saturation: float
    saturation_note: str | None
    snapshot_ids: tuple[int, ...]
    n_rows: int                # entities read, dated or not


@dataclass(frozen=True)
class RungResult:
    rung: Rung
    status: str
    status_text: str
    benchmarks: tuple[BenchmarkResult, ...]


@dataclass(frozen=True)
class SeriesResult:
    spec: SeriesSpec
    assessment: Assessment
    snapshot_ids: tuple[int, ...]
    source_url: str | None
    method: str | None
    caveat: str | None
    unit: str | None
    reproduction: rct.RctEstimate | None = None


@dataclass(frozen=True)
class Evaluation:
    ladder: Ladder
    rungs: tuple[RungResult, ...]
    series: tuple[SeriesResult, ...]
    input_snapshots: tuple[int, ...]
    fit_id: int | None = None
    created_at: datetime | None = None

    def series_named(self, name: str) -> SeriesResult | None:
        return next((s for s in self.series if s.spec.name == name), None)


# ------------------------------------------------------------------------------ reading


_RELEASED = (
    "coalesce({given}, m.release_date, (SELECT r.release_date FROM active_release_dates r JOIN snapshot_versions v"
    " USING (snapshot_id) WHERE r.model_id = {alias}.model_id ORDER BY v.version_date DESC, r.snapshot_id DESC LIMIT 1))"
)


def _newest_snapshot(con, table: str, where: str, params: list[Any]) -> int | None:
    row = con.execute(
        f"SELECT t.snapshot_id FROM (SELECT DISTINCT snapshot_id FROM {table} WHERE {where}) t"
        " JOIN snapshot_versions v USING (snapshot_id) ORDER BY v.version_date DESC, t.snapshot_id DESC LIMIT 1",
        params,
    ).fetchone()
    return None if row is None else int(row[0])


def _models(rows) -> list[Observation]:
    return [Observation(r["name"], r["released"], float(r["value"])) for r in rows]


class _Source:
    """Where one ladder benchmark's numbers live; each source is one small reader."""

    def load(self, con, b: Benchmark) -> tuple[list[Observation], tuple[int, ...]]:
        raise NotImplementedError


class _Scores(_Source):
    def load(self, con, b):
        sid = _newest_snapshot(con, "active_benchmark_scores", "benchmark = ? AND metric = ?", [b.benchmark, b.score_metric])
        if sid is None:
            return [], ()
        rows = named_rows(con, (
            "SELECT any_value(coalesce(m.display_name, s.source_model)) AS name, max(s.value) AS value, "
            + _RELEASED.format(given="NULL", alias="s") + " AS released"
            " FROM active_benchmark_scores s LEFT JOIN models m USING (model_id)"
            " WHERE s.snapshot_id = ? AND s.benchmark = ? AND s.metric = ? GROUP BY s.model_id, m.release_date"
        ), [sid, b.benchmark, b.score_metric])
        return _models(rows), (sid,)


class _Horizons(_Source):
    def load(self, con, b):
        sid = _newest_snapshot(con, "active_benchmark_horizons", "benchmark = ?", [b.benchmark])
        if sid is None:
            return [], ()
        rows = named_rows(con, (
            "SELECT any_value(coalesce(m.display_name, h.source_model)) AS name, max(h.horizon_minutes) AS value, "
            + _RELEASED.format(given="max(h.release_date)", alias="h") + " AS released"
            " FROM active_benchmark_horizons h LEFT JOIN models m USING (model_id)"
            " WHERE h.snapshot_id = ? AND h.benchmark = ? GROUP BY h.model_id, m.release_date"
        ), [sid, b.benchmark])
        return _models(rows), (sid,)


class _Headline(_Source):
    def load(self, con, b):
        from horizon.trend.stored import latest_headline_snapshot

        sid = latest_headline_snapshot(con)
        if sid is None:
            return [], ()
        rows = named_rows(con, (
            "SELECT any_value(coalesce(m.display_name, p.source_model)) AS name, max(p.estimate) AS value, "
            + _RELEASED.format(given="max(p.release_date)", alias="p") + " AS released"
            " FROM active_published_horizons p LEFT JOIN models m USING (model_id)"
            " WHERE p.snapshot_id = ? AND p.level = 50 AND p.estimate > 0 GROUP BY p.model_id, m.release_date"
        ), [sid])
        return _models(rows), (sid,)


class _Runs(_Source):
    def load(self, con, b):
        like = b.task_prefix.replace("%", "") + "%"
        sid = _newest_snapshot(con, "active_runs", "task_family LIKE ?", [like])
        if sid is None:
            return [], ()
        rows = named_rows(con, (
            "SELECT any_value(coalesce(m.display_name, u.source_model)) AS name, avg(u.score_binarized) AS value, "
            + _RELEASED.format(given="NULL", alias="u") + " AS released"
            " FROM active_runs u LEFT JOIN models m USING (model_id)"
            " WHERE u.snapshot_id = ? AND u.task_family LIKE ? AND u.model_id <> 'human'"
            " GROUP BY u.model_id, m.release_date"
        ), [sid, like])
        return _models(rows), (sid,)


class _Indicator(_Source):
    def load(self, con, b):
        rows = series_rows(con, b.series)
        return [_observation(r) for r in rows], tuple(sorted({r["snapshot_id"] for r in rows}))


SOURCES = {"benchmark_scores": _Scores(), "benchmark_horizons": _Horizons(), "metr_headline": _Headline(),
           "runs": _Runs(), "indicator_values": _Indicator()}


def series_rows(con, series: str) -> list[dict[str, Any]]:
    """A series' current rows (the newest snapshot holding it), oldest first: the columns an
    observation and the series' provenance are read from."""
    return named_rows(
        con,
        "SELECT snapshot_id, entity, date, date_known, value, unit, ci_low, ci_high, fit_use, method, caveat, note,"
        " source_url FROM indicator_current WHERE series = ? ORDER BY date, entity",
        [series],
    )


def series_names(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT series FROM indicator_current ORDER BY 1").fetchall()]


def _observation(r: dict[str, Any]) -> Observation:
    return Observation(r["entity"], r["date"], float(r["value"]), bool(r["date_known"]), bool(r["fit_use"]),
                       r["ci_low"], r["ci_high"], r["note"])


def _suite_saturation(con, b: Benchmark) -> tuple[float, str | None]:
    if b.saturation_from_suite:
        sid = _newest_snapshot(con, "active_suite_tasks", "task_source = ?", [b.saturation_from_suite])
        if sid is not None:
            row = con.execute(
                "SELECT median(human_minutes), min(human_minutes), max(human_minutes), count(*), any_value(suite)"
                " FROM active_suite_tasks WHERE snapshot_id = ? AND task_source = ?", [sid, b.saturation_from_suite],
            ).fetchone()
            return float(row[0]), (f"median human minutes of the {row[3]} {b.saturation_from_suite} tasks in {row[4]}"
                                   f" ({row[1]:.0f} to {row[2]:.0f} min; snapshot {sid})")
    return b.saturation, b.saturation_note


def load_rct(con) -> rct.RctEstimate | None:
    rows = con.execute(
        "SELECT ai_allowed, predicted_minutes_no_ai, initial_minutes, post_review_minutes FROM active_rct_issues"
        " WHERE snapshot_id = (SELECT max(snapshot_id) FROM active_rct_issues)"
    ).fetchall()
    return rct.estimate([rct.Issue(*r) for r in rows]) if rows else None


def _rct_snapshot(con) -> int:
    """The snapshot ``load_rct`` read (call it only when that found issues)."""
    return scalar(con, "SELECT max(snapshot_id) FROM active_rct_issues")


# --------------------------------------------------------------------------- evaluating


def evaluate(con, config: Config) -> Evaluation:
    """Assess every ladder benchmark and inside-the-labs series in the store (nothing written)."""
    ladder = load_ladder(config.data_dir)
    specs = load_series_specs(config.data_dir)
    inputs: set[int] = set()
    rungs = []
    for rung in ladder.rungs:
        results = []
        for b in rung.benchmarks:
            observations, sids = SOURCES[b.source].load(con, b)
            saturation, note = _suite_saturation(con, b)
            if b.saturation_from_suite:
                sid = _newest_snapshot(con, "active_suite_tasks", "task_source = ?", [b.saturation_from_suite])
                sids = sids + ((sid,) if sid is not None else ())
            t = Treatment(form=b.form, saturation=saturation, per_model=True, near=ladder.near_saturation)
            results.append(BenchmarkResult(b, assess(observations, t, ladder=True), saturation, note, sids, len(observations)))
            inputs.update(sids)
        status, text = rung_status([(r.benchmark.title, r.assessment.status) for r in results])
        rungs.append(RungResult(rung, status, text, tuple(results)))
    series = []
    present = set(series_names(con))
    for name, spec in specs.items():
        rows = series_rows(con, name) if name in present else []
        reproduction = load_rct(con) if name == RCT_SERIES else None
        if not rows and reproduction is None:
            continue
        t = Treatment(form=spec.form, saturation=spec.saturation, per_model=spec.per_model, target=spec.target,
                      target_label=spec.target_label, fit_from=spec.fit_from, fit_every=spec.fit_every,
                      form_note=spec.form_note)
        sids = tuple(sorted({r["snapshot_id"] for r in rows}))
        if reproduction is not None:
            sids = tuple(sorted(set(sids) | {_rct_snapshot(con)}))
        last = rows[-1] if rows else {}
        series.append(SeriesResult(spec, assess([_observation(r) for r in rows], t, ladder=False), sids,
                                   last.get("source_url"), last.get("method"), last.get("caveat"), last.get("unit"),
                                   reproduction))
        inputs.update(sids)
    return Evaluation(ladder, tuple(rungs), tuple(series), tuple(sorted(inputs)))


def _params(ev: Evaluation, config: Config) -> dict[str, Any]:
    """What the evaluation depends on besides the snapshots: the two config files' contents."""
    import hashlib

    digest = hashlib.sha256()
    for path in (config.data_dir / "ladder.toml", config.data_dir / "indicators" / "series.toml"):
        digest.update(path.read_bytes())
    return {"config_sha256": digest.hexdigest()[:16], "near_saturation": ev.ladder.near_saturation}


def run_indicators(con, config: Config) -> Evaluation:
    """Evaluate, and store the evaluation unless the same inputs were evaluated already."""
    from dataclasses import replace

    from horizon.store import transaction

    ev = evaluate(con, config)
    params = _params(ev, config)
    done = identical_fit(con, KIND, params, ev.input_snapshots)
    if done is not None:
        created = con.execute("SELECT created_at FROM fits WHERE fit_id = ?", [done]).fetchone()[0]
        return replace(ev, fit_id=done, created_at=created)
    with transaction(con):
        fit_id = record_fit(con, KIND, params, list(ev.input_snapshots), config.now)
        _save(con, fit_id, ev)
    return replace(ev, fit_id=fit_id, created_at=config.now.replace(tzinfo=None))


def _trend_row(fit_id, key, rung, title, kind, unit, a: Assessment, saturation, url, citation, caveat, label,
               snapshots, status_text=None):
    t, r = a.trend, a.reach
    latest, previous, best = a.latest, a.previous, a.best
    return [
        fit_id, key, rung, title, kind, unit, len(a.dated), len(a.used),
        latest and latest.entity, latest and latest.date, latest and latest.value, previous and previous.value,
        best and best.entity, best and best.date, best and best.value, saturation,
        t and t.form, t and t.slope_per_year, t and t.slope_low * 365.25, t and t.slope_high * 365.25,
        t and t.level, t and t.doubling_days, a.target, label if a.target is not None else None,
        r and r.point, r and r.low, r and r.high, r and r.open_reason, a.extrapolation, a.status,
        status_text or a.status_text, url, citation, caveat, json.dumps(list(snapshots)),
    ]


# The columns of indicator_trends this version writes (in _trend_row's order) and reads back.
TREND_COLUMNS = (
    "fit_id", "key", "rung", "title", "kind", "unit", "n_points", "n_used", "latest_entity", "latest_date",
    "latest_value", "previous_value", "best_entity", "best_date", "best_value", "saturation", "form", "slope",
    "slope_low", "slope_high", "ci_level", "doubling_days", "target_value", "target_label", "target_date",
    "target_low", "target_high", "target_open", "extrapolation", "status", "status_text", "source_url", "citation",
    "caveat", "snapshots",
)


def _save(con, fit_id: int, ev: Evaluation) -> None:
    rows = []
    insert_records(con, "ladder_rungs", [
        {"fit_id": fit_id, "rung": rr.rung.number, "name": rr.rung.name, "status": rr.status,
         "status_text": rr.status_text, "n_benchmarks": len(rr.benchmarks)}
        for rr in ev.rungs
    ])
    for rr in ev.rungs:
        for br in rr.benchmarks:
            b = br.benchmark
            label = ("near-saturation level" if b.kind == "score" else "the benchmark's longest tasks")
            rows.append(_trend_row(fit_id, b.id, b.rung, b.title, b.kind, b.metric, br.assessment, br.saturation,
                                   b.url, b.citation, br.saturation_note, label, br.snapshot_ids))
    for sr in ev.series:
        s = sr.spec
        kind = "estimate" if s.form == "none" else ("score" if s.form == "logit" else "multiple")
        text = sr.assessment.status_text
        if sr.reproduction is not None:
            r = sr.reproduction
            text += (f"; horizon reproduces {100 * r.effect:+.1f}% (95% CI {100 * r.ci_low:+.1f}% to"
                     f" {100 * r.ci_high:+.1f}%) from the {r.n_issues} per-issue records with METR's stated estimator")
        rows.append(_trend_row(fit_id, s.name, None, s.title, kind, sr.unit or s.unit, sr.assessment, s.saturation,
                               sr.source_url, s.target_source, sr.caveat, s.target_label, sr.snapshot_ids, text))
    insert_records(con, "indicator_trends", [dict(zip(TREND_COLUMNS, row, strict=True)) for row in rows])


def latest_evaluation_id(con) -> int | None:
    return latest_fit(con, KIND)


def stored_trend(con, key: str, fit_id: int | None = None) -> dict[str, Any]:
    """One stored row of indicator_trends (newest evaluation by default), with its fit run."""
    fit_id = fit_id if fit_id is not None else latest_evaluation_id(con)
    if fit_id is None:
        raise NotFoundError("no stored indicator evaluation: run `horizon indicators` (or `horizon update`) first")
    trend = ", ".join(f"t.{c}" for c in TREND_COLUMNS)
    found = named_rows(con, (
        f"SELECT {trend}, f.created_at, f.code_version, f.input_snapshots FROM indicator_trends t JOIN fits f USING (fit_id)"
        " WHERE t.fit_id = ? AND t.key = ?"
    ), [fit_id, key])
    if not found:
        known = [r[0] for r in con.execute("SELECT key FROM indicator_trends WHERE fit_id = ? ORDER BY rung NULLS FIRST, key",
                                           [fit_id]).fetchall()]
        raise unknown_name("indicator or ladder benchmark", key, known, where=f"evaluation {fit_id}")
    return found[0]
