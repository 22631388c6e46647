"""Shared files every page links: the Vega bundle (once per site), the style sheet, the page script.

The Vega, Vega-Lite and vega-embed libraries come from vl-convert's own bundle, so a site builds
offline from Python packages alone and opens from file:// with no network.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from horizon.errors import HorizonError

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


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers never see half a file: write beside the target, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        _write_atomic(cached, data)
        _write_atomic(_digest_file(cached), (hashlib.sha256(data).hexdigest() + "\n").encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower


def write_bundle(path: Path, cache_dir: Path | None = None) -> None:
    """Write the bundle in this process (vl-convert caches it: only the first call is slow)."""
    import vl_convert as vlc

    if _from_cache(path, cache_dir):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(bundle_header() + vlc.javascript_bundle(), encoding="utf-8", newline="\n")
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
header.site .inner, main, footer.site .inner { max-width: 1060px; margin: 0 auto; padding: 0 1.25rem; }
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
figure.chart { margin: 1rem 0 1.75rem; }
figure.chart .vis { min-height: 120px; overflow-x: auto; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; max-width: 80ch; }
figure.chart figcaption a { margin-right: .6rem; }
.table-wrap { overflow-x: auto; margin: .75rem 0 1.5rem; }
table { border-collapse: collapse; font-size: .9rem; min-width: 50%; }
caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
td:first-child { min-width: 11rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:hover { background: #f1f5fb; }
td code, p code { font-size: .85rem; word-break: break-all; }
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
  function renderCharts() {
    var root = document.documentElement;
    var figures = document.querySelectorAll("figure[data-chart]");
    var pending = figures.length;
    if (pending === 0) { done(root); return; }
    Array.prototype.forEach.call(figures, function (fig) {
      var target = fig.querySelector(".vis");
      var spec = JSON.parse(fig.querySelector("script.spec").textContent);
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
