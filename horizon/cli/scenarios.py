"""`horizon scenarios`: what the 80% horizon trend implies for AI R&D under the four dynamics."""

from __future__ import annotations

from typing import Any

import click

from horizon.cli import cli, emit_json, json_option


@cli.command("scenarios")
@click.option("--param", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Override one parameter of data/scenarios.toml (repeatable), inside its stated range.")
@click.option("--params", "override_file", type=click.Path(dir_okay=False), default=None,
              help="A TOML file of NAME = VALUE overrides, applied before --param.")
@click.option("--parameter-file", "parameter_file", type=click.Path(dir_okay=False), default=None,
              help="Parameter file with defaults, ranges and citations (default: data/scenarios.toml).")
@click.option("--indicators", "indicators_dir", type=click.Path(file_okay=False), default=None,
              help="Read the inside-the-lab indicators from the published files in this directory"
                   " (default: the store's indicator table, when there is one).")
@click.option("--draws", "n_draws", type=click.IntRange(min=10), default=1000, show_default=True,
              help="Bootstrap draws of the trend to run (the bands and intervals).")
@click.option("--param-draws", is_flag=True, help="Also draw every parameter over its stated range (seeded).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of every draw; same seed, same numbers.")
@click.option("--years", type=click.FloatRange(min=0.5, max=50), default=10.0, show_default=True,
              help="How far past the start date the bands run.")
@click.option("--snapshot", "snapshot_id", type=int, default=None,
              help="Headline snapshot of the 80% trend (default: the one `horizon trend` uses).")
@json_option
@click.pass_obj
def scenarios_cmd(config, assignments, override_file, parameter_file, indicators_dir, n_draws, param_draws, seed,
                  years, snapshot_id, as_json):
    """Run the four scenarios of AI R&D automation on the 80% horizon trend, store them, print them.

    Scenarios, not predictions: each camp's mechanism (Amdahl's law, an explosive multiplier, a
    plateau, an expanding pie) applied to the measured trend, with bands from the trend's
    bootstrap draws. Prints when the research multiplier M crosses 2x, 10x, 100x and 1000x (or
    never, with the bound it approaches), when the horizon reaches each threshold, and how the
    inside-the-lab indicators sit against each scenario's band.

    \b
    Examples:
      horizon scenarios
      horizon scenarios --param software_returns=1.5 --param f_max=0.95
      horizon scenarios --indicators ../shared/data/indicators --json
    """
    from horizon.scenarios import api
    from horizon.scenarios.files import load_parameters
    from horizon.scenarios.run import ScenarioOptions
    from horizon.store import connect

    path = parameter_file or config.data_dir / api.PARAMETER_FILE
    parameters = load_parameters(path, assignments, override_file, origin=api.display_path(path, config))
    options = ScenarioOptions(n_draws=n_draws, param_draws=param_draws, seed=seed, years=years)
    evidence = api.evidence_from_files(indicators_dir) if indicators_dir else None
    con = connect(config.db_path)
    if evidence is None:
        evidence = api.evidence_from_store(con)
    run = api.run_prepared(con, config, api.prepare(con, config, parameters, options, snapshot_id, evidence))
    doc = api.scenarios_document(run)
    if as_json:
        emit_json(doc)
        return
    echo_scenarios(doc)


def _d(v) -> str:
    return v if v else "never"


def _x(v) -> str:
    if v is None:
        return "unbounded"
    return f"{v:.3g}x"


def echo_scenarios(doc: dict) -> None:
    t = doc["trend"]
    h = t["h_start_minutes"]
    click.echo(
        f"scenarios fit {doc['fit_id']} ({doc['label']}): {t['level']}% horizon trend on snapshot {t['snapshot_id']}"
        f" ({t['label']}), doubling {t['doubling_days']:.1f} d (95% CI {t['ci_low']:.1f} to {t['ci_high']:.1f},"
        f" {t['interval_method']})"
    )
    draws = doc["draws"]
    slope = doc["success_slope"]
    click.echo(
        f"  start {doc['start']}: h80 {h['central']:.0f} min (80%: {h['lo80']:.0f}-{h['hi80']:.0f}); success slope"
        f" {slope['central']:.3f} per doubling (median of {len(doc['model_slopes'])} frontier models);"
        f" {draws['n']:,} draws, seed {draws['seed']}" + (", parameters drawn over their ranges" if draws["param_draws"] else "")
    )
    changed = [p for p in doc["parameters"] if p["overridden_from"]]
    click.echo(f"  parameters ({doc['parameter_file']}): " + ", ".join(f"{p['name']} {p['value']:g}" for p in doc["parameters"]))
    for p in changed:
        click.echo(f"    {p['name']} = {p['value']:g} from {p['overridden_from']} (default {p['default']:g})")
    click.echo("")
    click.echo(f"  {'scenario':<14} {'M at start':>10}  {'crosses':<7} {'date':>10}  {'80% interval':<24} note")
    for s in doc["scenarios"]:
        m0 = s["start_multiplier"]["central"]
        first = True
        for c in s["crossings"]:
            if c["kind"] != "multiplier":
                continue
            d = c["date"]
            if c["status"] == "never":
                b = c["bound"]
                note = (f"never: approaches {_x(b['central'])} (80%: {_x(b['lo80'])} to {_x(b['hi80'])})"
                        if b["central"] is not None else "never within the model's range")
                if d["draws_never"] < d["draws"]:
                    note += f"; {d['draws'] - d['draws_never']} of {d['draws']} draws cross"
                click.echo(f"  {s['name'] if first else '':<14} {f'{m0:.2f}x' if first else '':>10}  {c['target']:<7} {'never':>10}  {'':<24} {note}")
            else:
                interval = f"{_d(d['lo80'])} .. {_d(d['hi80'])}"
                note = f"{d['draws_never']} of {d['draws']} draws never" if d["draws_never"] else ""
                click.echo(f"  {s['name'] if first else '':<14} {f'{m0:.2f}x' if first else '':>10}  {c['target']:<7} {_d(d['central']):>10}  {interval:<24} {note}".rstrip())
            first = False
        if s["blowup"]:
            b = s["blowup"]
            click.echo(f"  {'':<14} {'':>10}  {'blow-up':<7} {_d(b['central']):>10}  {_d(b['lo80']) + ' .. ' + _d(b['hi80']):<24}"
                       " h reaches infinity: finite-time blow-up")
    click.echo("")
    names = [s["name"] for s in doc["scenarios"]]
    click.echo(f"  {'h80 reaches (central date)':<28} " + " ".join(f"{n:>13}" for n in names))
    rows: dict[Any, dict[str, Any]] = {}
    for s in doc["scenarios"]:
        for c in s["crossings"]:
            if c["kind"] == "horizon":
                rows.setdefault(c["target"], {})[s["name"]] = c["date"]["central"]
    for target, by in rows.items():
        click.echo(f"  {target:<28} " + " ".join(f"{_d(by.get(n)):>13}" for n in names))
    click.echo("  (80% intervals: --json, `horizon query scenario_crossings`, or the Scenarios page)")
    ev = doc["evidence"]
    click.echo("")
    if ev is None:
        click.echo("  evidence: no indicator readings (the store has no indicator table; --indicators DIR reads"
                   " the published files)")
        return
    click.echo(f"  evidence ({ev['source']}): readings inside each scenario's 95% band / consistent within their noise")
    click.echo(f"  {'series':<35} {'n':>3} " + " ".join(f"{n:>13}" for n in names) + "  bands apart by more than the noise from")
    series = list(dict.fromkeys(r["series"] for r in ev["readings"]))
    for name in series:
        rows_ = [r for r in ev["readings"] if r["series"] == name]
        n = len({r["date"] for r in rows_})
        cells = []
        for sc in names:
            mine = [r for r in rows_ if r["scenario"] == sc]
            inside = sum(r["status"].startswith("inside") for r in mine)
            ok = sum(r["consistent"] for r in mine)
            cells.append(f"{inside:>6} / {ok:<4}")
        seps = [s for s in ev["separations"] if s["series"] == name and s["first_date"]]
        earliest = min(seps, key=lambda s: s["first_date"]) if seps else None
        when = (f"{earliest['first_date']} ({earliest['scenario_a']} vs {earliest['scenario_b']})" if earliest
                else "not within the window")
        click.echo(f"  {name:<35} {n:>3} " + " ".join(f"{c:>13}" for c in cells) + f"  {when}")
