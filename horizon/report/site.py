"""Build the static report site: every page, the shared assets, and each chart's SVG/PNG export.

The site is plain files that work from file:// with no network. Output depends only on the
store's contents (and the horizon / vl-convert versions): no clock, no random ids, sorted keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from horizon import __version__
from horizon.config import Config
from horizon.errors import HorizonError
from horizon.report import assets
from horizon.report.context import build_context
from horizon.report.export import ChartExporter
from horizon.report.pages import domains, indicators, layout, models, overview, scenarios, sources, trends, vintages

PAGE_BUILDERS = (overview.build, models.build, trends.build, vintages.build, domains.build, indicators.build, scenarios.build,
                 sources.build)
EXPORT_SUFFIXES = (".svg", ".png", ".vl.json")


@dataclass(frozen=True)
class SiteResult:
    out_dir: Path
    pages: tuple[str, ...]    # file names, in navigation order
    charts: tuple[str, ...]   # chart ids; each has charts/<id>.svg, .png and .vl.json
    files: tuple[str, ...]    # every file written or kept, relative to out_dir, sorted

    def as_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "pages": list(self.pages), "charts": list(self.charts), "files": list(self.files)}


def default_out_dir(config: Config) -> Path:
    return config.reports_dir / "site"


def build_site(con: duckdb.DuckDBPyConnection, config: Config, out_dir: str | Path | None = None, *,
               export: bool = True, bundle_in_child: bool = False,
               cache_dir: str | Path | None = None) -> SiteResult:
    """Write the site to ``out_dir`` (default ``config.reports_dir/site``) and say what it holds.

    ``export=False`` skips the SVG/PNG files (the pages still link to them), for quick previews.
    ``bundle_in_child=True`` builds the Vega bundle in a child process alongside the pages:
    faster for a single build in a fresh process; in a long-lived process the in-process
    bundle is cached by vl-convert after its first use, so the default is better there.
    Either way a copy of the bundle and each chart's spec are kept in ``cache_dir`` (default
    ``config.cache_dir``), so later builds, even of a new site, skip bundling and
    skip Altair for charts whose data did not change.
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir(config)
    if out.exists() and not out.is_dir():
        raise HorizonError(f"{out}: expected a directory for the report site, found a file")
    out.mkdir(parents=True, exist_ok=True)

    cache = Path(cache_dir) if cache_dir is not None else config.cache_dir
    charts_dir = out / layout.CHARTS_DIR
    # A fresh site needs every chart drawn: start the export worker now, so its JavaScript
    # runtime warms up while this process queries the store and builds the pages.
    fresh = not any(charts_dir.glob("*.vl.json")) if charts_dir.is_dir() else True
    bundle_job = None
    written: set[Path] = set()
    with ChartExporter(charts_dir, warm=export and fresh) as exporter:
        try:
            bundle_job = assets.start_bundle(out / assets.BUNDLE, cache) if bundle_in_child else None
            ctx = build_context(con, config, chart_cache=cache / "charts")
            pages = []
            chart_specs = {}
            for build in PAGE_BUILDERS:
                page = build(ctx)
                pages.append(page)
                for chart in page.charts:
                    if chart.chart_id in chart_specs:
                        raise HorizonError(f"report: two charts share the id {chart.chart_id!r}")
                    chart_specs[chart.chart_id] = chart.spec
                    if export:
                        exporter.add(chart.chart_id, chart.spec)

            labels = {s.snapshot_id: s.vintage_label for s in ctx.snapshots}
            citations = {s.snapshot_id: s.citation for s in ctx.snapshots}
            for page in pages:
                path = out / page.filename
                path.write_text(layout.render(page, version=__version__, snapshot_labels=labels, citations=citations),
                                encoding="utf-8", newline="\n")
                written.add(path)
                for relative, content in page.files:
                    extra = out / relative
                    extra.parent.mkdir(parents=True, exist_ok=True)
                    extra.write_bytes(content)
                    written.add(extra)

            written.update(assets.write_static(out))
            if export:
                for item in exporter.finish():
                    written.update((item.spec, item.svg, item.png))
        except BaseException:
            assets.cancel_bundle(bundle_job, out / assets.BUNDLE)
            raise
    _remove_stale(charts_dir, written)
    if bundle_in_child:
        assets.finish_bundle(bundle_job, out / assets.BUNDLE, cache)
    else:
        assets.write_bundle(out / assets.BUNDLE, cache)
    written.add(out / assets.BUNDLE)
    return SiteResult(
        out_dir=out,
        pages=tuple(p.filename for p in pages),
        charts=tuple(sorted(chart_specs)),
        files=tuple(sorted(p.relative_to(out).as_posix() for p in written)),
    )


def _remove_stale(charts_dir: Path, keep: set[Path]) -> None:
    """Exports of charts that no longer exist would be linked from nowhere and mislead readers."""
    if not charts_dir.is_dir():
        return
    for path in sorted(charts_dir.iterdir()):
        if path.is_file() and path.name.endswith(EXPORT_SUFFIXES) and path not in keep:
            path.unlink()
