"""Trends: the trend forms side by side, the break test, and the backtest of each form."""

from __future__ import annotations

import math

from horizon.report import data, uncertainty
from horizon.report.context import Context
from horizon.report.markup import Html, fmt_days, fmt_number
from horizon.report.pages import trenddata as td
from horizon.report.pages.layout import Body, Chart, Page
from horizon.report.tables import Column, table
from horizon.trend.forms import FORM_NAMES as FORM_ORDER  # the one list of forms, in table order


def _order(fits: list[data.TrendFit]) -> list[data.TrendFit]:
    return sorted(fits, key=lambda f: (FORM_ORDER.index(f.form) if f.form in FORM_ORDER else 99, f.form))


def _days(value: float | None) -> str:
    return fmt_days(value)


def forms_table(fits: list[data.TrendFit], level: str) -> Html:
    best_aic = min((f.aic for f in fits if f.aic is not None), default=None)
    return table(
        fits,
        [
            # A form whose parameters the data cannot pin down (a saturating ceiling on its
            # bound) keeps its row for the comparison, but must not read like a real fit.
            Column("Form", lambda f: f.form + (" (ceiling not identified)" if f.identified is False else "")),
            Column("Doubling time (days)", lambda f: _days(f.doubling_days), numeric=True,
                   note="exponential: constant; other forms: at the last release used"),
            Column("95% interval", lambda f: "–" if f.ci_low is None else f"{_days(f.ci_low)} – {_days(f.ci_high)}", numeric=True),
            Column("Models", lambda f: f.n_models, numeric=True),
            Column("AIC", lambda f: fmt_number(f.aic, 2), numeric=True),
            Column("ΔAIC", lambda f: "–" if f.aic is None or best_aic is None else fmt_number(f.aic - best_aic, 2), numeric=True),
            Column("BIC", lambda f: fmt_number(f.bic, 2), numeric=True),
            Column("Backtest MAE (ln)", lambda f: fmt_number(f.bt_mae_log, 3), numeric=True,
                   note="mean |ln observed − ln predicted| for models released after each cut-off"),
            Column("80% coverage", lambda f: "–" if f.bt_cov80 is None else f"{f.bt_cov80:.0%}", numeric=True),
            Column("95% coverage", lambda f: "–" if f.bt_cov95 is None else f"{f.bt_cov95:.0%}", numeric=True),
        ],
        table_id=f"trend-forms-p{level}",
        caption="Information criteria use the same points for every form; lower is better.",
    )


def build(ctx: Context) -> Page:
    body = Body()
    body.add(Html('<p class="lede">Is growth exponential? The same frontier points fitted by four curve shapes, a test '
                  "for a break in the trend, and how well each shape predicted models released after each cut-off.</p>"))
    trends = data.latest_trend_fits(ctx.con)
    if not trends:
        body.empty("No trend fits yet.", "horizon trend")
        return body.page("trends.html", "Trends", updated=ctx.last_updated)
    used: set[int] = set()
    for level, kind in sorted(trends, key=lambda k: (k[0], k[1] != "published")):
        fits = _order(trends[(level, kind)])
        fit_id = fits[0].fit_id
        suffix = "" if kind == "published" else f"-{kind}"
        body.text("h2", f"{level}% horizon, fitted to " + ("the published figures" if kind == "published" else "horizon’s run-level fit"))
        first = fits[0]
        body.text("p", f"Fit run #{fit_id}: {first.n_models} frontier models released {td.iso(first.first_release)} "
                       f"to {td.iso(first.last_release)}; rule: {first.frontier_rule}.", class_="muted")
        if first.snapshot_id is not None:
            used.add(first.snapshot_id)
        points = td.point_records(data.trend_points(ctx.con, fit_id), ctx.ceiling_minutes)
        shown = [p for p in points if p["frontier"]]
        curves, point_rows = [], []
        for f in fits:
            for r in td.trend_records(f):
                curves.append(dict(form=f.form, date=r["date"], fit=r["fit"]))
            point_rows += [dict(p, form=f.form) for p in shown]
        body.chart(
            Chart(
                f"trends-forms-p{level}{suffix}",
                f"Trend forms, {level}% horizon",
                ctx.charts.forms_chart(point_rows, curves, forms=[f.form for f in fits], ceiling_minutes=ctx.ceiling_minutes,
                                   title=f"Frontier {level}% horizons and four trend forms"),
                "Blue points were used; grey ones are frontier models left out (before the window or above the ceiling).",
            )
        )
        body.add(forms_table(fits, f"{level}{suffix}"))
        body.section(uncertainty.break_test(ctx.con, fit_id))
        body.section(uncertainty.publisher_check(ctx.con, fit_id))
        body.text("h3", "Backtest")
        bt = data.trend_backtests(ctx.con, fit_id)
        records = [
            dict(form=b.form, model=b.name, cutoff=td.iso(b.cutoff_date), observed=math.exp(b.observed_log),
                 predicted=math.exp(b.predicted_log))
            for b in bt
            if b.predicted_log is not None and math.isfinite(b.predicted_log) and abs(b.predicted_log) < 50
        ]
        if records:
            body.chart(
                Chart(
                    f"trends-backtest-p{level}{suffix}",
                    f"Backtest, {level}% horizon",
                    ctx.charts.backtest_chart(records, forms=[f.form for f in fits],
                                          title="Observed horizon against the prediction from earlier models"),
                    "Each point is a model released after a cut-off, predicted by the form fitted to models released "
                    "before it; on the dashed diagonal the prediction was exact.",
                )
            )
        else:
            body.empty("No backtest predictions for this fit.")
    return body.page("trends.html", "Trends", tuple(sorted(used)), updated=ctx.last_updated)
