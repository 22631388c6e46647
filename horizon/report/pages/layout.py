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


@dataclass
class Body:
    """Collects a page's HTML in order, and the charts placed in it."""

    parts: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def add(self, *html: Html) -> None:
        self.parts.extend(esc(h) for h in html)

    def text(self, element: str, content: Any, **attrs: Any) -> None:
        self.parts.append(tag(element, content, **attrs))

    def chart(self, chart: Chart) -> None:
        self.charts.append(chart)
        self.parts.append(figure(chart))

    def empty(self, message: str, command: str | None = None) -> None:
        """The note a page shows where its data does not exist yet."""
        hint = Html(f" Run <code>{esc(command)}</code> to fill it in.") if command else ""
        self.parts.append(Html(f'<p class="empty">{esc(message)}{hint}</p>'))

    def html(self) -> Html:
        return Html("\n".join(self.parts))


def figure(chart: Chart) -> Html:
    base = f"{CHARTS_DIR}/{chart.chart_id}"
    links = join(
        [tag("a", "SVG", href=f"{base}.svg"), tag("a", "PNG", href=f"{base}.png"), tag("a", "Vega-Lite spec", href=f"{base}.vl.json")],
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
        f"<main>\n<h1>{esc(page.title)}</h1>\n{page.body}\n</main>\n"
        '<footer class="site"><div class="inner">\n'
        f"<p>Built by horizon {esc(version)}. {data_line}</p>\n"
        f"{credit_line}"
        "</div></footer>\n</body>\n</html>\n"
    )
