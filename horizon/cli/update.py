"""`horizon update`: the main job."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option, notice


@cli.command("update")
@click.option("--offline", is_flag=True, help="Do not try the network; use the embedded data in data/.")
@json_option
@click.pass_obj
def update_cmd(config, offline, as_json):
    """Ingest the sources in data/sources.toml, then fit and report.

    Fetches the published sources when the network is reachable; otherwise says so in one
    line and uses the embedded data in data/. Safe to run repeatedly: unchanged files are
    recognised by their sha256 and nothing is written twice.

    \b
    Example:
      horizon update
      horizon --db /tmp/h.duckdb update --offline --json
    """
    import dataclasses

    from horizon.store import open_for_writing
    from horizon.update import gather, run_update

    if offline:
        config = dataclasses.replace(config, offline=True)
    gathered = gather(config)  # every download before the store is opened: no lock held while waiting
    con = open_for_writing(config, say=notice)
    try:
        result = run_update(con, config, gathered=gathered)
    finally:
        con.close()
    if as_json:
        emit_json({
            "db": str(config.db_path),
            "network": result.network,
            "snapshots": [r.as_dict() for r in result.ingested],
            "summary": result.summary,
            "stages": result.stages,
        })
        return
    click.echo(f"network: {result.network}")
    new = [r for r in result.ingested if r.new]
    click.echo(f"ingested {len(result.ingested)} sources: {len(new)} new snapshots, "
               f"{len(result.ingested) - len(new)} unchanged")
    for r in new:
        click.echo(f"  snapshot {r.snapshot_id}: {r.origin} ({r.kind}, {r.rows:,} rows, sha256 {r.sha256[:12]})")
    tables = result.summary["tables"]
    click.echo("store " + str(config.db_path) + ": " + ", ".join(f"{v:,} {k}" for k, v in tables.items()))
    head = result.summary["latest_headline"]
    if head:
        click.echo(
            f"latest headline: {head['version']} (snapshot {head['snapshot_id']}): longest p50 is "
            f"{head['top_model']} at {head['top_model_p50_minutes']:.1f} min"
        )
        if head["publisher_doubling_days"]:
            lo, hi = head["publisher_doubling_ci"]
            click.echo(f"publisher's doubling time (from 2023): {head['publisher_doubling_days']:.1f} days"
                       + (f" (95% CI {lo:.1f}-{hi:.1f})" if lo and hi else ""))
            if head.get("publisher_gap"):
                click.echo(f"  GAP: {head['publisher_gap']}")
    fit = result.stages["fit"]
    if fit["status"] == "fitted":
        click.echo(f"fit {fit['fit_id']}: horizons of {fit['agents']} agents from runs snapshot "
                   f"{fit['snapshot_id']} ({fit['n_bootstrap']:,} bootstrap replicates); see `horizon fit`")
    else:
        click.echo(f"fit: {fit['status']}" + (f" ({fit['reason']})" if "reason" in fit else f" (fit {fit['fit_id']})"))
    trend = result.stages["trend"]
    if "citation" in trend:
        click.echo(f"trend: {trend['status']} (trend fit {trend['trend_fit_id']});"
                   " see `horizon trend`, `horizon forecast` and `horizon cite`")
        click.echo(trend["citation"])
        for warning in trend.get("warnings", []):
            click.echo(f"  warning: {warning}")
    else:
        click.echo(f"trend: {trend['status']} ({trend['reason']})")
    for line in result.stages["indicators"]["lines"]:  # the ladder and the inside-the-labs board
        click.echo(line)
    scen = result.stages["scenarios"]
    click.echo(f"scenarios: {scen['status']} (" + (f"scenarios fit {scen['fit_id']}); see `horizon scenarios`" if "fit_id" in scen else f"{scen['reason']})"))
    report = result.stages["report"]
    if report["status"] == "written":
        click.echo(f"report: {report['pages']} pages in {report['out_dir']}/ (open index.html)")
    else:
        click.echo(f"report: {report['status']} ({report['reason']})")
