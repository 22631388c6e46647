"""Escaping and formatting helpers the report pages are built from."""

from __future__ import annotations

import json

from horizon.report.markup import Html, esc, fmt_duration, script_json, slug, tag
from horizon.report.pages.vintages import classify
from horizon.report.tables import Column, table


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
    assert slug("GPT-4o") == slug("GPT-4o")
    assert slug("gpt-4o") != slug("gpt_4o")
    assert slug("<script>").startswith("script-")


def test_vintage_changes_ignore_rounding_but_not_revisions():
    assert classify(None, 5.0) == "first published"
    assert classify(10.0, 10.02) == "unchanged"
    assert classify(10.0, 11.0) == "revised up"
    assert classify(10.0, 9.0) == "revised down"


def test_trend_forms_table_says_when_a_ceiling_is_not_identified():
    from horizon.report.pages.trends import forms_table

    fits = [dict(form=f, doubling_days=122.6, ci_low=None, ci_high=None, n_models=14, aic=25.7, bic=28.3,
                 bt_mae_log=1.0, bt_cov80=0.4, bt_cov95=0.9, identified=ident)
            for f, ident in (("exponential", True), ("saturating", False))]
    html = forms_table(fits, "50")
    assert "saturating (ceiling not identified)" in html
    assert "exponential (ceiling" not in html
