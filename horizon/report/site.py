"""Build the static report site: every page, the shared assets, and each chart's SVG/PNG export.

The site is plain files that work from file:// with no network. Output depends only on the
store's contents (and the horizon / vl-convert versions): no clock, no random ids, sorted keys.

Every build writes a complete site into a fresh directory and swaps it in whole
(``atomic_dir``): a reader, a failed build or a ``kill -9`` at any moment leaves the complete
old site or the complete new one, and nothing of the old site is carried over. What makes a
rebuild fast (the Vega bundle, chart specs, exported images) comes from the cache directory,
each entry checked against its digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from horizon import __version__
from horizon.config import Config
from horizon.errors import HorizonError
from horizon.report import assets, atomic_dir
from horizon.report.context import Context, build_context
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
    files: tuple[str, ...]    # every file of the site, relative to out_dir, sorted

    def as_dict(self) -> dict:
        return {"out_dir": str(self.out_dir), "pages": list(self.pages), "charts": list(self.charts), "files": list(self.files)}


def default_out_dir(config: Config) -> Path:
    return config.reports_dir / "site"


def source_line(ctx: Context, page: layout.Page) -> str:
    """What an exported image of ``page`` says about where its data came from: the snapshots
    the page credits (retracted ones count nowhere), else every snapshot in the store. Short
    enough not to widen the image: at most two publishers are named, newest first."""
    credited = [s for i in page.snapshot_ids if (s := ctx.snapshot(i)) is not None and s.retracted_at is None]
    if not credited:
        credited = [s for s in ctx.snapshots if s.retracted_at is None]
    tool = f"horizon {__version__}"
    if not credited:
        return f"Source: {tool}"
    if len(credited) == 1:
        return f"Source: {credited[0].vintage_label} · {tool}"
    newest: dict[str, str] = {}
    for s in credited:
        name = s.publisher_label or s.source_kind
        newest[name] = max(newest.get(name, ""), s.vintage_date.isoformat() if s.vintage_date else "")
    names = sorted(newest, key=lambda n: (newest[n], n), reverse=True)
    named = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    latest = max(newest.values())
    return f"Source: {named} ({len(credited)} snapshots{', newest ' + latest if latest else ''}) · {tool}"


def build_site(con: duckdb.DuckDBPyConnection, config: Config, out_dir: str | Path | None = None, *,
               export: bool = True, bundle_in_child: bool = False,
               cache_dir: str | Path | None = None, on_wait: Callable[[str], None] | None = None) -> SiteResult:
    """Write the site to ``out_dir`` (default ``config.reports_dir/site``) and say what it holds.

    ``export=False`` skips the SVG/PNG files (the pages still link to them), for quick previews.
    ``bundle_in_child=True`` builds the Vega bundle in a child process alongside the pages:
    faster for a single build in a fresh process; in a long-lived process the in-process
    bundle is cached by vl-convert after its first use, so the default is better there.
    Either way a copy of the bundle, each chart's spec and its exported images are kept in
    ``cache_dir`` (default ``config.cache_dir``), so later builds, even of a new site, skip
    bundling, Altair and vl-convert for whatever did not change. A build into a directory
    another build is writing waits for that one to finish (``on_wait`` is told once).
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir(config)
    cache = Path(cache_dir) if cache_dir is not None else config.cache_dir
    staged = None
    try:
        with atomic_dir.replaced(out, on_wait=on_wait) as staging:
            staged = staging.site
            pages, charts = _build(con, config, staging, export=export, bundle_in_child=bundle_in_child, cache=cache)
            files = sorted(p.relative_to(staging.site).as_posix() for p in staging.site.rglob("*") if p.is_file())
    except HorizonError as exc:
        if staged is None or str(staged) not in str(exc):
            raise
        # Name the site, not the staging directory the reader never sees.
        raise HorizonError(str(exc).replace(str(staged), str(out))) from exc
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise HorizonError(f"{out}: could not write the report site: {reason}; the previous site, if any,"
                           " is unchanged") from exc
    return SiteResult(out_dir=out, pages=pages, charts=charts, files=tuple(files))


def _build(con: duckdb.DuckDBPyConnection, config: Config, staging: atomic_dir.Staging, *, export: bool,
           bundle_in_child: bool, cache: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    out = staging.site
    bundle = out / assets.BUNDLE
    exports_cache = cache / "exports"
    # Charts not drawn before need the export worker: start it now when the cache holds no
    # images yet, so its JavaScript runtime warms up while this process builds the pages.
    warm = export and not (exports_cache.is_dir() and any(exports_cache.glob("*.sha256")))
    bundle_job = None
    try:
        with ChartExporter(out / layout.CHARTS_DIR, cache_dir=exports_cache, warm=warm,
                           scratch=staging.scratch) as exporter:
            bundle_job = assets.start_bundle(bundle, cache) if bundle_in_child else None
            ctx = build_context(con, config, chart_cache=cache / "charts")
            pages = []
            chart_ids: set[str] = set()
            for build in PAGE_BUILDERS:
                page = build(ctx)
                pages.append(page)
                source = source_line(ctx, page)
                for chart in page.charts:
                    if chart.chart_id in chart_ids:
                        raise HorizonError(f"report: two charts share the id {chart.chart_id!r}")
                    chart_ids.add(chart.chart_id)
                    if export:
                        exporter.add(chart.chart_id, chart.spec, source=source)

            labels = {s.snapshot_id: s.vintage_label for s in ctx.snapshots}
            citations = {s.snapshot_id: s.citation for s in ctx.snapshots}
            for page in pages:
                (out / page.filename).write_text(
                    layout.render(page, version=__version__, snapshot_labels=labels, citations=citations),
                    encoding="utf-8", newline="\n")
                for relative, content in page.files:
                    extra = out / relative
                    extra.parent.mkdir(parents=True, exist_ok=True)
                    extra.write_bytes(content)
            assets.write_static(out)
            if export:
                exporter.finish()
        if bundle_in_child:
            job, bundle_job = bundle_job, None
            assets.finish_bundle(job, bundle, cache)
        else:
            assets.write_bundle(bundle, cache)
    finally:
        assets.cancel_bundle(bundle_job, bundle)
    return tuple(p.filename for p in pages), tuple(sorted(chart_ids))
