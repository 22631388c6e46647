"""Escaping and formatting helpers the report pages are built from."""

from __future__ import annotations

import json

from horizon.report.data import FitHorizon, TrendFit
from horizon.report.markup import Html, esc, fmt_duration, script_json, slug, tag
from horizon.report.pages.vintages import classify
from horizon.report.tables import Column, table


def _trend_fit(**fields) -> TrendFit:
    """A stored trend form with the given fields; the rest as a plain fitted exponential."""
    base = dict(fit_id=1, form="exponential", level=50, source_kind="published", snapshot_id=1,
                frontier_rule="estimate at least every earlier one", first_release=None, last_release=None,
                n_models=14, doubling_days=None, doubling_months=None, ci_low=None, ci_high=None, aic=None,
                bic=None, bt_mae_log=None, bt_cov80=None, bt_cov95=None, identified=True, params="{}")
    return TrendFit(**(base | fields))


def _fit_horizon(**fields) -> FitHorizon:
    """One agent's stored run-level horizon with the given fields; the rest unset."""
    base = dict(fit_id=1, source_model="agent", model_id="agent", release_date=None, level=50, estimate=None,
                ci_low=None, ci_high=None, beta0=None, beta1=None, reason=None)
    return FitHorizon(**(base | fields))


def test_json_in_a_script_element_cannot_close_it_and_parses_back_to_the_same_data():
    doc = {"model": "</script><script>alert(1)</script>", "note": "a & b <!-- c -->", "sep": "\u2028"}
    text = script_json(doc)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == doc


def test_script_json_is_the_same_bytes_whatever_the_key_order():
    assert script_json({"b": 1, "a": [2, 3]}) == script_json({"a": [2, 3], "b": 1}) == '{"a":[2,3],"b":1}'


def test_escaping_handles_markup_quotes_and_none_but_leaves_built_html_alone():
    assert esc('<b class="x">&\'') == "&lt;b class=&quot;x&quot;&gt;&amp;&#x27;"
    assert esc(None) == ""
    assert esc(Html("<b>ok</b>")) == "<b>ok</b>"
    assert tag("a", "<x>", href='"><script>') == '<a href="&quot;&gt;&lt;script&gt;">&lt;x&gt;</a>'


def test_table_cells_and_ids_are_escaped():
    html = table([{"n": "<i>m</i>"}], [Column("<h>", lambda r: r["n"])], table_id="t", row_id=lambda r: '"x')
    assert "<i>" not in html and "&lt;i&gt;m&lt;/i&gt;" in html and "&lt;h&gt;" in html and 'id="&quot;x"' in html


def test_durations_read_as_seconds_minutes_or_hours():
    assert fmt_duration(0.5) == "30 s"
    assert fmt_duration(12.34) == "12.3 min"
    assert fmt_duration(90) == "1.5 h"
    assert fmt_duration(1e-200) == "< 0.1 s"
    assert fmt_duration(None) == "–"


def test_slugs_are_stable_and_keep_names_that_differ_only_in_punctuation_apart():
    # Pinned: anchors and file names in published sites must not move between versions.
    assert slug("GPT-4o") == "gpt-4o-9b816f"
    assert slug("gpt-4o") != slug("gpt_4o")
    assert slug("<script>").startswith("script-")


def test_vintage_changes_ignore_rounding_but_not_revisions():
    assert classify(None, 5.0) == "first published"
    assert classify(10.0, 10.02) == "unchanged"
    assert classify(10.0, 11.0) == "revised up"
    assert classify(10.0, 9.0) == "revised down"


def test_trend_forms_table_says_when_a_ceiling_is_not_identified():
    from horizon.report.pages.trends import forms_table

    fits = [_trend_fit(form=f, doubling_days=122.6, ci_low=None, ci_high=None, n_models=14, aic=25.7, bic=28.3,
                       bt_mae_log=1.0, bt_cov80=0.4, bt_cov95=0.9, identified=ident)
            for f, ident in (("exponential", True), ("saturating", False))]
    html = forms_table(fits, "50")
    assert "saturating (ceiling not identified)" in html
    assert "exponential (ceiling" not in html


def test_durations_never_use_scientific_notation_and_absurd_ones_are_words():
    from horizon.report.markup import UNBOUNDED_MINUTES

    assert fmt_duration(1.07e-193) == "< 0.1 s"
    assert fmt_duration(2000 * 60) == "2,000 h"  # not "2e+03 h"
    assert fmt_duration(float("inf")).startswith("unbounded")
    assert fmt_duration(UNBOUNDED_MINUTES * 10).startswith("unbounded")
    for exponent in range(-200, 40, 3):
        text = fmt_duration(10.0 ** exponent)
        assert "e+" not in text and "e-" not in text, (exponent, text)


def test_doubling_times_beyond_a_century_or_below_a_tenth_of_a_day_are_words():
    from horizon.report.markup import fmt_days, fmt_days_interval

    assert fmt_days(128.744) == "128.7"
    assert fmt_days(1_129_955_909_901_123_977_216.0) == "unbounded (not growing)"
    assert fmt_days(float("inf")) == "unbounded (not growing)"
    assert fmt_days_interval(0.0, 1.13e21) == "< 0.1 – unbounded (not growing)"
    assert fmt_days(None) == "–"


def test_nearly_flat_fit_draws_its_curve_without_overflow_and_no_p50_rule():
    from horizon.report.pages.models import curve_records

    # One agent with 10 noisy runs: the fit stored no finite horizon (slope ~ 0); the page
    # used to compute 2 ** (-b0 / b1) itself and raise OverflowError.
    rows = [_fit_horizon(source_model="noisy", level=50, estimate=None, beta0=0.3, beta1=-0.00024),
            _fit_horizon(source_model="steep", level=50, estimate=5.5, beta0=2.0, beta1=-1.0)]
    curves, rules = curve_records(rows, {"noisy": "Noisy", "steep": "Steep"})
    assert {c["model"] for c in curves} == {"Noisy", "Steep"}
    assert all(0.0 <= c["p"] <= 1.0 for c in curves)
    # The rule is the stored horizon (5.5 min), not the 4 min the coefficients would give.
    assert [(r["model"], r["minutes"]) for r in rules] == [("Steep", 5.5)]


def test_logistic_is_finite_for_any_finite_argument():
    from horizon.report.pages.models import logistic

    assert logistic(-1e6) == 0.0 and logistic(1e6) == 1.0 and logistic(0.0) == 0.5


def _boxes(spots, lines, domain, height):
    import math

    from horizon.report.charts import LABEL_PX

    per_px = math.log(domain[1] / domain[0]) / height
    return [(side, math.log(h / domain[0]) / per_px, math.log(h / domain[0]) / per_px + LABEL_PX,
             math.log(m / domain[0]) / per_px) for (side, h), m in zip(spots, lines)]


def test_threshold_labels_neither_overlap_nor_are_struck_through_by_a_line():
    import math

    from horizon.report.charts import place_labels

    # The 80% thresholds of data/thresholds.toml (hours) and the 16 h ceiling, on a tall log axis:
    # 167 h and 250.5 h are ~8 px apart, too close for a label between them.
    lines = [h * 60 for h in (8, 40, 167, 2000, 250.5, 20000, 6600)]
    ceiling = 960.0
    domain, height = (0.005, 3e6), 380
    boxes = _boxes(place_labels(lines, domain, height, obstacles=[ceiling]), lines, domain, height)
    per_px = math.log(domain[1] / domain[0]) / height
    every_line = [math.log(m / domain[0]) / per_px for m in [*lines, ceiling]]
    for i, (side, bottom, top, own) in enumerate(boxes):
        assert 0 <= bottom and top <= height
        assert abs(bottom - own) <= 3 or abs(top - own) <= 3, "a label sits at its own line"
        crossing = [y for y in every_line if bottom < y < top and abs(y - own) > 0.5]
        assert crossing == [], (lines[i], crossing)
        for other in boxes[:i]:
            assert side != other[0] or top <= other[1] or bottom >= other[2], (lines[i], other)


def test_threshold_labels_far_apart_all_sit_above_their_line_on_the_left():
    from horizon.report.charts import place_labels

    lines = [60.0, 600.0, 6000.0]
    domain, height = (1.0, 60000.0), 380
    boxes = _boxes(place_labels(lines, domain, height), lines, domain, height)
    assert all(side == "left" and bottom > own for side, bottom, _, own in boxes)


def test_point_labels_never_overlap_each_other_or_a_point():
    from horizon.report.charts import CHAR_PX, LABEL_PX, LABEL_SPOTS, place_point_labels

    # A tight diagonal run of frontier points, as in late 2025.
    points = [(300 + 6 * i, 200 + 5 * i, f"Model number {i}") for i in range(12)]
    spots = place_point_labels(points, 720, 380)
    assert any(s is not None for s in spots) and any(s is None for s in spots)
    boxes = []
    for (x, y, text), spot in zip(points, spots):
        if spot is None:
            continue
        align, baseline, dx, dy = LABEL_SPOTS[spot]
        w = CHAR_PX * len(text)
        x0 = x + dx - w if align == "right" else x + dx
        y0 = y - dy if baseline == "bottom" else y - dy - LABEL_PX
        boxes.append((x0, y0, x0 + w, y0 + LABEL_PX))
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        for x, y, _ in points:
            assert not (a[0] < x + 4 and x - 4 < a[2] and a[1] < y + 4 and y - 4 < a[3])


def test_a_diverging_stored_trend_is_drawn_up_to_the_axis_and_never_overflows():
    from datetime import date

    from horizon.report.pages.trenddata import MAX_LN_MINUTES, trend_records

    # ln-minutes growing by 2 a day: by the end of the grid it is in the thousands (exp overflows past 709).
    fit = _trend_fit(form="exponential", first_release=date(2023, 1, 1), last_release=date(2026, 1, 1),
                     params='{"a": 1.0, "b": 2.0, "x_ref": 19358.0}', ci_low=0.5, ci_high=2.0)
    rows = trend_records(fit)
    assert rows and all(0 < r["fit"] <= 2.72 ** MAX_LN_MINUTES for r in rows)
