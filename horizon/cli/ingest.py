"""`horizon ingest` and `horizon models`."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option


def _format_choices() -> list[str]:
    from horizon import formats

    return formats.kinds()


@cli.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "fmt", default=None, help="Force a format instead of detecting it (see `horizon formats`).")
@json_option
@click.pass_obj
def ingest_cmd(config, sources, fmt, as_json):
    """Ingest files or http(s) URLs as dated, hashed snapshots.

    All sources are written in one transaction: if one is bad, none is written.
    Identical bytes are one snapshot, so ingesting again changes nothing.

    \b
    Examples:
      horizon ingest ../shared/data/metr/vintages/benchmark_results_1_1.2026-02-22.yaml
      horizon ingest https://metr.org/assets/benchmark_results_1_1.yaml --json
    """
    from horizon.ingest import ingest_bytes, read_sources
    from horizon.store import connect

    loaded = read_sources(config, list(sources))  # downloads first: no lock held while waiting
    con = connect(config.db_path)
    try:
        results = ingest_bytes(con, config, loaded, fmt=fmt)
    finally:
        con.close()
    if as_json:
        emit_json({"db": str(config.db_path), "snapshots": [r.as_dict() for r in results]})
        return
    for r in results:
        if r.new:
            click.echo(f"snapshot {r.snapshot_id}: {r.origin} ({r.kind}, {r.rows:,} rows, sha256 {r.sha256[:12]})")
        else:
            retracted = ", retracted: it does not count" if r.retracted else ""
            click.echo(f"unchanged: {r.origin} is already snapshot {r.snapshot_id} (sha256 {r.sha256[:12]}{retracted});"
                       " nothing written")


@cli.command("formats")
@json_option
def formats_cmd(as_json):
    """List the formats `horizon ingest` reads (names for --format).

    \b
    Example:
      horizon formats
    """
    kinds = _format_choices()
    if as_json:
        emit_json({"formats": kinds})
    else:
        click.echo("\n".join(kinds))


@cli.command("models")
@click.option("--unmapped", is_flag=True, help="Only names that no entry in data/models.toml maps.")
@json_option
@click.pass_obj
def models_cmd(config, unmapped, as_json):
    """List canonical models and the spellings sources used for them.

    Names no entry maps are kept under their own id (prefixed `unmapped:`); add them to
    data/models.toml to merge them with a canonical model.

    \b
    Examples:
      horizon models
      horizon models --unmapped --json
    """
    from horizon.query import list_models
    from horizon.store import connect

    con = connect(config.db_path, read_only=True)
    try:
        rows = list_models(con, unmapped_only=unmapped)
    finally:
        con.close()
    if as_json:
        emit_json({"models": rows})
        return
    for r in rows:
        released = r["release_date"] or "no release date"
        spellings = ", ".join(r["spellings"])
        click.echo(f"{r['model_id']}\t{r['display_name']}\t{released}\t{spellings}")
