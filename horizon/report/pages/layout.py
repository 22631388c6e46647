"""What every page shares: the page record, the chart figure, navigation, header and footer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from horizon.report.assets import BUNDLE, SCRIPT, STYLE
from horizon.report.markup import Html, esc, join, script_json, tag

# (file, navigation label), in navigation order.
NAV = (
    ("index.html", "Overview"),
    ("models.html", "Models"),
    ("trends.html", "Trends"),
    ("vintages.html", "Vintages"),
    ("domains.html", "Domains"),
    ("indicators.html", "Indicators"),
    ("scenarios.html", "Scenarios"),
    ("sources.html", "Sources & methods"),
)
CHARTS_DIR = "charts"


@dataclass(frozen=True)
class Chart:
    chart_id: str  # stable: names the figure, its anchor and its exported files
    title: str
    spec: dict[str, Any]
    caption: str = ""


@dataclass(frozen=True)
class Page:
    filename: str
    title: str
    body: Html
    charts: tuple[Chart, ...] = ()
    snapshot_ids: tuple[int, ...] = ()
    # Extra files the page links to (data downloads): path relative to the site -> content.
    files: tuple[tuple[str, bytes], ...] = ()
    # When the data behind the site last changed (a date from the store, never the clock).
    updated: str | None = None


@dataclass
class Body:
    """Collects a page's HTML in order, and the charts placed in it."""

    parts: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)

    def add(self, *html: Html) -> None:
        for h in html:
            self.files.extend(getattr(h, "files", ()))  # a table's data downloads
        self.parts.extend(esc(h) for h in html)

    def text(self, element: str, content: Any, **attrs: Any) -> None:
        self.parts.append(tag(element, content, **attrs))

    def chart(self, chart: Chart) -> None:
        from horizon.report.pages.downloads import chart_files

        self.charts.append(chart)
        self.files.extend(chart_files(chart.chart_id, chart.title, chart.spec))
        self.parts.append(figure(chart))

    def section(self, section: Any) -> None:
        """A ``horizon.report.uncertainty.Section``: its HTML, its download links and files."""
        self.parts.extend((esc(section.html), esc(section.links())))
        self.files.extend(section.files())

    def empty(self, message: str, command: str | None = None) -> None:
        """The note a page shows where its data does not exist yet."""
        hint = Html(f" Run <code>{esc(command)}</code> to fill it in.") if command else ""
        self.parts.append(Html(f'<p class="empty">{esc(message)}{hint}</p>'))

    def html(self) -> Html:
        return Html("\n".join(self.parts))

    def page(self, filename: str, title: str, snapshot_ids: tuple[int, ...] | list[int] | set[int] = (),
             updated: str | None = None) -> Page:
        """The finished page: its HTML, charts, data downloads and snapshots (sorted)."""
        paths = [p for p, _ in self.files]
        if len(paths) != len(set(paths)):
            raise ValueError(f"{filename}: two downloads share a path: {sorted(p for p in paths if paths.count(p) > 1)}")
        return Page(filename, title, self.html(), tuple(self.charts), tuple(sorted(snapshot_ids)),
                    tuple(sorted(self.files)), updated)


def figure(chart: Chart) -> Html:
    from horizon.report.pages.downloads import paths

    base = f"{CHARTS_DIR}/{chart.chart_id}"
    csv_path, json_path = paths(chart.chart_id)
    links = join(
        [tag("a", "SVG", href=f"{base}.svg"), tag("a", "PNG", href=f"{base}.png"), tag("a", "Vega-Lite spec", href=f"{base}.vl.json"),
         tag("a", "data (CSV)", href=csv_path, download=True), tag("a", "data (JSON)", href=json_path, download=True)],
        " ",
    )
    caption = Html(f"{esc(chart.caption)} " if chart.caption else "") + Html(f'<span class="downloads">Download: {links}</span>')
    return Html(
        f'<figure class="chart" id="chart-{esc(chart.chart_id)}" data-chart="{esc(chart.chart_id)}">\n'
        f'<div class="vis" role="img" aria-label="{esc(chart.title)}"></div>\n'
        f'<script type="application/json" class="spec">{script_json(chart.spec)}</script>\n'
        f"<figcaption>{caption}</figcaption>\n</figure>"
    )


def render(page: Page, *, version: str, snapshot_labels: dict[int, str], citations: dict[int, str | None]) -> str:
    """The whole document. Nothing here depends on the clock: same inputs, same bytes."""
    current = ' aria-current="page"'
    nav = "".join(
        f'<li><a href="{esc(href)}"{current if href == page.filename else ""}>{esc(label)}</a></li>'
        for href, label in NAV
    )
    used = [
        tag("a", f"#{sid} {snapshot_labels.get(sid, '')}".strip(), href=f"sources.html#snapshot-{sid}")
        for sid in page.snapshot_ids
    ]
    data_line = Html("Data snapshots on this page: " + ", ".join(used) + ".") if used else Html("No data snapshots on this page.")
    credits = sorted({c for sid in page.snapshot_ids if (c := citations.get(sid))})
    credit_line = Html("<p>Sources: " + esc("; ".join(credits)) + ".</p>\n") if credits else Html("")
    updated = (Html(f'<p class="updated muted">Last updated <time datetime="{esc(page.updated)}">{esc(page.updated)}</time>'
                    " (the newest data in the store).</p>\n") if page.updated else Html(""))
    updated_short = Html(f"Data last updated {esc(page.updated)}. ") if page.updated else Html("")
    scripts = (
        f'<script src="{BUNDLE}"></script>\n<script src="{SCRIPT}"></script>\n' if page.charts else f'<script src="{SCRIPT}"></script>\n'
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(page.title)} · horizon</title>\n"
        f'<link rel="stylesheet" href="{STYLE}">\n'
        f"{scripts}"
        "</head>\n<body>\n"
        '<header class="site"><div class="inner"><a class="brand" href="index.html">horizon</a>\n'
        f'<nav class="site" aria-label="Pages"><ul>{nav}</ul></nav></div></header>\n'
        f"<main>\n<h1>{esc(page.title)}</h1>\n{updated}{page.body}\n</main>\n"
        '<footer class="site"><div class="inner">\n'
        f"<p>Built by horizon {esc(version)}. {updated_short}{data_line}</p>\n"
        f"{credit_line}"
        "</div></footer>\n</body>\n</html>\n"
    )
