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

    from horizon.changes import update_changes_dict
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
            "changes": None if result.changes is None else update_changes_dict(result.changes),
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
    if result.changes is not None:
        for line in change_lines(result.changes):
            click.echo(line)


SHOWN_REVISIONS = 5  # per publication in the text; --json lists every one


def _days(f) -> str:
    if f is None or f.days is None:
        return "none"
    interval = f" (95% CI {f.ci_low:,.1f} to {f.ci_high:,.1f})" if f.ci_low is not None and f.ci_high is not None else ""
    who = f"trend fit {f.fit_id}" if f.source == "trend" else "METR's published figure"
    return f"{f.days:,.1f} days{interval} [{who}]"


def _pct(p) -> str:
    return "" if p is None else f" ({p:+.1f}%)"


def change_lines(changes) -> list[str]:
    """The "what changed" block of `horizon update` (``horizon.changes.UpdateChanges``)."""
    if not changes.changed:
        extra = f" ({len(changes.new_copies)} new copies of stored publications)" if changes.new_copies else ""
        return [f"No change since the previous update{extra}."]
    lines = ["Changes since the previous update:"]
    first = changes.headline_before is None
    if first:
        lines.append(f"  first update of this store: {len(changes.new_publications)} publications stored"
                     f" ({'; '.join(c.publication.version for c in changes.new_publications)})")
    for c in () if first else changes.new_publications:
        pub = c.publication
        against = f", against {c.previous.version}" if c.previous else " (first of its suite here)"
        lines.append(f"  new publication {pub.version}: {pub.n_models} models{against}")
        if c.previous is None:
            continue
        if c.models_added:
            lines.append(f"    models added: {', '.join(c.models_added)}")
        if c.models_dropped:
            lines.append(f"    models dropped: {', '.join(c.models_dropped)}")
        if c.revisions:
            per_level = ", ".join(f"{sum(r.level == lv for r in c.revisions)} at {lv}%"
                                  for lv in sorted({r.level for r in c.revisions}))
            lines.append(f"    estimates revised: {per_level}; largest:")
            for r in c.revisions[:SHOWN_REVISIONS]:
                lines.append(f"      {r.model} p{r.level}: {r.old_minutes:,.1f} -> {r.new_minutes:,.1f} min"
                             f" ({r.pct_change:+.1f}%)")
        if c.doubling_then is not None and c.doubling_now is not None and c.doubling_then.source == c.doubling_now.source:
            lines.append(f"    doubling time: {c.doubling_then.days:,.1f} -> {_days(c.doubling_now)}"
                         f"{_pct(c.doubling_pct_change)}")
    if changes.headline_moved and changes.headline_before is not None:
        after = changes.headline_after.version if changes.headline_after else "none"
        lines.append(f"  headline: {changes.headline_before.version} -> {after}")
    if changes.doubling_moved:
        lines.append(f"  doubling time (canonical 50% trend): {_days(changes.doubling_before)} -> "
                     f"{_days(changes.doubling_after)}{_pct(changes.doubling_pct_change)}")
    if changes.new_copies:
        lines.append(f"  {len(changes.new_copies)} new copies of publications (same figures, another source)")
    return lines
