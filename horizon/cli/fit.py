"""`horizon fit`: per-model time horizons from run-level results, stored as a fit run."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from horizon.cli import cli, emit_json, notice

if TYPE_CHECKING:
    from horizon.fit.metr_trend import MetrTrend


@cli.command("fit")
@click.option("--snapshot", "snapshot_id", type=int, default=None,
              help="Snapshot whose runs to fit (default: the newest snapshot with runs).")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Hierarchical bootstrap replicates (0: point estimates only).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Bootstrap seed (default 0; with --compat metr, METR's 42).")
@click.option("--level", "levels", type=click.IntRange(1, 99), multiple=True,
              help="Success level in percent; repeat for several (default: 50 and 80).")
@click.option("--weighting", type=click.Choice(["invsqrt", "equal"]), default="invsqrt", show_default=True,
              help="invsqrt: each task 1/sqrt(tasks in its family), METR's default; equal: each task alike.")
@click.option("--C", "C", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Inverse L2 strength on the slope (scikit-learn's C; METR uses 10).")
@click.option("--bootstrap-weights", type=click.Choice(["recompute", "carry"]), default=None,
              help="recompute weights on each replicate (default), or carry each run's full-data weight"
                   " (METR's code; always so with --compat metr).")
@click.option("--compat", type=click.Choice(["metr"]), default=None,
              help="metr: reproduce METR's published pipeline to the digit: scikit-learn's lbfgs stopping"
                   " point instead of the exact optimum, METR's own bootstrap draws, and METR's run-level"
                   " doubling-time interval. Needs METR's run file (all_runs.jsonl) ingested.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@click.option("--quiet", is_flag=True, help="No progress bar and no warnings on stderr.")
@click.pass_obj
def fit_cmd(config, snapshot_id, n_bootstrap, seed, levels, weighting, C, bootstrap_weights, compat, as_json, quiet):
    """Fit every agent's time horizon from the runs of a snapshot, and store it.

    For each agent: a weighted logistic regression of success on log2(human minutes)
    (METR's method), the task lengths at which it succeeds 50% and 80% of the time, and 95%
    intervals from a hierarchical bootstrap (families, tasks, runs). The result is stored as a
    fit run with rows in fit_horizons and fit_replicates. A fit identical to a stored one (same
    parameters, seed, horizon version, snapshot and release dates) is not stored again: the
    stored one is shown, marked reused.

    \b
    Examples:
      horizon fit
      horizon fit --snapshot 3 --bootstrap 10000 --seed 1 --level 50 --level 80 --level 90
      horizon fit --bootstrap 1000 --seed 0 --json --quiet > fit.json
      horizon fit --compat metr          # METR's own figures from its all_runs.jsonl
      horizon query "SELECT source_model, level, estimate, ci_low, ci_high FROM fit_horizons"
    """
    from horizon.fit.api import fit_snapshot
    from horizon.fit.results import FitOptions
    from horizon.store import open_for_writing

    options = FitOptions(
        levels=tuple(levels) or (50, 80), weighting=weighting, C=C, n_bootstrap=n_bootstrap,
        seed=seed, bootstrap_weights=bootstrap_weights, compat=compat,
    )
    con = open_for_writing(config, say=notice)
    try:
        show_progress = not quiet and n_bootstrap > 0 and sys.stderr.isatty()
        if show_progress:
            with click.progressbar(length=n_bootstrap, label="bootstrap", file=sys.stderr) as bar:
                result = fit_snapshot(con, config, snapshot_id, options, progress=bar.update)
        else:
            result = fit_snapshot(con, config, snapshot_id, options)
    finally:
        con.close()

    trends: tuple[MetrTrend, ...] = ()
    if options.compat == "metr":
        from horizon.fit.metr_trend import metr_trends

        trends = metr_trends(result)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"horizon: warning: {warning}", err=True)
    if as_json:
        doc = result.to_json()
        if options.compat == "metr":
            doc["metr_trends"] = [t.to_json() for t in trends]
        emit_json(doc)
        return
    click.echo(_table(result))
    for trend in trends:
        click.echo(_metr_trend_line(trend))


# Under a thousandth of a minute (0.06 s) or over a century of work a bound says only that the
# agent's runs do not pin the curve down there: words, never "1.07e-193".
SHORTEST_MINUTES, LONGEST_MINUTES = 1e-3, 100 * 2000 * 60.0


def _minutes(value) -> str:
    if value is None:
        return "-"
    if value < SHORTEST_MINUTES:
        return "<0.001"
    if value > LONGEST_MINUTES:
        return "unbounded"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _table(result) -> str:
    snap = result.snapshot or {}
    lines = []
    if result.reused:
        lines.append(f"fit {result.fit_id} reused: an identical fit (same parameters, seed, horizon version,"
                     " snapshot and release dates) is already stored; nothing new was written")
    mode = (", METR-compatible (scikit-learn's lbfgs stopping point, METR's bootstrap draws)"
            if result.options.compat == "metr" else "")
    lines.append(
        f"fit {result.fit_id} ({result.kind}) from snapshot {snap.get('snapshot_id')}"
        f" ({snap.get('origin', '?')}); {result.options.n_bootstrap} bootstrap replicates, seed {result.options.seed},"
        f" weighting {result.options.weighting}, C={result.options.C:g}{mode}"
    )
    header = ["agent", "released"] + [f"p{lv} min [95% CI]" for lv in result.options.levels] + ["runs", "tasks", "note"]
    body = []
    for a in result.agents:
        cells = [a.source_model, a.release_date.isoformat() if a.release_date else "missing"]
        for h in a.horizons:
            if h.estimate is None:
                cells.append("none")
            else:
                cells.append(f"{_minutes(h.estimate)} [{_minutes(h.ci_low)}, {_minutes(h.ci_high)}]")
        note = a.reason or ""
        if a.status == "ok" and a.n_nonfinite_replicates:
            note = f"{a.n_nonfinite_replicates} replicates without a horizon"
        cells += [str(a.n_runs), str(a.n_tasks), note]
        body.append(cells)
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    for row in [header] + body:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _metr_trend_line(trend) -> str:
    head = (f"METR's run-level doubling time ({trend.name}: p50 of frontier agents released"
            f" {trend.window_from.isoformat()} .. {trend.window_to.isoformat()})")
    if trend.status != "ok":
        return f"{head}: none ({trend.status}: {trend.reason})"
    point = "none (no growth)" if trend.point_days is None else f"{trend.point_days:.2f} days"
    return (f"{head}: {point}, 95% CI {trend.ci_low:.2f} to {trend.ci_high:.2f} days"
            f" ({trend.n_samples} of {trend.n_replicates} replicates; {', '.join(trend.agents)})")
