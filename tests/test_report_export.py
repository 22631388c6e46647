"""Chart export in a worker process, the chart-spec cache and the bundle cache: each must give
exactly the bytes the plain in-process path gives, fail loudly, and leave no process behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import vl_convert as vlc

from horizon.errors import HorizonError
from horizon.report import assets, charts
from horizon.report.chartcache import ChartSpecs
from horizon.report.export import PNG_SCALE, ChartExporter, export_charts, spec_text, with_source_line

POINTS = [
    {"model": "A", "date": "2023-03-14", "estimate": 5.2, "low": 2.0, "high": 11.0, "frontier": True, "beyond": False},
    {"model": "B", "date": "2024-06-20", "estimate": 31.7, "low": 12.5, "high": 70.1, "frontier": True, "beyond": False},
    {"model": "C", "date": "2025-02-01", "estimate": 2000.0, "low": None, "high": None, "frontier": False, "beyond": True},
]


def small_spec(title: str) -> dict:
    return charts.horizon_chart(POINTS, level=50, ceiling_minutes=960.0, title=title,
                                thresholds=[{"label": "work-day", "minutes": 480.0}])


def child_pids() -> set[int]:
    """Live children of this process (zombies excluded: they hold no resources)."""
    found = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    alive = set()
    for pid in found:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_worker_exports_are_byte_identical_to_converting_in_this_process(tmp_path):
    specs = {"first": small_spec("First"), "second": small_spec("Second")}
    results = export_charts(specs, tmp_path)
    assert [r.chart_id for r in results] == ["first", "second"] and all(r.converted for r in results)
    for chart_id, spec in specs.items():
        svg = vlc.vegalite_to_svg(spec)
        with (tmp_path / f"{chart_id}.svg").open(encoding="utf-8", newline="") as f:
            assert f.read() == svg
        assert (tmp_path / f"{chart_id}.png").read_bytes() == vlc.svg_to_png(svg, scale=PNG_SCALE)
        assert (tmp_path / f"{chart_id}.vl.json").read_text(encoding="utf-8") == spec_text(spec)


def test_chart_drawn_before_comes_from_the_cache_and_starts_no_worker(tmp_path):
    spec = small_spec("Same")
    first = export_charts({"same": spec}, tmp_path / "a", cache_dir=tmp_path / "cache")
    with ChartExporter(tmp_path / "b", cache_dir=tmp_path / "cache") as exporter:
        exporter.add("same", spec)
        assert exporter._proc is None
        assert [r.converted for r in exporter.finish()] == [False]
    for name in ("same.svg", "same.png", "same.vl.json"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    assert first[0].converted


def test_damaged_cached_image_is_drawn_again_not_copied(tmp_path):
    spec = small_spec("Damaged")
    export_charts({"d": spec}, tmp_path / "a", cache_dir=tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.png")
    cached.write_bytes(cached.read_bytes()[:100])
    (again,) = export_charts({"d": spec}, tmp_path / "b", cache_dir=tmp_path / "cache")
    assert again.converted
    assert (tmp_path / "b" / "d.png").read_bytes() == (tmp_path / "a" / "d.png").read_bytes()
    assert cached.read_bytes() == (tmp_path / "a" / "d.png").read_bytes()  # the entry is repaired


def test_exported_images_carry_the_source_line_and_the_page_spec_is_untouched(tmp_path):
    spec = small_spec("Titled")
    untitled = {k: v for k, v in spec.items() if k != "title"}
    before = json.dumps(spec)
    line = "Source: METR Time Horizon 1.1 (2026-03-03) · horizon 9.9"
    export_charts({"titled": spec, "untitled": untitled}, tmp_path, source=line)
    assert json.dumps(spec) == before
    for chart_id in ("titled", "untitled"):
        svg = (tmp_path / f"{chart_id}.svg").read_text(encoding="utf-8")
        assert "Source: METR Time Horizon 1.1 (2026-03-03) · horizon 9.9" in svg, chart_id
        exported = json.loads((tmp_path / f"{chart_id}.vl.json").read_text(encoding="utf-8"))
        assert line in json.dumps(exported["title"], ensure_ascii=False)
    assert "Titled" in (tmp_path / "titled.svg").read_text(encoding="utf-8")
    assert with_source_line(spec, line) == with_source_line(spec, line)  # a pure function of its inputs


def test_chart_vl_convert_cannot_draw_fails_naming_the_chart_and_leaves_no_process(tmp_path):
    before = child_pids()
    bad = {"mark": "no-such-mark", "data": {"values": [{"a": 1}]}}
    with pytest.raises(HorizonError, match=r"broken\.svg: could not export the chart with vl-convert: \S"):
        export_charts({"broken": bad, "fine": small_spec("Fine")}, tmp_path)
    assert child_pids() <= before
    assert not (tmp_path / "broken.vl.json").exists()  # no spec may claim images that were never drawn


def test_leaving_the_exporter_early_stops_its_worker(tmp_path):
    before = child_pids()
    with pytest.raises(RuntimeError), ChartExporter(tmp_path, warm=True) as exporter:
        exporter.add("one", small_spec("One"))
        raise RuntimeError("page builder failed")
    assert child_pids() <= before


def test_cached_chart_spec_is_the_same_dict_as_a_freshly_built_one(tmp_path):
    cached = ChartSpecs(tmp_path)
    built = charts.horizon_chart(POINTS, level=50, ceiling_minutes=960.0, title="T")
    first = cached.horizon_chart(POINTS, level=50, ceiling_minutes=960.0, title="T")
    assert len(list(tmp_path.glob("horizon_chart-*.json"))) == 1
    second = cached.horizon_chart(POINTS, level=50, ceiling_minutes=960.0, title="T")
    for spec in (first, second):
        assert spec == built
        assert json.dumps(spec) == json.dumps(built)  # same key order and number spelling
    changed = cached.horizon_chart(POINTS[:2], level=50, ceiling_minutes=960.0, title="T")
    assert changed != built and len(list(tmp_path.glob("horizon_chart-*.json"))) == 2


def test_chart_arguments_that_are_not_plain_json_are_built_not_cached(tmp_path):
    from datetime import date

    cached = ChartSpecs(tmp_path)
    points = [dict(POINTS[0], date=date(2023, 3, 14))]
    cached.horizon_chart(points, level=50, ceiling_minutes=960.0, title="T")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", ["truncated", "other valid json"])
def test_corrupt_chart_cache_entry_is_rebuilt(damage, tmp_path):
    cached = ChartSpecs(tmp_path)
    records = [{"vintage": "v1", "window": "all", "days": 120.0, "low": 100.0, "high": 150.0}]
    built = cached.doubling_chart(records, vintages=["v1"], title="D")
    (entry,) = tmp_path.glob("doubling_chart-*.json")
    good = entry.read_text(encoding="utf-8")
    if damage == "truncated":
        entry.write_text(good[: len(good) // 2], encoding="utf-8")
    else:  # a flipped digit still parses: only the digest can tell
        entry.write_text(good.replace("120.0", "420.0"), encoding="utf-8")
    again = cached.doubling_chart(records, vintages=["v1"], title="D")
    assert again == built and entry.read_text(encoding="utf-8") == good


def test_bundle_comes_from_the_cache_when_one_matches_this_vl_convert(tmp_path):
    cache = tmp_path / "cache"
    first = tmp_path / "a" / assets.BUNDLE
    assets.write_bundle(first, cache)
    cached = assets.cached_bundle(cache)
    assert cached.read_bytes() == first.read_bytes()
    second = tmp_path / "b" / assets.BUNDLE
    assert assets.start_bundle(second, cache) is None  # no child process needed
    assert second.read_bytes() == first.read_bytes()


def test_damaged_cached_bundle_is_rebuilt_not_copied(tmp_path):
    cache = tmp_path / "cache"
    first = tmp_path / "a" / assets.BUNDLE
    assets.write_bundle(first, cache)
    cached = assets.cached_bundle(cache)
    cached.write_bytes(cached.read_bytes()[: 1000])  # cut off, header intact
    second = tmp_path / "b" / assets.BUNDLE
    assets.write_bundle(second, cache)
    assert second.read_bytes() == first.read_bytes() == cached.read_bytes()


def test_cached_bundle_from_another_vl_convert_release_is_ignored(tmp_path):
    cache = tmp_path / "cache"
    cached = assets.cached_bundle(cache)
    cached.parent.mkdir(parents=True)
    cached.write_text("/* vega 0.0.1 */\nstale\n", encoding="utf-8")
    out = tmp_path / "site" / assets.BUNDLE
    assets.write_bundle(out, cache)
    assert out.read_text(encoding="utf-8").startswith(assets.bundle_header())
    assert cached.read_bytes() == out.read_bytes()
