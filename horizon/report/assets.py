"""Shared files every page links: the Vega bundle (once per site), the style sheet, the page script.

The Vega, Vega-Lite and vega-embed libraries come from vl-convert's own bundle, so a site builds
offline from Python packages alone and opens from file:// with no network.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from horizon.errors import HorizonError
from horizon.report.cachefile import write_atomic

BUNDLE = "assets/vega-bundle.js"
WORKER = Path(__file__).with_name("export_worker.py")
STYLE = "assets/site.css"
SCRIPT = "assets/site.js"


def bundle_header() -> str:
    """First line of the bundle: which libraries it holds, so a rebuild can reuse it."""
    import vl_convert as vlc

    return (
        f"/* vega {vlc.get_vega_version()}, vega-lite {vlc.get_vegalite_versions()[-1]},"
        f" vega-embed {vlc.get_vega_embed_version()}; bundled by vl-convert. BSD-3-Clause licences. */\n"
    )


def cached_bundle(cache_dir: Path) -> Path:
    """The cache file for this vl-convert release: bundling takes ~2 s, copying ~1 ms."""
    from importlib.metadata import version

    key = hashlib.sha256((bundle_header() + version("vl-convert-python")).encode("utf-8")).hexdigest()[:16]
    return cache_dir / f"vega-bundle-{key}.js"


def _digest_file(cached: Path) -> Path:
    return cached.with_name(cached.name + ".sha256")




def _from_cache(path: Path, cache_dir: Path | None) -> bool:
    """Write the cached bundle to ``path`` if there is one for this vl-convert and its bytes
    match the digest stored with it (a damaged cache is rebuilt, never copied into a site)."""
    if cache_dir is None:
        return False
    cached = cached_bundle(cache_dir)
    try:
        data = cached.read_bytes()
        digest = _digest_file(cached).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False  # not cached yet, or unreadable: build the bundle as if there were none
    if hashlib.sha256(data).hexdigest() != digest or not data.startswith(bundle_header().encode("utf-8")):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _to_cache(path: Path, cache_dir: Path | None) -> None:
    if cache_dir is None:
        return
    try:
        data = path.read_bytes()
        cached = cached_bundle(cache_dir)
        write_atomic(cached, data)
        write_atomic(_digest_file(cached), (hashlib.sha256(data).hexdigest() + "\n").encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower


def write_bundle(path: Path, cache_dir: Path | None = None) -> None:
    """Write the bundle in this process (vl-convert caches it: only the first call is slow)."""
    import vl_convert as vlc

    if _from_cache(path, cache_dir):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # The stub makes snippet required; at runtime it defaults to None, the default snippet.
    path.write_text(bundle_header() + vlc.javascript_bundle(), encoding="utf-8", newline="\n")  # type: ignore[call-arg]
    _to_cache(path, cache_dir)


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def start_bundle(path: Path, cache_dir: Path | None = None) -> subprocess.Popen | None:
    """Start writing the bundle in a child process; None when it came from the cache.

    vl-convert takes about two seconds to bundle and holds the GIL meanwhile, so for a
    one-off build (the CLI) a separate process lets the pages and chart exports be built at
    the same time on another core. The child dies with this process (export_worker.py).
    """
    if _from_cache(path, cache_dir):
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-P", str(WORKER), "bundle", str(os.getpid()), str(_partial(path)), bundle_header()],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def finish_bundle(job: subprocess.Popen | None, path: Path, cache_dir: Path | None = None) -> None:
    if job is None:
        return
    try:
        _, err = job.communicate()
    except BaseException:  # interrupted while waiting (Ctrl-C, SIGTERM): stop the child too
        cancel_bundle(job, path)
        raise
    tmp = _partial(path)
    if job.returncode != 0:
        tmp.unlink(missing_ok=True)
        last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise HorizonError(f"{path}: could not build the Vega bundle with vl-convert: {last}")
    os.replace(tmp, path)
    _to_cache(path, cache_dir)


def cancel_bundle(job: subprocess.Popen | None, path: Path) -> None:
    """Stop a bundle child after a failed build, leaving no process or half-written file behind."""
    if job is None:
        return
    if job.poll() is None:
        job.kill()
    job.communicate()
    _partial(path).unlink(missing_ok=True)


STYLE_TEXT = """\
:root {
  --fg: #111827; --muted: #4b5563; --bg: #ffffff; --panel: #f6f7f9; --line: #d8dce3;
  --accent: #0b5cad; --flag: #b24000; --ok: #0b7a52;
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body {
  margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header.site { background: #0f1b2d; color: #fff; }
header.site .inner, main, footer.site .inner { max-width: 1200px; margin: 0 auto; padding: 0 1.25rem; }
main { overflow-wrap: break-word; }
header.site .inner { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem 1.5rem; padding-top: .8rem; padding-bottom: .8rem; }
header.site .brand { font-weight: 700; font-size: 1.15rem; color: #fff; text-decoration: none; }
nav.site ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
nav.site a { color: #cfe0ff; text-decoration: none; padding: .1rem 0; border-bottom: 2px solid transparent; }
nav.site a:hover, nav.site a:focus { color: #fff; border-bottom-color: #cfe0ff; }
nav.site a[aria-current="page"] { color: #fff; border-bottom-color: #fff; font-weight: 600; }
main { padding-top: 1.25rem; padding-bottom: 2rem; }
h1 { font-size: 1.7rem; margin: .4rem 0 .6rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p, li { max-width: 72ch; }
a { color: var(--accent); }
.lede { color: var(--muted); font-size: 1.05rem; }
.muted { color: var(--muted); }
.headline { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--accent);
  padding: 1rem 1.25rem; margin: 1rem 0 1.5rem; border-radius: 4px; }
.headline .value { font-size: 2rem; font-weight: 700; }
.headline blockquote { margin: .6rem 0; font-size: .95rem; }
.empty { background: #fff8e6; border: 1px solid #f0d48a; padding: .7rem 1rem; border-radius: 4px; max-width: 72ch; }
button.copy { font: inherit; font-size: .9rem; padding: .3rem .8rem; border: 1px solid var(--accent); background: #fff;
  color: var(--accent); border-radius: 4px; cursor: pointer; }
button.copy:hover, button.copy:focus { background: var(--accent); color: #fff; }
figure.chart { margin: 1rem 0 1.75rem; max-width: 100%; }
figure.chart .vis { display: block; width: 100%; min-height: 120px; overflow-x: auto; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; max-width: 80ch; }
figure.chart figcaption a { margin-right: .6rem; }
.vega-bindings { font-size: .9rem; margin: .2rem 0 .4rem; }
.vega-bindings select { font: inherit; margin-left: .3rem; }
.updated { margin: -.3rem 0 .8rem; font-size: .9rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0 1.5rem; }
.downloads { font-size: .85rem; color: var(--muted); }
aside.warnings { border-left: 4px solid var(--flag); background: #fff8e6; padding: .5rem 1rem; margin: 1rem 0; }
aside.warnings ul { margin: .3rem 0; padding-left: 1.2rem; }
.downloads a { margin-right: .5rem; }
.table-wrap .downloads { display: block; margin-top: .3rem; }
table { border-collapse: collapse; font-size: .9rem; min-width: 50%; max-width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
td:first-child:not(.num) { min-width: 9rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
/* Date ranges in the uncertainty tables wrap at their dash rather than widen the page. */
section.uncertainty td.num { white-space: normal; }
tbody tr:hover { background: #f1f5fb; }
td code, p code { font-size: .85rem; word-break: break-all; }
td { overflow-wrap: anywhere; }
/* Wide tables (many numeric columns) may wrap numbers rather than scroll at desktop widths. */
@media (max-width: 1100px) { td.num { white-space: normal; } }
/* A phone: each row becomes a card of labelled lines (the header is in each cell's data-label). */
@media (max-width: 640px) {
  header.site .inner, main, footer.site .inner { padding: 0 .75rem; }
  h1 { font-size: 1.4rem; }
  .table-wrap table, .table-wrap tbody, .table-wrap tr, .table-wrap td, .table-wrap caption { display: block; width: 100%; }
  .table-wrap table { min-width: 0; }
  .table-wrap thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .table-wrap tr { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 .6rem; padding: .2rem 0; }
  .table-wrap td { display: flow-root; border: none; padding: .15rem .6rem .15rem 8.6rem; min-width: 0;
    text-align: left; white-space: normal; }
  .table-wrap td::before { content: attr(data-label); float: left; width: 8rem; margin-left: -8rem;
    padding-right: .4rem; font-size: .8rem; color: var(--muted); font-weight: 600; overflow-wrap: anywhere; }
  .table-wrap td:first-child { font-weight: 600; }
  .headline .value { font-size: 1.6rem; }
}
.flag { color: var(--flag); font-weight: 600; white-space: nowrap; }
dl.methods dt { font-weight: 600; margin-top: .6rem; }
dl.methods dd { margin-left: 1rem; max-width: 72ch; }
footer.site { border-top: 1px solid var(--line); background: var(--panel); color: var(--muted); font-size: .85rem; }
footer.site .inner { padding-top: .8rem; padding-bottom: 1.2rem; }
@media print { header.site, button.copy { display: none; } }
"""

SCRIPT_TEXT = """\
/* Render every chart on the page from its JSON spec, and wire the copy buttons.
   Specs live in <script type="application/json"> beside each chart, so no data is ever
   interpreted as code. */
(function () {
  "use strict";
  function done(root) { root.setAttribute("data-charts-done", "1"); }
  /* Charts fill their column: single views take the container's width; small multiples get
     as many columns as fit, and a row of panels narrows to the screen. The spec in the page
     (and its exports) keeps its fixed size. */
  function wrap(text, chars) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  function narrowLegends(node, columns) {
    if (Array.isArray(node)) { node.forEach(function (n) { narrowLegends(n, columns); }); return; }
    if (!node || typeof node !== "object") { return; }
    if (node.legend && typeof node.legend.columns === "number" && node.legend.columns > columns) {
      node.legend.columns = columns;
      node.legend.labelLimit = Math.min(node.legend.labelLimit || 200, 150);
    }
    Object.keys(node).forEach(function (k) { if (k !== "data" && k !== "datasets") { narrowLegends(node[k], columns); } });
  }
  function fit(spec, target) {
    var avail = target.clientWidth || 720;
    narrowLegends(spec, Math.max(1, Math.floor(avail / 170)));
    var chars = Math.floor((avail - 20) / 8);
    if (typeof spec.title === "string" && spec.title.length > chars) { spec.title = wrap(spec.title, chars); }
    if (spec.title && typeof spec.title === "object" && typeof spec.title.text === "string" && spec.title.text.length > chars) {
      spec.title.text = wrap(spec.title.text, chars);
    }
    if (typeof spec.width === "number" && !spec.facet) {
      spec.width = "container";
      spec.autosize = { type: "fit-x", contains: "padding" };
    } else if (spec.facet && spec.spec && typeof spec.spec.width === "number") {
      var cell = spec.spec.width;
      if (spec.columns) {
        var cols = Math.max(1, Math.min(spec.columns, Math.floor((avail - 60) / (cell + 40))));
        spec.columns = cols;
        if (cols === 1 && cell + 90 > avail) { spec.spec.width = Math.max(150, avail - 90); }
      } else if (cell + 110 > avail) {
        spec.spec.width = Math.max(150, avail - 110);
      }
      var header = spec.facet.row && spec.facet.row.header;
      if (header && header.labelLimit && header.labelLimit > avail - 70) { header.labelLimit = avail - 70; }
    }
    return spec;
  }
  function renderCharts() {
    var root = document.documentElement;
    var figures = document.querySelectorAll("figure[data-chart]");
    var pending = figures.length;
    if (pending === 0) { done(root); return; }
    Array.prototype.forEach.call(figures, function (fig) {
      var target = fig.querySelector(".vis");
      var spec = fit(JSON.parse(fig.querySelector("script.spec").textContent), target);
      window.vegaEmbed(target, spec, { renderer: "svg", actions: false })
        .then(function () { fig.setAttribute("data-rendered", "1"); })
        .catch(function (err) {
          fig.setAttribute("data-rendered", "error");
          target.textContent = "This chart could not be drawn: " + err;
          console.error(err);
        })
        .then(function () { pending -= 1; if (pending === 0) { done(root); } });
    });
  }
  function copyText(text, button) {
    function ok() { button.textContent = "Copied"; }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(ok, function () { fallback(text); ok(); });
    } else { fallback(text); ok(); }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more we can do */ }
    document.body.removeChild(area);
  }
  function wireCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (source) { copyText(source.textContent.trim(), button); }
      });
    });
  }
  function start() { wireCopy(); renderCharts(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
"""


def write_static(out_dir: Path) -> list[Path]:
    """The style sheet and page script; small, so always rewritten."""
    written = []
    for rel, text in ((STYLE, STYLE_TEXT), (SCRIPT, SCRIPT_TEXT)):
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written
