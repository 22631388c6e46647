"""Citations credit the data's publisher, keep their keys across refits, and render as valid
BibTeX and CSL-JSON; the sentence says the finding before any of horizon's own words."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from horizon.citation import Citation, Source, bibtex, csl_json, latex_escape, publisher_of, render, stable_key
from horizon.ingest import ingest
from horizon.trend.analysis import TrendSpec
from horizon.trend.api import run_trend
from horizon.trend.cite import citation, stored_for_citation
from tests.conftest import VINTAGE

FAST = TrendSpec(n_boot=200, n_boot_forms=40, n_break_boot=19)


def _citation(**kw) -> Citation:
    values = dict(
        kind="trend", key="metr-2026-03-03-p50", title="Doubling time of the 50% horizon", claim="It doubled.",
        provenance="horizon 0.1.0, trend fit 7", tool_version="0.1.0", fit_id=7, created=date(2026, 3, 1),
        sources=(Source("METR", "METR-Horizon-v1.1 (2026-03-03)", "https://metr.org/time-horizons",
                        date(2026, 3, 3), date(2026, 3, 5), "ab" * 32),),
    )
    values.update(kw)
    return Citation(**values)


def test_latex_specials_are_escaped_so_bibtex_reads_them_literally():
    assert latex_escape(r"50% of R&D_work #1 costs $5 {x} ~ ^ \ ") == (
        r"50\% of R\&D\_work \#1 costs \$5 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} ")


def test_bibtex_entry_has_balanced_braces_and_credits_the_publisher_with_its_address():
    entry = bibtex(_citation(title="50% of R&D {work}", claim="It rose 3% & more."))
    depth = 0
    for ch in entry.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert "author = {{METR}}" in entry and "url = {https://metr.org/time-horizons}" in entry
    assert "year = 2026" in entry and "urldate = {2026-03-05}" in entry
    assert r"50\% of R\&D \{work\}" in entry and "Computed with horizon 0.1.0, trend fit 7." in entry


def test_csl_json_is_a_dataset_authored_by_the_publisher():
    (item,) = csl_json(_citation())
    assert item["type"] == "dataset" and item["author"] == [{"literal": "METR"}]
    assert item["issued"] == {"date-parts": [[2026, 3, 3]]} and item["accessed"] == {"date-parts": [[2026, 3, 5]]}
    assert item["URL"] == "https://metr.org/time-horizons" and item["id"] == "metr-2026-03-03-p50"
    json.dumps(item)   # plain JSON values only


def test_keys_are_ascii_words_joined_by_dashes():
    assert stable_key("METR", "2026-03-03", "p50", "", "from 2023/01") == "metr-2026-03-03-p50-from-2023-01"
    assert stable_key("Épochs AI", "R&D") == "epochs-ai-r-d"


@pytest.mark.parametrize(("url", "label", "publisher"), [
    ("https://metr.org/assets/benchmark_results_1_1.yaml", "x", "METR"),
    ("https://www-cdn.anthropic.com/report.pdf", "x", "Anthropic"),
    ("https://openai.com/index/research-acceleration", "x", "OpenAI"),
    ("https://github.com/METR/eval-analysis-public/blob/19b0311/x.jsonl", "x", "METR"),
    ("https://example.org/data.csv", "x", "example.org"),
    (None, "METR-Horizon-v1.1", "METR"),
])
def test_publisher_is_read_from_the_address_or_else_the_label(url, label, publisher):
    assert publisher_of(url, label) == publisher


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="expected one of text, bibtex, csl-json, json"):
        render(_citation(), "ris")


def test_a_refit_of_the_same_trend_keeps_the_key_and_the_sentence_leads_with_the_finding(con, config):
    ingest(con, config, [str(VINTAGE["2026-03-03"])])
    first = citation(stored_for_citation(con, run_trend(con, config, FAST).fit_id))
    # Another fit of the same finding (another bootstrap seed; the same options would be reused).
    again = citation(stored_for_citation(con, run_trend(con, config, replace(FAST, seed=7)).fit_id))
    assert first.fit_id != again.fit_id and first.key == again.key
    assert first.sources[0].publisher == "METR" and first.sources[0].url == "https://metr.org/time-horizons"
    text = render(first, "text")
    finding, provenance = text.split(" [", 1)
    for internal in ("ols_t", "fit ", "sha256", "wild_bootstrap", "/work/", "../"):
        assert internal not in finding, internal
    assert provenance.startswith(f"horizon {first.tool_version}, trend fit {first.fit_id}:")
    assert "../" not in bibtex(first) and "/work/" not in bibtex(first)
