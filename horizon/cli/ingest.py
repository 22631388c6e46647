"""`horizon ingest` and `horizon models`."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option, notice


def _format_choices() -> list[str]:
    from horizon import formats

    return formats.kinds()


@cli.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--input-format", "fmt", default=None, metavar="NAME",
              help="Read the sources as this format instead of detecting it (see `horizon formats`).")
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
    from horizon.models import load_registry, registry_path
    from horizon.store import connect

    registry = load_registry(registry_path(config.data_dir))  # a bad models.toml writes nothing
    loaded = read_sources(config, list(sources))  # downloads first: no lock held while waiting
    con = connect(config.db_path)
    try:
        # The re-mapping of stored rows, if models.toml changed, is part of the ingest transaction.
        results = ingest_bytes(con, config, loaded, fmt=fmt, registry=registry, say=notice)
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
    """List the formats `horizon ingest` reads (names for --input-format).

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
@click.option("--remap", is_flag=True,
              help="Re-map stored rows to data/models.toml now (any command that writes does it too).")
@json_option
@click.pass_obj
def models_cmd(config, unmapped, remap, as_json):
    """List canonical models and the spellings sources used for them.

    Names no entry maps are kept under their own id (prefixed `unmapped:`); add them to
    data/models.toml to merge them with a canonical model. The next command that writes
    (`--remap`, ingest, update, fit, trend) re-maps the rows already stored and says so in
    one line; without --remap this command only reads, and notes when the store is behind.

    \b
    Examples:
      horizon models
      horizon models --unmapped --json
      horizon models --remap --unmapped
    """
    from horizon.models import behind_notice, load_registry, registry_path, store_is_behind
    from horizon.query import list_models
    from horizon.store import connect, open_for_writing

    if remap:
        con = open_for_writing(config, say=notice)
    else:
        con = connect(config.db_path, read_only=True)
        if store_is_behind(con, load_registry(registry_path(config.data_dir))):
            notice(behind_notice())
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
