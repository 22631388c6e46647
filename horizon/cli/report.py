"""`horizon report`: write the static report site."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option, notice


@cli.command("report")
@click.option("--out", "out_dir", type=click.Path(), default=None,
              help="Directory for the site (default: reports/site under the configured reports directory).")
@click.option("--no-export", is_flag=True, help="Skip the SVG/PNG export of each chart (faster previews).")
@json_option
@click.pass_obj
def report_cmd(config, out_dir, no_export, as_json):
    """Write the report site: static HTML pages, one shared Vega bundle, each chart as SVG and PNG.

    The pages open from file:// with no network. The same database gives byte-identical files.
    The site is built beside --out and swapped in whole: an interrupted or failed build leaves
    the previous site as it was. A second build into the same directory waits for the first.

    \b
    Example:
      horizon report --out reports/site
      xdg-open reports/site/index.html
    """
    from horizon.errors import NotFoundError
    from horizon.report.site import build_site
    from horizon.store import connect, database_string

    if not database_string(str(config.db_path)) and not config.db_path.exists():
        raise NotFoundError(f"{config.db_path}: no database yet: run `horizon ingest` (or `horizon update`) first")
    con = connect(config.db_path, read_only=True)
    try:
        result = build_site(con, config, out_dir, export=not no_export, bundle_in_child=True,
                            on_wait=lambda line: notice(f"horizon: {line}"))
    finally:
        con.close()
    if as_json:
        emit_json(result.as_dict())
        return
    click.echo(f"wrote {len(result.pages)} pages and {len(result.charts)} charts to {result.out_dir}")
    click.echo(f"open {result.out_dir / 'index.html'}")
