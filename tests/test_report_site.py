"""The built site as files: deterministic bytes, one shared offline bundle, escaping, exports,
graceful pages on an empty store, and the `horizon report` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_report_data import XSS, fixture_store

from horizon import __version__
from horizon.cli import cli, register_commands
from horizon.config import load_config
from horizon.errors import HorizonError
from horizon.report.site import build_site
from horizon.store import connect

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return fixture_store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private bundle and chart-spec cache, empty at first, so tests neither use nor fill the user's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def site(store, cache, tmp_path_factory):
    con, config = store
    return build_site(con, config, tmp_path_factory.mktemp("out") / "site", cache_dir=cache)


def html_files(result):
    return {name: (result.out_dir / name).read_text(encoding="utf-8") for name in result.pages}


@pytest.mark.slow
def test_same_store_gives_byte_identical_site_png_included(store, site, cache, tmp_path):
    con, config = store
    # Built with a filled cache (bundle and chart specs), in a child as the CLI does: same bytes.
    assert list((cache / "charts").glob("*.json"))
    again = build_site(con, config, tmp_path / "again", cache_dir=cache, bundle_in_child=True)
    assert again.files == site.files
    differing = [f for f in site.files if (site.out_dir / f).read_bytes() != (again.out_dir / f).read_bytes()]
    assert differing == []
    assert any(f.endswith(".png") for f in site.files)


def test_every_chart_page_loads_the_one_shared_bundle_and_nothing_remote(site):
    bundle = site.out_dir / "assets" / "vega-bundle.js"
    assert bundle.stat().st_size > 500_000  # vega + vega-lite + vega-embed
    for name, text in html_files(site).items():
        srcs = re.findall(r'<script[^>]*\ssrc="([^"]+)"', text)
        hrefs = re.findall(r'<link[^>]*\shref="([^"]+)"', text)
        assert all(not re.match(r"(https?:)?//", u) for u in srcs + hrefs), name
        if 'data-chart="' in text:
            assert srcs.count("assets/vega-bundle.js") == 1, name
        assert len(text) < 400_000, f"{name} seems to inline a library"
        assert "vegaEmbed=" not in text


def test_model_names_with_markup_are_escaped_in_html_and_in_chart_json(site):
    pages = html_files(site)
    for name, text in pages.items():
        assert XSS not in text, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["models.html"]
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in pages["models.html"]
    assert "Robert&#x27;); DROP TABLE models;-- &amp; co" in pages["models.html"]


def test_estimates_beyond_the_ceiling_are_marked_in_tables_and_charts(site):
    pages = html_files(site)
    assert "▲ beyond 16 h" in pages["models.html"]
    assert "beyond 16 h ceiling" in pages["index.html"]  # the overview chart's legend and point status
    assert "measurable ceiling (16 h)" in pages["index.html"]
    assert "▲ beyond ceiling" in pages["index.html"]  # work-week threshold in the forecast table


def test_every_page_has_navigation_and_a_footer_with_version_and_snapshots(site):
    for name, text in html_files(site).items():
        for target in site.pages:
            assert f'href="{target}"' in text, (name, target)
        assert f"Built by horizon {__version__}" in text
    assert 'href="sources.html#snapshot-2"' in html_files(site)["index.html"]
    assert 'id="snapshot-4"' in html_files(site)["sources.html"]


def test_overview_shows_the_doubling_time_with_its_citation_and_a_copy_button(site):
    text = html_files(site)["index.html"]
    assert "210.0 days" in text
    assert 'id="citation-text"' in text and 'data-copy="citation-text"' in text
    assert "doubled every 210.0 days" in text


def test_every_chart_is_exported_as_svg_and_png_and_linked(site):
    pages = "".join(html_files(site).values())
    for chart_id in site.charts:
        svg = (site.out_dir / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8")
        png = (site.out_dir / "charts" / f"{chart_id}.png").read_bytes()
        assert svg.lstrip().startswith("<svg")
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'href="charts/{chart_id}.svg"' in pages and f'href="charts/{chart_id}.png"' in pages


def test_exported_images_name_their_source_and_the_page_charts_do_not_change(site):
    pages = "".join(html_files(site).values())
    assert "Source: " not in pages  # the in-page specs are the charts as built
    for chart_id in site.charts:
        svg = (site.out_dir / "charts" / f"{chart_id}.svg").read_text(encoding="utf-8")
        line = re.search(r">(Source: [^<]*)</text>", svg)
        assert line and line.group(1).endswith(f" · horizon {__version__}"), chart_id
        assert "METR" in line.group(1), chart_id


def test_a_symlinked_site_directory_is_replaced_where_it_points_and_stays_a_link(store, cache, tmp_path):
    con, config = store
    real = tmp_path / "www" / "site"
    real.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(real, target_is_directory=True)
    build_site(con, config, link, export=False, cache_dir=cache)
    assert link.is_symlink() and (real / "index.html").is_file()


def test_rebuilding_takes_exports_from_the_cache_and_keeps_nothing_of_the_old_site(store, site, cache, tmp_path,
                                                                                    monkeypatch):
    import shutil

    from horizon.report import export

    con, config = store
    out = tmp_path / "site"
    shutil.copytree(site.out_dir, out)
    stale = out / "charts" / "no-longer-a-chart.png"
    stale.write_bytes(b"x")
    damaged = out / "charts" / "overview-p50.svg"
    damaged.write_bytes(damaged.read_bytes()[:50])

    def no_worker(self):
        raise AssertionError("a chart was drawn again although the cache holds it")

    monkeypatch.setattr(export.ChartExporter, "_start", no_worker)
    again = build_site(con, config, out, export=True, cache_dir=cache)
    assert not stale.exists()
    assert again.files == site.files
    assert [f for f in site.files if (out / f).read_bytes() != (site.out_dir / f).read_bytes()] == []


def test_empty_store_builds_every_page_with_a_note_saying_what_to_run(tmp_path):
    config = load_config(db=tmp_path / "h.duckdb", env={"HORIZON_DATA": str(tmp_path / "nodata")}, reports_dir=tmp_path)
    con = connect(config.db_path)
    result = build_site(con, config, tmp_path / "site", export=False)
    assert result.charts == ()
    for name, text in html_files(result).items():
        if name != "sources.html":
            assert 'class="empty"' in text, name
        assert "<figure" not in text
    assert "horizon ingest" in html_files(result)["index.html"]


def test_store_without_fits_or_trends_falls_back_to_published_figures(tmp_path):
    con, config = fixture_store(tmp_path)
    for table in ("trend_fits", "trend_points", "trend_backtests", "forecasts", "fit_horizons"):
        con.execute(f"DELETE FROM {table}")
    result = build_site(con, config, tmp_path / "site", export=False)
    pages = html_files(result)
    assert "as published by METR" in pages["index.html"] and "122.6 days" in pages["index.html"]
    assert "horizon trend" in pages["trends.html"]
    assert "overview-p50" in result.charts and not any(c.startswith("trends-") for c in result.charts)


def test_out_dir_that_is_a_file_is_refused(store, tmp_path):
    con, config = store
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(HorizonError, match="expected a directory"):
        build_site(con, config, target)


def test_cli_report_prints_one_json_document_and_help_has_an_example(tmp_path):
    con, config = fixture_store(tmp_path / "store")
    con.close()  # the command opens the database read-only itself
    register_commands()
    runner = CliRunner()
    out = tmp_path / "site"
    result = runner.invoke(
        cli, ["--db", str(config.db_path), "report", "--out", str(out), "--no-export", "--json"],
        env={"HORIZON_DATA": str(config.data_dir)},
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["pages"][0] == "index.html" and "overview-p50" in doc["charts"]
    assert (out / "index.html").exists()
    help_text = runner.invoke(cli, ["report", "--help"]).output
    assert "Example" in help_text and "horizon report --out" in help_text


def test_cli_report_without_a_database_says_to_ingest_first(tmp_path):
    register_commands()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.duckdb"), "report", "--out", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "horizon ingest" in result.output


@pytest.mark.slow
def test_site_builds_from_the_real_published_files(tmp_path):
    from horizon.ingest import ingest

    config = load_config(db=tmp_path / "h.duckdb", env={}, reports_dir=tmp_path)
    con = connect(config.db_path)
    metr = SHARED / "metr"
    ingest(con, config, [str(metr / "benchmark_results_1_0.yaml"), *map(str, sorted((metr / "vintages").glob("*.yaml"))),
                         str(metr / "all_runs_2025-03.jsonl"), str(SHARED / "metr-cross-domain" / "all_data.csv")])
    result = build_site(con, config, tmp_path / "site", export=False)
    pages = html_files(result)
    assert {"overview-p50", "vintages-p50", "vintages-doubling", "domains-horizons", "models-success-curves"} <= set(result.charts)
    newest = yaml.safe_load(max((metr / "vintages").glob("*.yaml")).read_text())
    claim = newest["doubling_time_in_days"]["from_2023_on"]["point_estimate"]
    assert f"{claim:.1f} days" in pages["index.html"]  # METR's published from_2023_on figure, latest vintage
    assert "Claude Opus 4.5" in pages["models.html"]


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_tooltips_show_dates_as_utc_days_never_as_timestamps(site):
    # A field drawn on a time axis is parsed to a timestamp: a nominal tooltip of it prints
    # epoch milliseconds ("released 1744761600000"), a local-time one shifts with TZ.
    for chart_id in site.charts:
        spec = json.loads((site.out_dir / "charts" / f"{chart_id}.vl.json").read_text(encoding="utf-8"))
        temporal = {n["field"] for n in _walk(spec) if n.get("type") == "temporal" and "field" in n}
        for node in _walk(spec):
            tips = node.get("tooltip")
            for tip in tips if isinstance(tips, list) else []:
                if tip.get("field") in temporal:
                    assert tip.get("type") == "temporal", (chart_id, tip)
                    assert tip.get("timeUnit", "").startswith("utc") and tip.get("format") == "%Y-%m-%d", (chart_id, tip)


def test_every_chart_and_table_links_csv_and_json_of_exactly_its_data(site):
    import csv
    import io

    for name, text in html_files(site).items():
        ids = re.findall(r'data-chart="([^"]+)"', text) + re.findall(r'<table id="([^"]+)"', text)
        for item in ids:
            for ext in ("csv", "json"):
                assert f'href="data/{item}.{ext}"' in text, (name, item, ext)
                assert (site.out_dir / "data" / f"{item}.{ext}").is_file(), (name, item, ext)
        for m in re.finditer(r'<table id="([^"]+)">.*?<tbody>(.*?)</tbody>', text, re.DOTALL):
            rows = list(csv.reader(io.StringIO((site.out_dir / "data" / f"{m.group(1)}.csv").read_text(encoding="utf-8"))))
            first_cells = re.findall(r"<tr[^>]*><td[^>]*>(.*?)</td>", m.group(2))
            assert len(rows) - 1 == len(first_cells), m.group(1)
            assert [r[0] for r in rows[1:]] == [re.sub(r"<[^>]+>", "", c).replace("&amp;", "&").replace("&lt;", "<")
                                                .replace("&gt;", ">").replace("&#x27;", "'").replace("&quot;", '"').strip()
                                                for c in first_cells], m.group(1)
    # A chart's CSV holds every point drawn: each model on the overview's 50% chart, by name.
    spec = json.loads((site.out_dir / "charts" / "overview-p50.vl.json").read_text(encoding="utf-8"))
    drawn = {n["model"] for n in _walk(spec) if "model" in n and "estimate" in n}
    table = list(csv.DictReader(io.StringIO((site.out_dir / "data" / "overview-p50.csv").read_text(encoding="utf-8"))))
    assert drawn and drawn == {r["model"] for r in table if r["model"]}
    doc = json.loads((site.out_dir / "data" / "overview-p50.json").read_text(encoding="utf-8"))
    assert sum(len(p["rows"]) for p in doc["parts"]) == len(table)


def test_every_page_says_when_the_data_was_last_updated_from_the_store(store, site):
    con, _ = store
    newest = con.execute("SELECT max(retrieved_at) FROM snapshot_status WHERE retracted_at IS NULL").fetchone()[0]
    for name, text in html_files(site).items():
        assert f'Last updated <time datetime="{newest.date().isoformat()}">' in text, name


def test_vintages_page_has_a_changelog_of_each_publication_from_horizon_changes(store, site):
    from horizon.changes import publication_changes

    con, _ = store
    text = html_files(site)["vintages.html"]
    assert 'id="changelog"' in text
    changes = publication_changes(con)
    assert any(c.revisions for c in changes)
    for c in changes:
        assert f'id="changes-{c.publication.publication_id}"' in text
        for r in c.revisions:
            assert f"{r.pct_change:+.1f}%" in text
        if c.doubling_pct_change is not None:
            assert f"({c.doubling_pct_change:+.1f}%)" in text
    newest = changes[0]
    overview = html_files(site)["index.html"]
    assert f"{len(newest.revisions)} estimates revised" in overview and 'href="vintages.html#changelog"' in overview


def test_a_nearly_flat_run_fit_shows_as_words_and_does_not_break_the_report(tmp_path):
    con, config = fixture_store(tmp_path)
    # One agent with 10 noisy runs: slope -0.00024, no finite horizon stored for it.
    con.execute(
        "INSERT INTO fit_horizons VALUES (1, 'noisy_agent', 'beta-2', DATE '2023-11-06', false, 50, NULL, NULL, NULL,"
        " 0.3, -0.00024, 0.5, 10, 10, 100, 100, 'no_finite_horizon', 'flat_curve', 0.0)"
    )
    result = build_site(con, config, tmp_path / "site", export=False)
    text = html_files(result)["models.html"]
    assert "no finite horizon (flat curve)" in text
    assert not re.search(r"\de[+-]\d", re.sub(r"<script.*?</script>", "", text, flags=re.DOTALL))


_BUILD = """
import sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from test_report_data import fixture_store
from horizon.report.site import build_site
con, config = fixture_store(Path(sys.argv[1]))
build_site(con, config, Path(sys.argv[1]) / "site", cache_dir=Path(sys.argv[2]))
"""


@pytest.mark.slow
def test_time_zone_changes_no_byte_of_the_site(site, tmp_path):
    import os
    import subprocess
    import sys
    import time

    # The same store built in a child 14 hours ahead of UTC (a day ahead of most clocks) gives
    # the bytes this process built (UTC here, and on CI).
    far = "Pacific/Kiritimati"
    assert time.localtime(0).tm_gmtoff != 14 * 3600, "this process already runs at UTC+14"
    tests_dir = str(Path(__file__).resolve().parent)
    root = tmp_path / "far"
    env = dict(os.environ, TZ=far, PYTHONPATH=os.pathsep.join([str(Path(tests_dir).parent), os.environ.get("PYTHONPATH", "")]))
    subprocess.run([sys.executable, "-c", _BUILD, str(root), str(root / "cache"), tests_dir], env=env, check=True,
                   timeout=300)
    sites = [site.out_dir, root / "site"]
    files = [sorted(p.relative_to(s).as_posix() for p in s.rglob("*") if p.is_file()) for s in sites]
    assert files[0] == files[1] and any(f.endswith(".svg") for f in files[0])
    differing = [f for f in files[0] if (sites[0] / f).read_bytes() != (sites[1] / f).read_bytes()]
    assert differing == []
