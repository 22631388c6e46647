"""The report site in a real browser: headless Chromium opens every page over file:// with the
network cut off, and we check what a reader would see.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: commands
on fd 3, replies on fd 4, NUL-separated JSON), so the test needs only the standard library and
Debian's ``chromium`` (installed by .ci/install-browser.sh), no Playwright download.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from horizon.report.pages.layout import NAV
from horizon.report.site import build_site

CHROMIUM = Path("/usr/bin/chromium")
XSS_NAME = "<script>alert(1)</script>"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="needs /usr/bin/chromium: run .ci/install-browser.sh")]
else:
    pytestmark = [pytest.mark.browser]

# Everything that could reach the network is switched off or pointed at a dead end, so any
# request that is not file:// fails and shows up in the request log.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--window-size=1280,900",
]


_LAUNCH = (
    "import os, sys\n"
    "os.dup2(int(sys.argv[1]), 3)\n"
    "os.dup2(int(sys.argv[2]), 4)\n"
    "os.close(int(sys.argv[1])); os.close(int(sys.argv[2]))\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


def _high_fds(pair: tuple[int, int]) -> tuple[int, int]:
    """Move a pipe's fds to 10 and up, so moving one to 3 or 4 cannot clobber the other."""
    out = []
    for fd in pair:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        out.append(moved)
    return out[0], out[1]


class Browser:
    """A headless Chromium and a DevTools-protocol session over a pipe."""

    def __init__(self, executable: Path = CHROMIUM):
        self.profile = tempfile.mkdtemp(prefix="horizon-chromium-")
        cmd_read, self._cmd_write = _high_fds(os.pipe())
        self._res_read, res_write = _high_fds(os.pipe())
        args = [str(executable), *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        # The protocol wants our pipe ends as fds 3 and 4 in the child: a tiny Python launcher
        # moves them there (the fds are >= 10, so neither can be overwritten by the other).
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(cmd_read), str(res_write), *args],
            pass_fds=(cmd_read, res_write), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(cmd_read)
        os.close(res_write)
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_write, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from chromium")
            ready, _, _ = select.select([self._res_read], [], [], left)
            if ready:
                chunk = os.read(self._res_read, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\0", 1)
        return json.loads(line)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read(deadline))
        except TimeoutError:
            pass

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, EOFError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        os.close(self._cmd_write)
        os.close(self._res_read)
        shutil.rmtree(self.profile, ignore_errors=True)


class PageVisit:
    """Open one URL in a fresh tab, wait until every chart has settled, collect what happened."""

    def __init__(self, browser: Browser, url: str, timeout: float = 30.0, width: int | None = None):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.target = target
        for domain in ("Runtime.enable", "Log.enable", "Network.enable", "Page.enable"):
            browser.send(domain, session=self.session)
        if width is not None:  # a phone is narrow and touch-first; a desktop is neither
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}, session=self.session)
        start = len(browser.events)
        browser.send("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + timeout
        done = "location.protocol === 'file:' && document.documentElement && document.documentElement.getAttribute('data-charts-done')"
        while self.evaluate(done) != "1":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: charts did not finish rendering within {timeout} s")
            browser.pump(0.1)
        browser.pump(0.2)  # late console messages
        self.events = [e for e in browser.events[start:] if e.get("sessionId") == self.session]

    def evaluate(self, expression: str):
        result = self.browser.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_errors(self) -> list[str]:
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                found.append(params.get("exceptionDetails", {}).get("text", "exception"))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def dialogs(self) -> list[str]:
        return [e["params"].get("message", "") for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def screenshot(self, path: Path) -> None:
        """The whole page as a PNG (beyond the window's height)."""
        import base64

        size = self.browser.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
        shot = self.browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        }, session=self.session, timeout=60)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


CHART_STATE = """
Array.from(document.querySelectorAll('figure[data-chart]')).map(function (fig) {
  var svg = fig.querySelector('.vis svg');
  var marks = svg ? svg.querySelectorAll('.role-mark > *').length : 0;
  return {id: fig.getAttribute('data-chart'), state: fig.getAttribute('data-rendered'), marks: marks};
})
"""


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, report_store):
    con, config = report_store
    return build_site(con, config, tmp_path_factory.mktemp("site") / "site", export=False)


@pytest.fixture(scope="module")
def report_store(tmp_path_factory):
    from test_report_data import fixture_store

    return fixture_store(tmp_path_factory.mktemp("store"))


def test_every_page_renders_every_chart_offline_without_console_errors(browser, site):
    for name in site.pages:
        visit = PageVisit(browser, (site.out_dir / name).as_uri())
        try:
            assert visit.console_errors() == [], name
            outside = [u for u in visit.requests() if not u.startswith("file://")]
            assert outside == [], f"{name} asked the network for {outside}"
            charts = visit.evaluate(CHART_STATE)
            for chart in charts:
                assert chart["state"] == "1" and chart["marks"] > 0, f"{name}: chart {chart} did not render"
            assert visit.evaluate("document.querySelectorAll('nav.site a').length") == len(NAV)
        finally:
            visit.close()


def test_every_page_that_has_charts_has_them(site):
    # The store behind the browser test has data for every page, so every chart page has charts.
    assert {"overview-p50", "vintages-p50", "vintages-doubling", "domains-horizons", "models-success-curves",
            "trends-forms-p50", "trends-backtest-p50"} <= set(site.charts)


def test_model_named_like_a_script_tag_shows_as_text_and_never_runs(browser, site):
    for name in ("models.html", "vintages.html"):
        visit = PageVisit(browser, (site.out_dir / name).as_uri())
        try:
            assert visit.dialogs() == []
            assert XSS_NAME in visit.evaluate("document.body.innerText"), name
            assert visit.evaluate("document.querySelectorAll('main script:not([type])').length") == 0
            if name == "models.html":
                # The success-curve panels are headed by model name: drawn as SVG text.
                labels = visit.evaluate("Array.from(document.querySelectorAll('figure svg text')).map(t => t.textContent)")
                assert XSS_NAME in labels
        finally:
            visit.close()


def test_the_harness_notices_console_errors_and_network_requests(browser, tmp_path):
    # A page that does both things the real test forbids: the checks above can fail.
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><html><body><img src='http://example.invalid/x.png'>"
        "<script>console.error('boom'); document.documentElement.setAttribute('data-charts-done', '1');</script>"
        "</body></html>",
        encoding="utf-8",
    )
    visit = PageVisit(browser, page.as_uri())
    try:
        assert any("boom" in e for e in visit.console_errors())
        assert "http://example.invalid/x.png" in visit.requests()
    finally:
        visit.close()


OVERFLOW = """
(function () {
  var wide = Array.from(document.querySelectorAll('.table-wrap'))
    .filter(function (t) { return t.scrollWidth > t.clientWidth + 1; })
    .map(function (t) { var table = t.querySelector('table'); return table ? table.id : '?'; });
  var charts = Array.from(document.querySelectorAll('figure[data-chart] .vis'))
    .filter(function (v) { return v.scrollWidth > v.clientWidth + 1; })
    .map(function (v) { return v.parentNode.getAttribute('data-chart'); });
  return {page: document.documentElement.scrollWidth, window: window.innerWidth, tables: wide, charts: charts};
})()
"""


@pytest.mark.parametrize("width", [390, 1300])
def test_no_page_overflows_sideways_on_a_phone_or_a_desktop(browser, site, width):
    for name in site.pages:
        visit = PageVisit(browser, (site.out_dir / name).as_uri(), width=width)
        try:
            state = visit.evaluate(OVERFLOW)
            assert state["window"] == width
            assert state["page"] <= width, f"{name} at {width} px is {state['page']} px wide"
            if width >= 1300:
                assert state["tables"] == [], f"{name}: tables scroll sideways at {width} px"
            assert state["charts"] == [], f"{name}: charts wider than the page at {width} px"
            charts = visit.evaluate(CHART_STATE)
            assert all(c["state"] == "1" for c in charts), (name, width, charts)
        finally:
            visit.close()


def test_charts_take_the_width_of_a_phone(browser, site):
    visit = PageVisit(browser, (site.out_dir / "index.html").as_uri(), width=390)
    try:
        width = visit.evaluate("document.querySelector('#chart-overview-p50 .vis svg').getBoundingClientRect().width")
        assert width <= 390 - 16  # the 720 px spec fits the phone, margins included
        # Tables become cards of labelled lines: the header is hidden, each cell names its column.
        label = visit.evaluate("getComputedStyle(document.querySelector('#forecast-intervals-p50 td'), '::before').content")
        assert label == '"Threshold"'
    finally:
        visit.close()


PICK_LAB = """
(function () {
  var select = document.querySelector('#chart-overview-p50 select');
  select.value = 'Lab A';
  select.dispatchEvent(new Event('change'));
  return Array.from(select.options).map(function (o) { return o.value; });
})()
"""
FADED = "document.querySelectorAll('#chart-overview-p50 .mark-symbol path[opacity=\"0.12\"]').length"
SHOWN = "document.querySelectorAll('#chart-overview-p50 .mark-symbol path[opacity=\"0.95\"]').length"


def test_the_lab_picker_highlights_one_labs_models_and_fades_the_rest(browser, site):
    visit = PageVisit(browser, (site.out_dir / "index.html").as_uri(), width=1300)
    try:
        assert visit.evaluate(FADED) == 0
        before = visit.evaluate(SHOWN)
        assert visit.evaluate(PICK_LAB) == ["all labs", "Lab A", "Lab B", "Lab C"]
        visit.browser.pump(0.5)
        faded, shown = visit.evaluate(FADED), visit.evaluate(SHOWN)
        assert faded > 0 and shown > 0 and faded + shown == before
        labels = visit.evaluate("Array.from(document.querySelectorAll('#chart-overview-p50 .mark-text text'))"
                                ".map(t => t.textContent)")
        assert "Omega 5" in labels or "Gamma 3" in labels  # frontier models are named on the chart
    finally:
        visit.close()
