"""`horizon scenarios`, the update stage, `horizon cite --scenario`, the named queries and the
Scenarios page, on one store that `horizon update` built offline from the embedded data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date

import pytest

from horizon.config import PROJECT_DIR, load_config
from horizon.store import connect
from tests.conftest import copy_of_updated, run_cli

INDICATORS = PROJECT_DIR.parent / "shared" / "data" / "indicators"
EPOCH = "1772366400"   # 2026-03-01 12:00 UTC


@pytest.fixture
def db(updated, tmp_path):
    """A private copy of the updated store, for tests that write to it."""
    return copy_of_updated(updated, tmp_path), updated[1]


def test_update_fits_the_scenarios_and_renders_the_page_offline(updated):
    root, _, doc = updated
    stage = doc["stages"]["scenarios"]
    assert stage["status"] == "fitted" and stage["evidence"] is None
    page = (root / "reports" / "site" / "scenarios.html").read_text(encoding="utf-8")
    for chart in ("scenarios-horizon", "scenarios-multiplier", "scenarios-share"):
        assert f'data-chart="{chart}"' in page
        assert (root / "reports" / "site" / "charts" / f"{chart}.svg").is_file()
    for table_id in ("scenario-crossings", "scenario-thresholds", "scenario-parameters"):
        assert f'<table id="{table_id}">' in page
    assert "These are scenarios, not predictions" in page
    assert "d ln h / dt = g₀ · (M / M_s)^λ" in page and "M = 1 / ((1 − f) + f / v)" in page
    # no indicator table in the store yet: the evidence section says how to fill it in
    assert "horizon scenarios --indicators ../shared/data/indicators" in page
    assert 'href="scenarios.html"' in (root / "reports" / "site" / "index.html").read_text(encoding="utf-8")


def test_update_refits_the_scenarios_only_when_a_parameter_or_the_headline_changed(db, tmp_path):
    from horizon.scenarios.api import update_stage

    path, _ = db
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("scenarios.toml", "thresholds.toml"):
        shutil.copy(PROJECT_DIR / "data" / name, data_dir / name)
    config = load_config(db=path, env={"HORIZON_DATA": str(data_dir), "SOURCE_DATE_EPOCH": EPOCH})
    con = connect(path)
    try:
        assert update_stage(con, config)["status"] == "unchanged"
        text = (data_dir / "scenarios.toml").read_text(encoding="utf-8")
        (data_dir / "scenarios.toml").write_text(text.replace("default = 1.25", "default = 1.5"), encoding="utf-8")
        stage = update_stage(con, config)
        assert stage["status"] == "fitted"
        fits = con.execute("SELECT fit_id, params FROM fits WHERE kind = 'scenarios' ORDER BY fit_id").fetchall()
        assert json.loads(fits[-1][1])["parameters"]["values"]["software_returns"] == 1.5
        assert json.loads(fits[-2][1])["parameters"]["values"]["software_returns"] == 1.25
        blowups = dict(con.execute(
            "SELECT fit_id, blowup_date FROM scenario_outcomes WHERE scenario = 'explosive' AND fit_id IN (?, ?)",
            [fits[-2][0], fits[-1][0]]).fetchall())
        assert blowups[fits[-1][0]] < blowups[fits[-2][0]]   # higher returns: an earlier blow-up
        stored = con.execute("SELECT value, default_value FROM scenario_parameters WHERE fit_id = ? AND name = 'software_returns'",
                             [fits[-1][0]]).fetchone()
        assert stored == (1.5, 1.5)
        assert update_stage(con, config)["status"] == "unchanged"
    finally:
        con.close()


@pytest.fixture
def run_json(db):
    path, env = db

    def run(*args):
        result = run_cli("--db", path, "scenarios", "--json", "--draws", "200", *args, env=env)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def test_the_json_document_names_every_scenario_its_crossings_and_its_label(run_json):
    doc = run_json("--indicators", str(INDICATORS))
    assert doc["label"] == "scenarios, not predictions"
    assert [s["name"] for s in doc["scenarios"]] == ["amdahl", "explosive", "plateau", "expanding_pie"]
    explosive = next(s for s in doc["scenarios"] if s["name"] == "explosive")
    assert explosive["blowup"]["central"] and explosive["bound"]["central"] is None
    levels = [c["target"] for c in explosive["crossings"] if c["kind"] == "multiplier"]
    assert levels == ["2x", "10x", "100x", "1000x"]
    amdahl = next(s for s in doc["scenarios"] if s["name"] == "amdahl")
    never = [c for c in amdahl["crossings"] if c["status"] == "never"]
    assert never and never[0]["bound"]["central"] == pytest.approx(1 / (0.1 + 0.9 / 30), abs=1e-6)   # JSON: 6 decimals
    assert {r["series"] for r in doc["evidence"]["readings"]} == {
        "openai_experiments_per_researcher", "anthropic_staff_uplift", "anthropic_code_per_contributor", "anthropic_al4_share"}
    assert doc["trend"]["level"] == 80 and doc["draws"]["n"] == 200


def test_the_same_inputs_and_seed_give_the_same_numbers_and_another_seed_other_ones(run_json):
    first, second = run_json("--seed", "4"), run_json("--seed", "4")
    assert first["fit_id"] != second["fit_id"]
    assert {**first, "fit_id": 0} == {**second, "fit_id": 0}
    other = run_json("--seed", "5")
    assert other["scenarios"] != first["scenarios"]


def test_a_command_line_override_changes_the_output_and_is_recorded(run_json, db):
    base = run_json()
    changed = run_json("--param", "f_max=0.6")
    amdahl = [next(s for s in d["scenarios"] if s["name"] == "amdahl")["bound"]["central"] for d in (base, changed)]
    assert amdahl[0] == pytest.approx(1 / (0.1 + 0.9 / 30)) and amdahl[1] == pytest.approx(1 / (0.4 + 0.6 / 30))
    f_max = next(p for p in changed["parameters"] if p["name"] == "f_max")
    assert (f_max["value"], f_max["default"], f_max["overridden_from"]) == (0.6, 0.9, "--param")
    con = connect(db[0])
    try:
        row = con.execute("SELECT value, overridden_from FROM scenario_parameters WHERE fit_id = ? AND name = 'f_max'",
                          [changed["fit_id"]]).fetchone()
    finally:
        con.close()
    assert row == (0.6, "--param")


def test_a_bad_override_is_one_line_with_exit_code_1_and_nothing_is_written(db):
    from tests.conftest import db_counts

    path, env = db
    before = db_counts(path)
    result = run_cli("--db", path, "scenarios", "--param", "software_returns=7", env=env)
    assert result.exit_code == 1
    assert result.stderr == ("horizon: --param: software_returns: expected a value inside the range [1, 2] that"
                             " data/scenarios.toml states (widen the range there, with its reason, to go further), got 7\n")
    assert db_counts(path) == before


def test_the_text_output_shows_the_crossing_table_and_the_evidence(db):
    path, env = db
    result = run_cli("--db", path, "scenarios", "--draws", "200", "--indicators", str(INDICATORS), env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"^scenarios fit \d+ \(scenarios, not predictions\): 80% horizon trend on snapshot \d+", out)
    assert re.search(r"^  amdahl +\d\.\d\dx  2x +\d{4}-\d\d-\d\d  \d{4}-\d\d-\d\d \.\. \d{4}-\d\d-\d\d", out, re.M)
    assert re.search(r"^ +10x +never +never: approaches 7\.69x \(80%: 7\.69x to 7\.69x\)$", out, re.M)
    assert re.search(r"^ +blow-up \d{4}-\d\d-\d\d", out, re.M)
    assert "anthropic_al4_share" in out and "bands apart by more than the noise from" in out


def test_cite_scenario_quotes_the_stored_fit_and_says_it_is_a_scenario(db):
    path, env = db
    text = run_cli("--db", path, "cite", "--scenario", "explosive", env=env)
    assert text.exit_code == 0, text.output
    con = connect(path, read_only=True)
    try:
        fit_id, start = con.execute("SELECT max(fit_id), any_value(start_date) FROM scenario_runs").fetchone()
        ten = con.execute("SELECT date_central FROM scenario_crossings WHERE fit_id = ? AND scenario = 'explosive'"
                          " AND target = '10x'", [fit_id]).fetchone()[0]
    finally:
        con.close()
    sentence = text.stdout.strip()
    assert sentence.startswith("Scenario, not a prediction: under the explosive multiplier scenario")
    assert f"10x on {ten.isoformat()}" in sentence and f"scenarios fit {fit_id}:" in sentence
    assert "software_returns 1.25" in sentence and "sha256 " in sentence
    doc = json.loads(run_cli("--db", path, "cite", "--scenario", "plateau", "--format", "json", env=env).stdout)
    assert doc["label"] == "scenario, not a prediction" and doc["fit_id"] == fit_id and doc["kind"] == "scenario"
    assert doc["parameters"]["plateau_ceiling_hours"] == 167.0 and doc["blowup"] is None
    bib = run_cli("--db", path, "cite", "--scenario", "expanding_pie", "--format", "bibtex", env=env).stdout
    assert bib.startswith("@misc{horizon-scenario-expanding-pie-2026-03-03,") and "author = {{METR}}" in bib


def test_cite_with_an_unknown_scenario_lists_the_known_ones(db):
    path, env = db
    result = run_cli("--db", path, "cite", "--scenario", "foom", env=env)
    assert result.exit_code == 1
    assert result.stderr == "horizon: no scenario named 'foom'; expected one of: amdahl, expanding_pie, explosive, plateau\n"


@pytest.mark.parametrize("name", ["scenario_runs", "scenario_crossings", "scenario_bands", "scenario_evidence",
                                  "scenario_separations", "scenario_parameters"])
def test_every_named_scenario_query_runs(updated, name):
    root, env, _ = updated
    result = run_cli("--db", str(root / "h.duckdb"), "query", name, "--json", env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["query"] == name and (doc["rows"] or name in ("scenario_evidence", "scenario_separations"))


@pytest.fixture(scope="module")
def evidence_page(updated, tmp_path_factory):
    """The Scenarios page of a fit read against the published indicator files."""
    from horizon import __version__
    from horizon.report.context import build_context
    from horizon.report.pages import layout, scenarios

    root, env, _ = updated
    path = tmp_path_factory.mktemp("evidence") / "h.duckdb"
    shutil.copy(root / "h.duckdb", path)
    assert run_cli("--db", str(path), "scenarios", "--draws", "200", "--indicators", str(INDICATORS), env=env).exit_code == 0
    con = connect(path, read_only=True)
    try:
        page = scenarios.build(build_context(con, load_config(db=path, env=env)))
    finally:
        con.close()
    return page, layout.render(page, version=__version__, snapshot_labels={}, citations={})


def test_the_page_shows_the_evidence_overlay_when_the_fit_has_readings(evidence_page):
    page, html = evidence_page
    ids = [c.chart_id for c in page.charts]
    assert ids == ["scenarios-horizon", "scenarios-multiplier", "scenarios-share",
                   "scenarios-evidence-anthropic-al4-share", "scenarios-evidence-anthropic-code-per-contributor",
                   "scenarios-evidence-anthropic-staff-uplift", "scenarios-evidence-openai-experiments-per-researcher"]
    assert '<table id="scenario-evidence">' in html and '<table id="scenario-separations">' in html
    assert "Readings from files: " in html and page.snapshot_ids


def test_scenario_charts_are_valid_vega_lite(evidence_page):
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    for chart in evidence_page[0].charts:
        jsonschema.validate(chart.spec, schema)


def test_the_page_without_a_scenarios_fit_says_how_to_make_one(con, config):
    from horizon.report.context import build_context
    from horizon.report.pages import scenarios

    page = scenarios.build(build_context(con, config))
    assert page.charts == () and "No scenarios yet." in page.body and "horizon scenarios" in page.body


def test_the_scenario_model_never_imports_plotting_or_the_report():
    code = (
        "import sys, json, horizon.scenarios.api, horizon.scenarios.cite, horizon.scenarios.evidence\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('altair', 'vl_convert')"
        " or m.startswith('horizon.report'))))"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == []


def test_the_start_date_is_the_last_release_of_the_80_percent_trend(updated):
    root, env, _ = updated
    con = connect(str(root / "h.duckdb"), read_only=True)
    try:
        start, fit_id = con.execute("SELECT start_date, fit_id FROM scenario_runs").fetchone()
        last = con.execute("SELECT max(last_release) FROM trend_fits WHERE level = 80 AND source_kind = 'published'"
                           " AND form = 'exponential'").fetchone()[0]
    finally:
        con.close()
    assert start == last == date(2026, 2, 5)
