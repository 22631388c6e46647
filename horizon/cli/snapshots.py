"""`horizon snapshots list` and `horizon snapshots retract`: the audit trail of ingested files."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option


@cli.group("snapshots")
def snapshots_group():
    """List every ingested file, or retract one that should not count.

    \b
    Examples:
      horizon snapshots list
      horizon snapshots retract 7 --why "download cut off at 3,000 of 7,063 runs"
    """


def _status(s) -> str:
    if s.retracted_at is None:
        return ""
    return f"retracted {s.retracted_at:%Y-%m-%d}: {s.retraction_reason}"


@snapshots_group.command("list")
@json_option
@click.pass_obj
def list_cmd(config, as_json):
    """Every snapshot ever ingested, oldest first, with its origin, version and any retraction.

    Reads the store read-only; retracted snapshots stay listed (the audit trail).

    \b
    Examples:
      horizon snapshots list
      horizon snapshots list --json
    """
    from horizon.ingest import list_snapshots
    from horizon.store import connect

    con = connect(config.db_path, read_only=True)
    try:
        found = list_snapshots(con)
    finally:
        con.close()
    if as_json:
        emit_json({"db": str(config.db_path), "snapshots": [s.as_dict() for s in found]})
        return
    header = ["id", "retrieved", "format", "version", "rows", "sha256", "origin", "status"]
    body = [
        [str(s.snapshot_id), f"{s.retrieved_at:%Y-%m-%d}", s.source_kind,
         s.published_version or s.publisher_label or "", f"{s.rows:,}", s.sha256[:12], s.origin, _status(s)]
        for s in found
    ]
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    for row in [header] + body:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    retracted = sum(1 for s in found if s.retracted_at is not None)
    click.echo(f"({len(found)} snapshot{'s' if len(found) != 1 else ''}, {retracted} retracted)")


@snapshots_group.command("retract")
@click.argument("snapshot_id", type=int)
@click.option("--why", required=True, help="The reason, in words (shown wherever the snapshot is listed).")
@json_option
@click.pass_obj
def retract_cmd(config, snapshot_id, why, as_json):
    """Retract a snapshot: it stops counting everywhere and stays in the audit trail.

    A retracted snapshot is left out of the newest-version choice, the named queries, the
    default fit, trend and citation, and the report's figures; `snapshots list` and the
    report's sources page still show it, with the date and the reason. Nothing is deleted.
    Run `horizon update` afterwards to refit and rewrite the report without it.

    \b
    Examples:
      horizon snapshots retract 7 --why "download cut off at 3,000 of 7,063 runs"
      horizon snapshots retract 12 --why "model names with terminal escape codes" --json
    """
    from horizon.ingest import retract
    from horizon.store import connect

    con = connect(config.db_path)
    try:
        done = retract(con, config, snapshot_id, why)
    finally:
        con.close()
    if as_json:
        emit_json({"db": str(config.db_path), **done.as_dict()})
        return
    s = done.snapshot
    click.echo(f"snapshot {s.snapshot_id} retracted: {s.retraction_reason}")
    click.echo(f"  {s.origin} ({s.source_kind}, {s.rows:,} rows, sha256 {s.sha256[:12]}) no longer counts;"
               " it stays in `horizon snapshots list`")
    if done.fits:
        click.echo(f"  stored fits that read it, kept but no longer used by default: {', '.join(map(str, done.fits))}")
    click.echo("  run `horizon update` to refit and rewrite the report without it")
