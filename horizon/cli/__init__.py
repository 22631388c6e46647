"""The `horizon` command: a thin click layer over the library.

Each subcommand lives in its own module here, parses options, calls one library function and
prints the result (a table, or exactly one JSON document with ``--json``). Domain errors become
one line on stderr and exit code 1.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from horizon import __version__
from horizon.errors import HorizonError


class HorizonGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HorizonError as exc:
            click.echo(f"horizon: {one_line(str(exc))}", err=True)
            ctx.exit(1)


def one_line(text: str) -> str:
    return " ".join(text.split())


@click.group(cls=HorizonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="horizon")
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="DuckDB file (default: $HORIZON_DB or ./horizon.duckdb).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Track AI agents' time horizons: ingest, fit, report, query, cite.

    \b
    Example:
      horizon update            # ingest the configured sources, fit, report
      horizon query latest_horizons
    """
    from horizon.config import load_config

    ctx.obj = load_config(db=db)


def emit_json(doc: Any) -> None:
    """Print exactly one JSON document on stdout (sorted keys, so output is stable)."""
    click.echo(json.dumps(doc, indent=2, sort_keys=True, default=str, allow_nan=False))


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")(f)


def notice(line: str) -> None:
    """A one-line notice on stderr (stdout stays the command's output, e.g. one JSON document)."""
    click.echo(line, err=True)


def register_commands() -> None:
    """Import every module in this package; each adds its subcommands to ``cli``.

    Command modules import heavy libraries (polars, statsmodels, altair) inside the command
    body, so ``horizon --help`` stays fast.
    """
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}")


def main() -> None:
    register_commands()
    cli(prog_name="horizon")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
