"""The indicator files: every published one ingests, our embedded copy matches it, and malformed
files give one line naming the file, line and field, write nothing and exit 1."""

from __future__ import annotations

import pytest

from horizon.ingest import ingest
from tests.conftest import SHARED, db_counts, run_cli

INDICATORS = SHARED / "indicators"


def test_every_indicator_file_ingests_with_its_series(con, config):
    files = sorted(INDICATORS.glob("*.csv")) + [SHARED / "metr" / "th1_1_task_human_minutes.json"]
    kinds = {r.origin.rsplit("/", 1)[1]: (r.kind, r.rows) for r in ingest(con, config, [str(p) for p in files])}
    assert kinds == {
        "anthropic_rd_automation_index.csv": ("anthropic_rd_automation_index", 58),
        "lab_internal_indicators.csv": ("lab_internal_indicators", 37),
        "metr_uplift_rct_2025.csv": ("metr_uplift_rct", 246),
        "openai_experiment_velocity.csv": ("openai_experiment_velocity", 32),
        "th1_1_task_human_minutes.json": ("metr_suite_tasks", 228),
    }
    series = dict(con.execute("SELECT series, count(*) FROM indicator_current GROUP BY 1").fetchall())
    assert series == {"anthropic_al1_plus": 13, "anthropic_al2_plus": 13, "anthropic_al3_plus": 13,
                      "anthropic_al4_plus": 13, "anthropic_al4_plus_digitised": 6, "cobench": 4,
                      "code_per_contributor_x": 21, "openai_experiments_per_researcher": 32,
                      "research_better_pct": 9, "staff_uplift_x": 3}
    # AL4+: the printed labels with their 90% whiskers; unprinted months kept at zero, never fitted.
    al4 = con.execute("SELECT period, value, ci_low, ci_high, fit_use FROM indicator_current"
                      " WHERE series = 'anthropic_al4_plus' ORDER BY date").fetchall()
    assert al4[0] == ("2025-08", 0.0, None, None, False)
    assert al4[-1] == ("2026-08", 26.0, 21.2, 32.5, True)
    assert con.execute("SELECT count(*) FROM suite_tasks WHERE task_source = 'RE-Bench'").fetchone()[0] == 5
    quarter = con.execute("SELECT date, date_precision FROM indicator_current WHERE period = '2026Q2'").fetchone()
    assert quarter[0].isoformat() == "2026-04-01" and quarter[1] == "quarter"


def test_digitised_al4_agrees_with_the_printed_labels_within_a_point(con, config):
    ingest(con, config, [str(INDICATORS / "anthropic_rd_automation_index.csv")])
    worst = con.execute(
        "SELECT max(abs(d.value - p.value)) FROM indicator_current d JOIN indicator_current p USING (date)"
        " WHERE d.series = 'anthropic_al4_plus_digitised' AND p.series = 'anthropic_al4_plus'").fetchone()[0]
    assert worst < 0.7


def test_the_embedded_copy_holds_exactly_the_published_values(con, config):
    ingest(con, config, [str(p) for p in sorted(INDICATORS.glob("*.csv"))])
    published = set(con.execute("SELECT series, entity, date, value, ci_low, ci_high, fit_use FROM indicator_values").fetchall())
    ingest(con, config, [str(config.data_dir / "indicators" / "indicators.csv")])
    embedded = set(con.execute(
        "SELECT series, entity, date, value, ci_low, ci_high, fit_use FROM indicator_values"
        " WHERE snapshot_id = (SELECT max(snapshot_id) FROM snapshots) AND series <> 'metr_rct_2025'").fetchall())
    assert embedded == published
    cited = con.execute("SELECT count(*) FROM indicator_values WHERE source_url NOT LIKE 'https://%'").fetchone()[0]
    assert cited == 0


AL_HEAD = "# Source: https://www.anthropic.com/institute/measuring-pace-of-ai-development\n" \
          "month,al1_plus,al2_plus,al3_plus,al4_pct,al4_dig,lo90,hi90,printed\n"
LAB_HEAD = "series,entity,date,value,unit,date_known,note\n"
CASES = {
    "share_above_100": ("al.csv", AL_HEAD + "2026-03,100,98.26,156.52,1,1.59,0.4,3,1\n",
                        "al.csv: line 3, column 'al3_plus': expected a percentage between 0 and 100, got '156.52'"),
    "bad_month": ("al.csv", AL_HEAD + "March,100,98.26,56.52,1,1.59,0.4,3,1\n",
                  "al.csv: line 3, column 'month': expected a month like 2026-03, got 'March'"),
    "label_outside_whisker": ("al.csv", AL_HEAD + "2026-03,100,98.26,56.52,5,1.59,0.4,3,1\n",
                              "al.csv: line 3, column 'al4_pct': expected the printed value inside its 90% whisker 0.4-3, got 5"),
    "unknown_series": ("lab.csv", LAB_HEAD + "cobench,Claude,2026-02-05,15.6,score_0_100,1,\nvibes,Claude,2026-02-05,3,x,1,\n",
                       "lab.csv: line 3, column 'series': expected one of cobench, staff_uplift_x, research_better_pct,"
                       " code_per_contributor_x, got 'vibes'"),
    "bad_date_known": ("lab.csv", LAB_HEAD + "cobench,Claude,2026-02-05,15.6,score_0_100,maybe,\n",
                       "lab.csv: line 2, column 'date_known': expected 1 or 0 (true or false), got 'maybe'"),
    "bad_quarter": ("lab.csv", LAB_HEAD + "code_per_contributor_x,Anthropic,2026Q5,8,multiple_of_pre2025,1,\n",
                    "lab.csv: line 2, column 'date': expected a date like 2025-08-07, got '2026Q5'"),
    "duplicate_value": ("lab.csv", LAB_HEAD + "cobench,Claude,2026-02-05,15.6,score_0_100,1,\ncobench,Claude,2026-02-05,16,score_0_100,1,\n",
                        "lab.csv: line 3: expected one value per series, entity and date, got cobench Claude 2026-02-05"
                        " again (first on line 2)"),
    "velocity_not_a_number": ("v.csv", "# Source: https://openai.com/index/research-acceleration-view-inside-openai/\n"
                              "date,mult\n2026-01-05,0.72\n2026-01-12,lots\n",
                              "v.csv: line 4, column 'mult': expected a number, got 'lots'"),
    "rct_one_arm": ("rct.csv", "dev_id,issue_id,predicted_time_no_ai,predicted_time_ai_allowed,ai_treatment,"
                    "initial_implementation_time,post_review_implementation_time\n1,1,60,50,1,40,\n1,2,60,50,1,30,5\n",
                    "rct.csv: expected issues in both arms (AI allowed and not allowed)"),
    "rct_negative_time": ("rct.csv", "dev_id,issue_id,predicted_time_no_ai,predicted_time_ai_allowed,ai_treatment,"
                          "initial_implementation_time,post_review_implementation_time\n1,1,60,50,1,-40,\n",
                          "rct.csv: line 2, column 'initial_implementation_time': expected a positive number of minutes, got -40"),
    "suite_minutes_zero": ("t.json", '{"_source": "METR time-horizon-1-1", "labels": {"a/a/x": 0}}',
                           "t.json: labels.a/a/x: expected a positive number of minutes, got 0"),
    "embedded_without_citation": (
        "e.csv", "# horizon embedded indicators v1\nseries,entity,date,date_precision,period,date_known,value,unit,ci_low,"
        "ci_high,ci_level,fit_use,method,caveat,note,source_url,citation\ncobench,C,2026-01-01,day,,1,3,score,,,,1,,,,https://x,\n",
        "e.csv: line 3, column 'citation': expected a non-empty text, got nothing"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_indicator_file_is_one_line_and_writes_nothing(tmp_path, case):
    name, text, message = CASES[case]
    db = tmp_path / "h.duckdb"
    good = str(INDICATORS / "openai_experiment_velocity.csv")
    assert run_cli("--db", str(db), "ingest", str(INDICATORS / "lab_internal_indicators.csv")).exit_code == 0
    before = db_counts(db)
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = run_cli("--db", str(db), "ingest", good, str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"horizon: {bad.parent}/{message}\n"
    assert db_counts(db) == before
