"""The coverage study on the Sources & methods page: which interval of the doubling time can be
trusted, method by method and by number of points (the table issue 8 asks to show).

Read from ``interval_coverage`` (the newest study `horizon update` stored) and the study's own
fit run parameters (how many simulated data sets, shaped like which trend).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from horizon.report.markup import Html, esc, tag
from horizon.report.uncertainty.common import Section, empty_note, level_text, section, share_text, simple_table
from horizon.store import named_rows
from horizon.trend.calibration import CHOOSING_SIZES, METHODS, TARGET
from horizon.trend.intervals import HEADLINE_METHODS
from horizon.trend.status import FRAGILE_BELOW
from horizon.trend.stored import CoverageRow, interval_coverage, newest_coverage_study

STEM = "interval-coverage"
# Short names a reader can hold in mind; the table's tooltip gives each method in full.
METHOD_NAMES = {
    "ols_t": "OLS, Student t",
    "ols_hc3": "OLS, robust (HC3) errors",
    "wild_hc3": "Wild bootstrap, leverage-adjusted",
    "wild_bootstrap": "Wild bootstrap",
    "residual_bootstrap": "Residual bootstrap",
    "parametric_ci": "Parametric, from published intervals",
    "run_bootstrap": "Bootstrap of the run-level fits",
}
SCENARIO_TEXT = {
    "normal": "Main study (chooses the method): scatter like the fitted residuals, normal",
    "heavy_tailed": "Robustness: heavy-tailed scatter (Student t, 3 degrees of freedom, same variance)",
    "heteroscedastic": "Robustness: each model's scatter in proportion to its published interval",
}


@dataclass(frozen=True)
class CoverageStudy:
    """The newest stored study: its rows and the design it simulated."""

    fit_id: int
    rows: tuple[CoverageRow, ...]
    n_datasets: int | None
    trend_fit_id: int | None      # the trend whose frontier the simulated data sets copy

    @property
    def chosen(self) -> str | None:
        return next((r.method for r in self.rows if r.chosen), None)

    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(r.scenario for r in self.rows))   # normal first, as read


def load_coverage_study(con: duckdb.DuckDBPyConnection) -> CoverageStudy | None:
    fit_id = newest_coverage_study(con)
    rows = () if fit_id is None else interval_coverage(con, fit_id)
    if not rows or fit_id is None:
        return None
    found = named_rows(con, "SELECT CAST(params AS VARCHAR) AS params FROM fits WHERE fit_id = ?", [fit_id])
    params = json.loads(found[0]["params"]) if found and found[0]["params"] else {}
    return CoverageStudy(fit_id, rows, params.get("n_datasets"), params.get("trend_fit_id"))


def method_name(method: str) -> str:
    return METHOD_NAMES.get(method, method)


def within_target(row: CoverageRow) -> bool:
    low, high = TARGET.get(round(row.level, 2), (float("nan"), float("nan")))
    return low <= row.coverage <= high


def coverage_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One row per scenario, method, number of points and level, as stored (for downloads)."""
    study = load_coverage_study(con)
    if study is None:
        return []
    return [
        {"scenario": r.scenario, "method": r.method, "method_name": method_name(r.method), "n_points": r.n_points,
         "level": r.level, "coverage": r.coverage, "within_target": within_target(r), "n_datasets": r.n_datasets,
         "chosen": r.chosen}
        for r in study.rows
    ]


def _scenario_table(study: CoverageStudy, scenario: str) -> Html:
    rows = [r for r in study.rows if r.scenario == scenario]
    by_cell = {(r.method, r.n_points, round(r.level, 2)): r for r in rows}
    methods = _method_order(r.method for r in rows)
    sizes = sorted({r.n_points for r in rows}, reverse=True)
    levels = sorted({round(r.level, 2) for r in rows})
    body, ids = [], []
    for method in methods:
        cells: list = [Html(tag("strong", method_name(method)) + " (default)") if method == study.chosen else method_name(method)]
        for n in sizes:
            shares = []
            for level in levels:
                r = by_cell.get((method, n, level))
                shares.append("–" if r is None else share_text(r.coverage) + ("" if within_target(r) else " ✗"))
            cells.append(" / ".join(shares))
        body.append(cells)
        ids.append(f"coverage-{scenario}-{method}")
    targets = " and ".join(f"{TARGET[lv][0]:.0%}–{TARGET[lv][1]:.0%} for the {level_text(lv)} interval" for lv in levels if lv in TARGET)
    per = " / ".join(level_text(lv) for lv in levels)
    headers = ["Method", *(f"{n} points: {per}" for n in sizes)]
    return simple_table(
        headers, body, table_id=f"coverage-{scenario}", numeric=[False, *(True for _ in sizes)], row_ids=ids,
        notes=[None, *(f"the frontier's last {n} models; share of simulated data sets whose {per} interval covered the"
                       " true doubling time" for n in sizes)],
        caption=f"{SCENARIO_TEXT.get(scenario, scenario)}. Calibrated means {targets}; ✗ marks a share outside it"
                " (– : not simulated).",
    )


def _counts(study: CoverageStudy) -> str:
    """14, 9, 5 or 3: the numbers of points the study simulated."""
    sizes = [str(n) for n in sorted({r.n_points for r in study.rows}, reverse=True)]
    return sizes[0] if len(sizes) == 1 else ", ".join(sizes[:-1]) + " or " + sizes[-1]


def _method_order(methods) -> list[str]:
    """The study's order of preference (simplest first); a method it does not know goes last."""
    seen = set(methods)
    return [m for m in METHODS if m in seen] + sorted(seen - set(METHODS))


def _method_list(study: CoverageStudy) -> Html:
    items = "".join(f"<dt>{esc(method_name(m))}</dt><dd>{esc(HEADLINE_METHODS.get(m, m))}</dd>"
                    for m in _method_order(r.method for r in study.rows))
    return Html(f'<dl class="methods">{items}</dl>')


def coverage(con: duckdb.DuckDBPyConnection, heading_tag: str = "h2") -> Section:
    """The study's tables (the choosing scenario first, then the robustness ones) and its rows."""
    study = load_coverage_study(con)
    if study is None:
        return Section(section("coverage-study", "How far the doubling-time intervals can be trusted", heading_tag,
                               empty_note("No coverage study is stored yet: `horizon update` runs one.")))
    shape = f"shaped like trend fit #{study.trend_fit_id}'s frontier" if study.trend_fit_id is not None else "shaped like the frontier"
    many = f"{study.n_datasets:,} simulated data sets" if study.n_datasets else "simulated data sets"
    sizes = ", ".join(str(n) for n in CHOOSING_SIZES)
    lede = Html(
        "<p>An interval is only worth citing if it contains the true value as often as it claims. For each candidate "
        f"method, {esc(many)} were drawn from a known exponential trend {esc(shape)} (the same release dates and "
        f"scatter), using the frontier’s last {esc(_counts(study))} models; each cell gives the share of data sets whose "
        "80% and 95% intervals contained the true doubling time. "
        f"The default, <strong>{esc(method_name(study.chosen or ''))}</strong>, is the simplest method whose 95% and 80% "
        f"intervals are calibrated at {esc(sizes)} points. Fewer points give wider intervals; a trend fitted on fewer "
        f"than {FRAGILE_BELOW} points is marked fragile beside its number.</p>"
        if study.chosen else
        f"<p>Share of {esc(many)} {esc(shape)} whose interval contained the true doubling time.</p>"
    )
    tables = [_scenario_table(study, s) for s in study.scenarios()] + [_method_list(study)]
    html = section("coverage-study", "How far the doubling-time intervals can be trusted", heading_tag, lede, *tables)
    return Section(html, tuple(coverage_rows(con)), STEM)


def coverage_section(con: duckdb.DuckDBPyConnection, heading_tag: str = "h2") -> Html:
    return coverage(con, heading_tag).html
