"""`horizon trend`, `horizon forecast`, `horizon cite`: frontier doubling times and what they imply."""

from __future__ import annotations

import math

import click

from horizon.cli import IsoDate, cli, emit_json, json_option, level_option, notice
from horizon.trend.rules import DEFAULT_CEILING_MINUTES, interval_ends

# The interval methods (horizon.trend.intervals.METHODS), listed here so `--help` needs no numpy.
INTERVALS = ["ols_t", "ols_hc3", "wild_hc3", "wild_bootstrap", "residual_bootstrap", "parametric_ci", "run_bootstrap"]


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
    f = click.option("--run-fit", "run_fit_id", type=int, default=None, metavar="FIT_ID",
                     help="Use this run-level fit (from `horizon fit`) instead of headline figures.")(f)
    f = click.option(
        "--snapshot", "snapshot_id", type=int, default=None,
        help="Headline snapshot to fit (default: the newest published version: newest suite, then"
             " newest publisher version date, whatever the order of ingestion; ties go to the higher"
             " snapshot id).",
    )(f)
    return f


def window_options(f):
    f = click.option("--no-ceiling", is_flag=True, help="Keep points above the measurable ceiling.")(f)
    f = click.option("--ceiling-hours", type=PositiveHours(), default=DEFAULT_CEILING_MINUTES / 60, show_default=True,
                     help="Leave out (and flag) points whose estimate exceeds this: the suite cannot measure them.")(f)
    f = click.option("--until", type=IsoDate(), default=None, help="Last release date in the window.")(f)
    f = click.option("--since", type=IsoDate(), default="2023-01-01", show_default=True,
                     help="First release date in the window.")(f)
    f = click.option("--all-time", is_flag=True, help="No start date (METR's all_time_stitched window).")(f)
    f = click.option("--interval", type=click.Choice(INTERVALS), default=None,
                     help="Interval method (default: run_bootstrap with run-level fits, else ols_t, the method the"
                          " coverage study finds calibrated).")(f)
    f = click.option("--points", "points", type=click.Choice(["frontier", "all"]), default="frontier", show_default=True,
                     help="Fit frontier models only, or every model in the window.")(f)
    f = click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Seed of the bootstrap draws (0 or more); same seed, same numbers.")(f)
    return f


def make_spec(level, since, until, all_time, ceiling_hours, no_ceiling, interval, seed, points="frontier"):
    from horizon.trend.analysis import TrendSpec

    return TrendSpec(
        level=level,
        window_from=None if all_time else since,
        window_to=until,
        ceiling_minutes=None if no_ceiling else ceiling_hours * 60.0,
        points=points,
        interval_method=interval,
        seed=seed,
    )


def _f(v, fmt="{:.1f}"):
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else fmt.format(v)


@cli.command("trend")
@level_option(default=50, show_default=True)
@window_options
@source_options
@json_option
@click.pass_obj
def trend_cmd(config, level, seed, points, interval, all_time, since, until, ceiling_hours, no_ceiling,
              snapshot_id, run_fit_id, from_runs, as_json):
    """Fit the frontier trend (and alternative forms), store it, and print it.

    Frontier: agents at least as good as every agent released on or before them. The
    exponential trend is OLS of ln(horizon) on release date; piecewise, superexponential and
    saturating forms are compared on the same points by AIC/BIC and by backtests.

    \b
    Examples:
      horizon trend
      horizon trend --level 80 --since 2024-01-01 --json
      horizon trend --points all --json
      horizon trend --all-time --snapshot 3
      horizon trend --from-runs
    """
    from horizon.store import open_for_writing
    from horizon.trend.api import run_trend, trend_document

    spec = make_spec(int(level), since, until, all_time, ceiling_hours, no_ceiling, interval, seed, points)
    con = open_for_writing(config, say=notice)
    run = run_trend(con, config, spec, snapshot_id, run_fit_id, from_runs)
    doc = trend_document(run)
    if as_json:
        emit_json(doc)
        return
    echo_trend(doc)


def _span(lo, hi, sep: str = " to ", fitted: bool = False) -> str:
    """A doubling-time interval; an end the data do not bound (an upper end past a decade or
    infinite, a lower end under a week) is a word, never a number."""
    if lo is None and hi is None:
        return "unbounded" if fitted else "-"
    return sep.join(interval_ends(lo, hi))


def echo_trend(doc: dict) -> None:
    src = doc["source"]
    where = f"snapshot {src['snapshot_id']} ({src['label']})" if src["kind"] == "published" else f"run-level fit {src['run_fit_id']}"
    window = f"{doc['window']['from'] or 'start'} .. {doc['window']['to'] or 'now'}"
    click.echo(f"trend fit {doc['fit_id']}{' (reused: identical fit stored already)' if doc['reused'] else ''}:"
               f" {doc['level']}% horizon, {where}, window {window},"
               f" ceiling {_f(doc['ceiling_minutes'] and doc['ceiling_minutes'] / 60, '{:g}')} h")
    kind = "frontier models" if doc["points"] == "frontier" else "models (all in the window, frontier or not)"
    click.echo(f"  {doc['n_models']} {kind}: " + ", ".join(m["model_id"] for m in doc["models"]))
    for m in doc["excluded_above_ceiling"]:
        click.echo(f"  left out above the ceiling: {m['model_id']} ({m['estimate_minutes']:.0f} min)")
    if doc["doubling_days"] is None and doc["doubling_note"]:
        click.echo(f"  no doubling time: {doc['doubling_note']} (R² {_f(doc['r2'], '{:.3f}')})")
    else:
        click.echo(
            f"  doubling time {_f(doc['doubling_days'])} days ({_f(doc['doubling_months'], '{:.2f}')} months),"
            f" 80% CI {_span(doc['ci80_low'], doc['ci80_high'], fitted=True)} days,"
            f" 95% CI {_span(doc['ci_low'], doc['ci_high'], fitted=True)}"
            f" days [{doc['interval_method']}], R² {_f(doc['r2'], '{:.3f}')}"
        )
        click.echo(f"  interval: {doc['interval_text']}")
        for alt in doc["alternative_intervals"]:
            click.echo(f"    other method {alt['method']}: 95% CI {_span(alt['ci_low'], alt['ci_high'])} days")
    for p in doc["publisher"]:
        click.echo(f"  {p['text']}")
    for w in doc["warnings"]:
        if w["code"] != "publisher_gap":
            click.echo(f"  warning: {w['text']}")
    click.echo("")
    click.echo(f"  {'form':<17} {'doubling d':>10} {'95% CI':>17} {'AIC':>7} {'BIC':>7} "
               f"{'bt MAE':>7} {'bt RMSE':>7} {'cov80':>5} {'cov95':>5}")
    for f in doc["forms"]:
        if not f["fitted"]:
            click.echo(f"  {f['form']:<17} not fitted: {f['note']}")
            continue
        bt = f["backtest"] or {}
        ci = _span(f["ci_low"], f["ci_high"], "-", fitted=f["doubling_days"] is not None)
        click.echo(
            f"  {f['form']:<17} {_f(f['doubling_days']):>10} {ci:>17} {_f(f['aic']):>7} {_f(f['bic']):>7} "
            f"{_f(bt.get('mean_abs_log_error'), '{:.2f}'):>7} {_f(bt.get('rmse_log'), '{:.2f}'):>7} "
            f"{_f(bt.get('coverage80'), '{:.2f}'):>5} {_f(bt.get('coverage95'), '{:.2f}'):>5}"
        )
        extra = []
        if f["detail"]:
            extra.append(f["detail"] + (f", break-test p = {_f(f['break_p_value'], '{:.3f}')}"
                                        if f["break_p_value"] is not None else ""))
        if f["note"]:
            extra.append(f"{f['status']}: {f['note']}")
        if bt.get("infinite_predictions"):
            extra.append(f"{bt['infinite_predictions']} backtest predictions past the singularity")
        if extra:
            click.echo(f"  {'':<17} " + "; ".join(extra))
    click.echo("")
    names = {"aic": "AIC", "bic": "BIC", "backtest_rmse": "backtest RMSE (ln units)"}
    fav = [f"{form} by {names[by]}" for by, form in doc["favoured"].items() if form is not None]
    click.echo("  favoured form: " + (", ".join(fav) if fav else "none (no form's fit stands on these points)"))
    if doc["break_test"]:
        click.echo(f"  {doc['break_test']['summary']}")
        click.echo(f"  break test: {doc['break_test']['method']}")
    click.echo(f"  backtests: {doc['backtest_method']}; {doc['backtest_caveat']}")


@cli.command("forecast")
@click.option("--as-of", "as_of", type=IsoDate(), default=None,
              help="Date the forecast is made (default: today, or SOURCE_DATE_EPOCH's date).")
@click.option("--thresholds", "thresholds_path", type=click.Path(dir_okay=False), default=None,
              help="Thresholds file (default: data/thresholds.toml).")
@click.option("--threshold", "names", multiple=True, help="Only these thresholds (repeatable).")
@window_options
@source_options
@json_option
@click.pass_obj
def forecast_cmd(config, as_of, thresholds_path, names, seed, points, interval, all_time, since, until,
                 ceiling_hours, no_ceiling, snapshot_id, run_fit_id, from_runs, as_json):
    """When does each trend form reach each threshold? Two intervals, each 80% and 95%.

    "Trend line crosses it": when the fitted trend itself passes the threshold (uncertainty of
    the trend only). "A model reaches it": when a newly released frontier model is expected to
    reach it (adds how far single models scatter about the trend, so it is wider). Fits (and
    stores) the trend at every success level the thresholds need, then stores the forecast.
    Thresholds above the measurable ceiling are extrapolations and are flagged (*).

    \b
    Examples:
      horizon forecast
      horizon forecast --as-of 2026-03-01 --threshold work-month-50 --json
    """
    from horizon.errors import unknown_name
    from horizon.store import open_for_writing
    from horizon.trend.api import forecast_document, run_forecast
    from horizon.trend.thresholds import load_thresholds

    path = thresholds_path or config.data_dir / "thresholds.toml"
    thresholds = load_thresholds(path)
    if names:
        unknown = sorted(set(names) - {t.name for t in thresholds})
        if unknown:
            raise unknown_name("threshold", unknown[0], [t.name for t in thresholds], where=str(path))
        thresholds = tuple(t for t in thresholds if t.name in names)
    # "As of" is read here, at the edge, and passed in; computations never read the clock.
    as_of_date = as_of or config.now.date()
    spec = make_spec(50, since, until, all_time, ceiling_hours, no_ceiling, interval, seed, points)
    con = open_for_writing(config, say=notice)
    run = run_forecast(con, config, as_of_date, thresholds, spec, snapshot_id, run_fit_id, from_runs)
    doc = forecast_document(run)
    if as_json:
        emit_json(doc)
        return
    click.echo(f"forecast {doc['fit_id']}{' (reused)' if doc['reused'] else ''} as of {doc['as_of']} (trend fits "
               + ", ".join(f"{t['level']}%: {t['fit_id']}, doubling {_f(t['doubling_days'])} d" for t in doc["trends"]) + ")")
    for t in doc["trends"]:
        if t["doubling_note"]:
            click.echo(f"  {t['level']}%: {t['doubling_note']}")
        for w in t["warnings"]:
            click.echo(f"  {t['level']}%: warning: {w['text']}")
    line, reach = doc["intervals"]["line"], doc["intervals"]["reach"]
    click.echo(f"  {line['label']}: {line['explained']}")
    click.echo(f"  {reach['label']}: {reach['explained']}")
    click.echo(f"  {'threshold':<26} {'form':<17} {'date':>10}  {line['label'] + ' (80% | 95%)':<46}  {reach['label'] + ' (80% | 95%)'}")
    for f in doc["forecasts"]:
        star = "*" if f["beyond_ceiling"] else " "
        click.echo(f" {star}{f['threshold']:<26} {f['form']:<17} {f['date'] or 'never':>10}  "
                   f"{_interval(f['line']['lo80'], f['line']['hi80'])} | {_interval(f['line']['lo95'], f['line']['hi95'])}  "
                   f"{_interval(f['reach']['lo80'], f['reach']['hi80'])} | {_interval(f['reach']['lo95'], f['reach']['hi95'])}")
    for f in doc["forms_without_forecasts"]:
        click.echo(f"  {str(f['level']) + '% thresholds':<26} {f['form']:<17} no forecast: {f['reason']}")
    ceiling = doc["ceiling_minutes"]
    if ceiling:
        click.echo(f"  * threshold above the {ceiling / 60:g} h the suite can measure: an extrapolation beyond the ceiling")
    click.echo("  never: not reached within any date in that share of replicates (or a century of the band);"
               " -: no earliest date")


def _interval(lo, hi) -> str:
    return f"{lo or '-':>10}..{hi or 'never':<10}"


@cli.command("cite")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "csl-json", "json"]), default="text",
              show_default=True, help="text: the sentence to quote; bibtex / csl-json: for a reference manager.")
@json_option
@click.option("--fit", "fit_id", type=int, default=None,
              help="The stored fit to cite: a trend fit (default: the canonical trend at --level: newest published"
                   " version, default options), or with --indicator / --scenario an indicators / scenarios fit.")
@level_option(default=50, show_default=True)
@click.option("--indicator", "indicator", default=None, metavar="SERIES",
              help="Cite an indicator or ladder benchmark instead (see `horizon indicators`, `horizon ladder`).")
@click.option("--scenario", default=None, help="Cite this scenario of the newest scenarios fit (or of --fit ID):"
              " amdahl, explosive, plateau, expanding_pie.")
@click.pass_obj
def cite_cmd(config, fmt, as_json, fit_id, level, indicator, scenario):
    """Print a citation of a stored doubling time, indicator or scenario.

    Cites the canonical trend (newest published version, default options) unless --fit names
    another stored trend fit; exploratory trends never change it. Reads the stored trend (never
    refits): run `horizon update` (or `horizon trend` with default options) first.

    \b
    Examples:
      horizon cite
      horizon cite --format bibtex
      horizon cite --fit 12 --format json
      horizon cite --indicator anthropic_al4_plus
      horizon cite --scenario explosive
    """
    from horizon.citation import render
    from horizon.store import connect

    con = connect(config.db_path, read_only=True)  # reads only: never creates or locks a store
    if indicator is not None:
        from horizon.indicators.cite import citation as indicator_citation

        cited = indicator_citation(con, indicator, fit_id)
    elif scenario:
        from horizon.scenarios.cite import citation as scenario_citation

        cited = scenario_citation(con, scenario, fit_id)
    else:
        from horizon.trend.cite import citation, stored_for_citation

        cited = citation(stored_for_citation(con, fit_id, int(level)))
    out = render(cited, "json" if as_json else fmt)
    if isinstance(out, str):
        click.echo(out)
    else:
        emit_json(out)
