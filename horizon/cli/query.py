"""`horizon query`: named SQL from queries/, or raw SQL."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json


@cli.command("query")
@click.argument("name_or_sql", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the named queries in queries/ and what each answers.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "parquet"]),
    default="table",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout (needed for parquet).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Set a $NAME parameter of a named query.")
@click.pass_obj
def query_cmd(config, name_or_sql, list_only, fmt, as_json, out, params):
    """Run queries/NAME.sql, or a SQL statement, against the store.

    \b
    Examples:
      horizon query latest_horizons
      horizon query model_history --param model=claude-opus-4-6
      horizon query "SELECT model_id, estimate FROM published_horizons WHERE level = 50" --format csv
      horizon query --list
    """
    from horizon.query import named_queries, run_query, write_result

    if list_only or not name_or_sql:
        queries = named_queries(config.queries_dir)
        if as_json:
            emit_json({"queries": [{"name": k, "description": v} for k, v in queries.items()]})
        else:
            width = max(map(len, queries), default=0)
            click.echo("\n".join(f"{k.ljust(width)}  {v}" for k, v in queries.items()))
        return
    if as_json:
        fmt = "json"
    named = dict(p.split("=", 1) for p in params if "=" in p)
    result = run_query(config, name_or_sql, named)
    write_result(result, fmt, out)
