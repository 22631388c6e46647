"""`horizon indicators` and `horizon ladder`: the AI R&D automation indicators."""

from __future__ import annotations

import click

from horizon.cli import cli, emit_json, json_option


def _evaluation(config):
    from horizon.indicators.store import run_indicators
    from horizon.store import connect

    return run_indicators(connect(config.db_path), config)


@cli.command("indicators")
@click.option("--series", "names", multiple=True, help="Show this series in full (repeatable); see the board for names.")
@json_option
@click.pass_obj
def indicators_cmd(config, names, as_json):
    """The inside-the-labs indicator board, or one series in full with its caveats.

    Evaluates the stored indicator series (trend, interval, projected date of a stated level,
    flagged when it is an extrapolation) and stores the evaluation, which `horizon cite
    --indicator` then quotes.

    \b
    Examples:
      horizon indicators
      horizon indicators --series anthropic_al4_plus
      horizon indicators --series metr_rct_2025 --json
    """
    from horizon.errors import NotFoundError
    from horizon.indicators.present import board_lines, indicators_document, series_lines

    ev = _evaluation(config)
    known = [s.spec.name for s in ev.series]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NotFoundError(f"no indicator series named {unknown[0]!r} in the store; expected one of: {', '.join(known) or 'none'}"
                            " (run `horizon update` to load the embedded indicators)")
    if as_json:
        emit_json(indicators_document(ev, list(names) or None))
        return
    if not names:
        for line in board_lines(ev):
            click.echo(line)
        return
    for name in names:
        for line in series_lines(ev.series_named(name)):
            click.echo(line)


@cli.command("ladder")
@json_option
@click.pass_obj
def ladder_cmd(config, as_json):
    """The ladder of AI R&D benchmarks: per rung the frontier, its trend and a status in words.

    Rungs (data/ladder.toml): 1 software engineering, 2 running experiments, 3 ideation,
    4 strategy. A rung without a benchmark is shown as empty, never dropped.

    \b
    Examples:
      horizon ladder
      horizon ladder --json
    """
    from horizon.indicators.present import ladder_document, ladder_lines

    ev = _evaluation(config)
    if as_json:
        emit_json(ladder_document(ev))
        return
    for line in ladder_lines(ev):
        click.echo(line)
