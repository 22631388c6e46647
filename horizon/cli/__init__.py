"""The `horizon` command: a thin click layer over the library.

Each subcommand lives in its own module here, parses options, calls one library function and
prints the result (a table, or exactly one JSON document with ``--json``). Domain errors become
one line on stderr and exit code 1.
"""

from __future__ import annotations

import errno
import json
import os
import signal
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


class Terminated(BaseException):
    """SIGTERM (what cron killers and service managers send), raised where the program is so
    that open transactions roll back and child processes are cleaned up as for Ctrl-C."""


# Every write is one transaction (store.transaction), so an interrupted command leaves each step
# whole or not at all.
INTERRUPTED = "interrupted; any step under way was rolled back, nothing half-written is kept"
TERMINATED = "terminated (SIGTERM); any step under way was rolled back, nothing half-written is kept"


class HorizonSubGroup(click.Group):
    """A group of subcommands (`horizon snapshots list`): each takes the global options too."""

    command_class = HorizonCommand


class HorizonGroup(click.Group):
    """Turns every failure a user can meet into one line on stderr and a non-zero exit: domain
    errors (1), Ctrl-C (130), SIGTERM (143), I/O errors such as a full disk or a closed pipe (1),
    and database errors (1). Anything else is a bug and keeps its traceback."""

    command_class = HorizonCommand
    group_class = HorizonSubGroup

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HorizonError as exc:
            fail(ctx, one_line(str(exc)))
        except KeyboardInterrupt:
            fail(ctx, INTERRUPTED, 130)
        except Terminated:
            fail(ctx, TERMINATED, 143)
        except MemoryError:
            fail(ctx, "out of memory; nothing half-written is kept")
        except OSError as exc:
            if not exc.filename and exc.errno in _WRITE_ERRNOS:
                _silence_stdout()
            fail(ctx, os_error_text(exc))
        except Exception as exc:
            duckdb = sys.modules.get("duckdb")
            # Ctrl-C while DuckDB was working: its own exception, or (while it fetches rows) a
            # plain RuntimeError that says so.
            if duckdb is not None and (isinstance(exc, duckdb.InterruptException)
                                       or (type(exc) is RuntimeError and str(exc) == "Query interrupted")):
                # DuckDB stops a query for any signal whose handler raised; say which one it was.
                fail(ctx, *((TERMINATED, 143) if _SIGNALLED["SIGTERM"] else (INTERRUPTED, 130)))
            if duckdb is None or not isinstance(exc, duckdb.Error):
                raise
            db = getattr(ctx.obj, "db_path", None)
            fail(ctx, f"{db}: database error ({one_line(str(exc))[:300]})" if db else f"database error ({one_line(str(exc))[:300]})")


def fail(ctx: click.Context, message: str, code: int = 1) -> None:
    """One line on stderr, then exit with ``code``."""
    try:
        click.echo(f"horizon: {message}", err=True)
    except OSError:
        pass
    ctx.exit(code)


# errnos of a write that could not be completed (full disk, closed pipe, quota, I/O error).
_WRITE_ERRNOS = {errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT, errno.EFBIG}


def os_error_text(exc: OSError) -> str:
    reason = exc.strerror or one_line(str(exc)) or type(exc).__name__
    if exc.filename:
        return f"{exc.filename}: {reason}"
    if exc.errno in _WRITE_ERRNOS:
        return f"cannot write the output: {reason}"
    return reason


def one_line(text: str) -> str:
    """One line, safe on a terminal: whitespace runs become one space, and any other character
    that is not printable (an escape sequence a file or a server put in a message) is shown
    escaped, never sent to the terminal."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD; an impossible one (2024-02-30) says why."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        import datetime as dt

        if isinstance(value, dt.date):
            return value if not isinstance(value, dt.datetime) else value.date()
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            reason = "" if "Invalid isoformat" in str(exc) else f" ({exc})"
            self.fail(f"expected a date like 2024-02-28, got {value!r}{reason}", param, ctx)


def level_option(**kwargs):
    """--level: the success level in percent, one meaning for every command (fit computes any;
    published headline figures exist at 50 and 80)."""
    kwargs.setdefault("help", "Success level in percent (published figures: 50 and 80).")
    return click.option("--level", type=click.IntRange(1, 99), metavar="PERCENT", **kwargs)


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


_SIGNALLED = {"SIGTERM": False}


def _raise_terminated(signum, frame):
    _SIGNALLED["SIGTERM"] = True
    raise Terminated()


def _silence_stdout() -> None:
    """After a failed write, send what is left of standard output nowhere, so that the flush at
    interpreter exit does not fail a second time (and print a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _flush_stdout() -> str | None:
    """Flush standard output now, while an error can still be reported; None when it worked."""
    try:
        sys.stdout.flush()
        return None
    except OSError as exc:
        _silence_stdout()
        return os_error_text(exc)


def main() -> None:
    register_commands()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        cli.main(prog_name="horizon", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    # Output to a full disk or a closed pipe is an error even when the last write was buffered.
    problem = _flush_stdout()
    if problem:
        try:
            print(f"horizon: {problem}", file=sys.stderr, flush=True)
        except OSError:
            pass
        code = code or 1
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
