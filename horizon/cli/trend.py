"""`horizon trend`, `horizon forecast`, `horizon cite`: frontier doubling times and what they imply."""

from __future__ import annotations

import math

import click

from horizon.cli import cli, emit_json, json_option

INTERVALS = ["wild_bootstrap", "residual_bootstrap", "parametric_ci", "run_bootstrap"]


class PositiveHours(click.ParamType):
    """A positive, finite number of hours: nan would switch the ceiling off and inf would be
    no ceiling under another name (that is what --no-ceiling is for)."""

    name = "hours"

    def convert(self, value, param, ctx):
        try:
            hours = float(value)
        except (TypeError, ValueError):
            self.fail(f"expected a positive number of hours, got {value!r}", param, ctx)
        if not math.isfinite(hours) or hours <= 0:
            self.fail(f"expected a positive finite number of hours, got {value!r}"
                      " (use --no-ceiling to keep every point)", param, ctx)
        return hours


def source_options(f):
    f = click.option("--from-runs", is_flag=True, help="Use the newest run-level fit (fit_horizons) instead of headline figures.")(f)
    f = click.option("--fit", "run_fit_id", type=int, default=None, help="Use this run-level fit (fit id) instead of headline figures.")(f)
    f = click.option(
        "--snapshot", "snapshot_id", type=int, default=None,
        help="Headline snapshot to fit (default: the METR-Horizon-v1.1 snapshot with published"
             " horizons whose publisher version date is newest, whatever the order of ingestion;"
             " ties go to the higher snapshot id).",
    )(f)
    return f


def window_options(f):
    f = click.option("--no-ceiling", is_flag=True, help="Keep points above the measurable ceiling.")(f)
    f = click.option("--ceiling-hours", type=PositiveHours(), default=16.0, show_default=True,
                     help="Leave out (and flag) points whose estimate exceeds this: the suite cannot measure them.")(f)
    f = click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last release date in the window.")(f)
    f = click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default="2023-01-01", show_default=True,
                     help="First release date in the window.")(f)
    f = click.option("--all-time", is_flag=True, help="No start date (METR's all_time_stitched window).")(f)
    f = click.option("--interval", type=click.Choice(INTERVALS), default=None,
                     help="Interval method (default: run_bootstrap with run-level fits, else wild_bootstrap).")(f)
    f = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Seed of the bootstrap draws (0 or more); same seed, same numbers.")(f)
    return f


def make_spec(level, since, until, all_time, ceiling_hours, no_ceiling, interval, seed):
    from horizon.trend.analysis import TrendSpec

    return TrendSpec(
        level=level,
        window_from=None if all_time else (since.date() if since else None),
        window_to=until.date() if until else None,
        ceiling_minutes=None if no_ceiling else ceiling_hours * 60.0,
        interval_method=interval,
        seed=seed,
    )


def _f(v, fmt="{:.1f}"):
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else fmt.format(v)


@cli.command("trend")
@click.option("--level", type=click.Choice(["50", "80"]), default="50", show_default=True, help="Success level.")
@window_options
@source_options
@json_option
@click.pass_obj
def trend_cmd(config, level, seed, interval, all_time, since, until, ceiling_hours, no_ceiling,
              snapshot_id, run_fit_id, from_runs, as_json):
    """Fit the frontier trend (and alternative forms), store it, and print it.

    Frontier: agents at least as good as every agent released on or before them. The
    exponential trend is OLS of ln(horizon) on release date; piecewise, superexponential and
    saturating forms are compared on the same points by AIC/BIC and by backtests.

    \b
    Examples:
      horizon trend
      horizon trend --level 80 --since 2024-01-01 --json
      horizon trend --all-time --snapshot 3
      horizon trend --from-runs
    """
    from horizon.store import connect
    from horizon.trend.api import run_trend, trend_document

    spec = make_spec(int(level), since, until, all_time, ceiling_hours, no_ceiling, interval, seed)
    con = connect(config.db_path)
    run = run_trend(con, config, spec, snapshot_id, run_fit_id, from_runs)
    doc = trend_document(run)
    if as_json:
        emit_json(doc)
        return
    echo_trend(doc)


def echo_trend(doc: dict) -> None:
    src = doc["source"]
    where = f"snapshot {src['snapshot_id']} ({src['label']})" if src["kind"] == "published" else f"run-level fit {src['run_fit_id']}"
    window = f"{doc['window']['from'] or 'start'} .. {doc['window']['to'] or 'now'}"
    click.echo(f"trend fit {doc['fit_id']}: {doc['level']}% horizon, {where}, window {window},"
               f" ceiling {_f(doc['ceiling_minutes'] and doc['ceiling_minutes'] / 60, '{:g}')} h")
    click.echo(f"  {doc['n_models']} frontier models: " + ", ".join(m["model_id"] for m in doc["models"]))
    for m in doc["excluded_above_ceiling"]:
        click.echo(f"  left out above the ceiling: {m['model_id']} ({m['estimate_minutes']:.0f} min)")
    if doc["doubling_days"] is None and doc["doubling_note"]:
        click.echo(f"  no doubling time: {doc['doubling_note']}")
    click.echo(
        f"  doubling time {_f(doc['doubling_days'])} days ({_f(doc['doubling_months'], '{:.2f}')} months),"
        f" 95% CI {_f(doc['ci_low'])} to {_f(doc['ci_high'])} days [{doc['interval_method']}],"
        f" R² {_f(doc['r2'], '{:.3f}')}"
    )
    click.echo(f"  interval: {doc['interval_text']}")
    for alt in doc["alternative_intervals"]:
        click.echo(f"    other method {alt['method']}: {_f(alt['ci_low'])} to {_f(alt['ci_high'])} days")
    for p in doc["publisher"]:
        ci = f", CI {_f(p['ci_low'])} to {_f(p['ci_high'])}" if p["ci_low"] is not None else ""
        click.echo(f"  publisher's own {p['window']}: {_f(p['doubling_days'], '{:.3f}')} days{ci}")
    click.echo("")
    click.echo(f"  {'form':<17} {'doubling d':>10} {'95% CI':>17} {'AIC':>7} {'BIC':>7} "
               f"{'bt MAE':>7} {'bt RMSE':>7} {'cov80':>5} {'cov95':>5}")
    for f in doc["forms"]:
        if not f["fitted"]:
            click.echo(f"  {f['form']:<17} not fitted: {f['skipped']}")
            continue
        bt = f["backtest"] or {}
        ci = "-" if f["ci_low"] is None and f["ci_high"] is None else f"{_f(f['ci_low'])}-{_f(f['ci_high'])}"
        click.echo(
            f"  {f['form']:<17} {_f(f['doubling_days']):>10} {ci:>17} {_f(f['aic']):>7} {_f(f['bic']):>7} "
            f"{_f(bt.get('mean_abs_log_error'), '{:.2f}'):>7} {_f(bt.get('rmse_log'), '{:.2f}'):>7} "
            f"{_f(bt.get('coverage80'), '{:.2f}'):>5} {_f(bt.get('coverage95'), '{:.2f}'):>5}"
        )
        extra = []
        if f["form"] == "piecewise" and f["break_date"]:
            extra.append(f"break {f['break_date']}, break-test p = {_f(f['break_p_value'], '{:.3f}')}")
        if f["form"] == "superexponential" and f["params"]:
            extra.append(f"each doubling {100 * f['params']['fraction_shorter_per_doubling']:.1f}% shorter than the last")
        if f["form"] == "saturating" and f["params"] and f["identified"]:
            extra.append(f"ceiling {math.exp(f['params']['U']) / 60:.3g} h")
        if f["note"]:
            extra.append(f["note"])
        if bt.get("infinite_predictions"):
            extra.append(f"{bt['infinite_predictions']} backtest predictions past the singularity")
        if extra:
            click.echo(f"  {'':<17} " + "; ".join(extra))
    fav = doc["favoured"]
    click.echo("")
    click.echo(f"  favoured form: {fav['aic']} by AIC, {fav['bic']} by BIC, {fav['backtest_rmse']} by backtest RMSE (ln units)")
    if doc["break_test"]:
        click.echo(f"  break test: {doc['break_test']['method']}")
    click.echo(f"  backtests: {doc['backtest_method']}; {doc['backtest_caveat']}")


@cli.command("forecast")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date the forecast is made (default: today, or SOURCE_DATE_EPOCH's date).")
@click.option("--thresholds", "thresholds_path", type=click.Path(dir_okay=False), default=None,
              help="Thresholds file (default: data/thresholds.toml).")
@click.option("--threshold", "names", multiple=True, help="Only these thresholds (repeatable).")
@window_options
@source_options
@json_option
@click.pass_obj
def forecast_cmd(config, as_of, thresholds_path, names, seed, interval, all_time, since, until,
                 ceiling_hours, no_ceiling, snapshot_id, run_fit_id, from_runs, as_json):
    """When does each trend form reach each threshold? With 80% and 95% intervals.

    Fits (and stores) the trend at every success level the thresholds need, then stores the
    forecast. Thresholds above the measurable ceiling are extrapolations and are flagged (*).

    \b
    Examples:
      horizon forecast
      horizon forecast --as-of 2026-03-01 --threshold work-month-50 --json
    """
    from horizon.errors import NotFoundError
    from horizon.store import connect
    from horizon.trend.api import forecast_document, run_forecast
    from horizon.trend.thresholds import load_thresholds

    path = thresholds_path or config.data_dir / "thresholds.toml"
    thresholds = load_thresholds(path)
    if names:
        unknown = sorted(set(names) - {t.name for t in thresholds})
        if unknown:
            raise NotFoundError(f"{path}: no threshold named {', '.join(unknown)} (have: {', '.join(t.name for t in thresholds)})")
        thresholds = tuple(t for t in thresholds if t.name in names)
    # "As of" is read here, at the edge, and passed in; computations never read the clock.
    as_of_date = as_of.date() if as_of else config.now.date()
    spec = make_spec(50, since, until, all_time, ceiling_hours, no_ceiling, interval, seed)
    con = connect(config.db_path)
    run = run_forecast(con, config, as_of_date, thresholds, spec, snapshot_id, run_fit_id, from_runs)
    doc = forecast_document(run)
    if as_json:
        emit_json(doc)
        return
    click.echo(f"forecast {doc['fit_id']} as of {doc['as_of']} (trend fits "
               + ", ".join(f"{t['level']}%: {t['fit_id']}, doubling {_f(t['doubling_days'])} d" for t in doc["trends"]) + ")")
    for t in doc["trends"]:
        if t["doubling_note"]:
            click.echo(f"  {t['level']}%: {t['doubling_note']}")
    click.echo(f"  {'threshold':<26} {'form':<17} {'date':>10} {'80% interval':>23} {'95% interval':>23}")
    for f in doc["forecasts"]:
        star = "*" if f["beyond_ceiling"] else " "
        lo80, hi80 = f["lo80"] or "-", f["hi80"] or "never"
        lo95, hi95 = f["lo95"] or "-", f["hi95"] or "never"
        click.echo(f" {star}{f['threshold']:<26} {f['form']:<17} {f['date'] or 'never':>10} "
                   f"{lo80 + ' .. ' + hi80:>23} {lo95 + ' .. ' + hi95:>23}")
    for f in doc["forms_without_forecasts"]:
        click.echo(f"  {str(f['level']) + '% thresholds':<26} {f['form']:<17} no forecast: {f['reason']}")
    ceiling = doc["ceiling_minutes"]
    if ceiling:
        click.echo(f"  * threshold above the {ceiling / 60:g} h the suite can measure: an extrapolation beyond the ceiling")
    click.echo("  never: the form does not reach it (saturating ceiling below it) in that share of replicates")


@cli.command("cite")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "json"]), default="text", show_default=True)
@click.option("--fit", "fit_id", type=int, default=None, help="Trend fit to cite (default: the newest at --level).")
@click.option("--level", type=click.Choice(["50", "80"]), default="50", show_default=True)
@click.pass_obj
def cite_cmd(config, fmt, fit_id, level):
    """Print a copy-exact citation of a stored doubling time.

    Reads the stored trend (never refits): run `horizon trend` (or `horizon update`) first.

    \b
    Examples:
      horizon cite
      horizon cite --format bibtex
      horizon cite --fit 12 --format json
    """
    from horizon.store import connect
    from horizon.trend.cite import bibtex, citation_document, sentence, stored_for_citation

    con = connect(config.db_path, read_only=True)  # reads only: never creates or locks a store
    stored = stored_for_citation(con, fit_id, int(level))
    if fmt == "json":
        emit_json(citation_document(stored))
    elif fmt == "bibtex":
        click.echo(bibtex(stored))
    else:
        click.echo(sentence(stored))
