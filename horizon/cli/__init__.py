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

# Options that say where things are. Accepted before or after the subcommand
# (`horizon --db x.duckdb query ...` and `horizon query ... --db x.duckdb` are the same).
GLOBAL_OPTIONS = (
    click.Option(["--db", "db"], default=None, metavar="PATH",
                 help="DuckDB store (default: $HORIZON_DB or ./horizon.duckdb)."),
    click.Option(["--data-dir", "data_dir"], type=click.Path(file_okay=False), default=None,
                 help="Data directory: sources, models, thresholds, embedded data"
                      " (default: $HORIZON_DATA or the data horizon ships)."),
    click.Option(["--queries-dir", "queries_dir"], type=click.Path(file_okay=False), default=None,
                 help="Named SQL queries (default: $HORIZON_QUERIES or the queries horizon ships)."),
)
GLOBAL_NAMES = tuple(o.name for o in GLOBAL_OPTIONS)


class HorizonCommand(click.Command):
    """A subcommand that also takes the global options; given there, they win."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.extend(GLOBAL_OPTIONS)

    def invoke(self, ctx):
        given = {k: ctx.params.pop(k) for k in GLOBAL_NAMES if k in ctx.params}
        given = {k: v for k, v in given.items() if v is not None}
        if given:
            ctx.obj = build_config(ctx.find_root().meta.get("horizon.globals", {}) | given)
        return super().invoke(ctx)


class HorizonGroup(click.Group):
    command_class = HorizonCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HorizonError as exc:
            click.echo(f"horizon: {one_line(str(exc))}", err=True)
            ctx.exit(1)


def one_line(text: str) -> str:
    return " ".join(text.split())


def build_config(globals_: dict):
    from pathlib import Path

    from horizon.config import load_config

    overrides = {k: Path(globals_[k]) for k in ("data_dir", "queries_dir") if globals_.get(k)}
    return load_config(db=globals_.get("db"), **overrides)


@click.group(cls=HorizonGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="horizon")
@click.pass_context
def cli(ctx: click.Context, **globals_) -> None:
    """Track AI agents' time horizons: ingest, fit, report, query, cite.

    The options below are also accepted after the subcommand. Other settings come from the
    environment: HORIZON_REPORTS (report directory), HORIZON_CACHE (rebuildable artefacts),
    HORIZON_OFFLINE=1 (no network), SOURCE_DATE_EPOCH (a fixed clock for reproducible output).

    \b
    Example:
      horizon update            # ingest the configured sources, fit, report
      horizon query latest_horizons
      horizon query latest_horizons --db team.duckdb
    """
    ctx.meta["horizon.globals"] = globals_
    ctx.obj = build_config(globals_)


cli.params.extend(GLOBAL_OPTIONS)


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
