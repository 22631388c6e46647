"""Each chart as SVG and PNG (for papers and slides), plus its Vega-Lite spec, via vl-convert.

A chart is re-exported only when its spec changed since the last build: the spec file written
beside the images is the cache key, so a rebuild with the same data touches nothing.

vl-convert holds the GIL and renders one chart at a time per process, and its first chart in a
process costs ~0.5 s to start its JavaScript runtime. So the SVGs are drawn by one worker
process (export_worker.py), started early and fed each chart as soon as its page is built,
while this process goes on building pages. Rasterising an SVG into its PNG needs no runtime,
so the worker does it when it has no SVG to draw and this process helps once its pages are
done. Each file's bytes depend only on its spec, so who draws what does not change the output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from horizon.errors import HorizonError

# Twice the on-screen size: sharp on slides and in print.
PNG_SCALE = 2
WORKER = Path(__file__).with_name("export_worker.py")


@dataclass(frozen=True)
class Exported:
    chart_id: str
    spec: Path
    svg: Path
    png: Path
    converted: bool  # False: the spec was unchanged and the images were reused


def spec_text(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _read_exact(path: Path) -> str:
    # newline="": the SVG string exactly as vl-convert produced it (no newline translation).
    with path.open("r", encoding="utf-8", newline="") as f:
        return f.read()


def _claim(path: Path) -> bool:
    """True for the one process (this or the worker) that creates ``path`` first."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _rasterise(svg: Path, png: Path) -> None:
    import vl_convert as vlc

    # Rasterising the SVG gives the same bytes as vegalite_to_png (checked) without running
    # the Vega layout a second time: ~40% faster.
    png.write_bytes(vlc.svg_to_png(_read_exact(svg), scale=PNG_SCALE))


class ChartExporter:
    """Writes ``<id>.vl.json``, ``<id>.svg`` and ``<id>.png`` under ``out_dir`` for each chart added.

    Use it as a context manager: leaving the block stops the worker whatever happened.
    ``warm=True`` starts the worker at once (for a fresh site, where every chart needs
    drawing); otherwise it starts with the first chart whose spec changed.
    """

    def __init__(self, out_dir: Path, *, warm: bool = False):
        self.out_dir = out_dir
        self._texts: dict[str, str] = {}   # chart id -> spec file text
        self._todo: list[str] = []         # chart ids sent to the worker, in the order sent
        self._proc: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._stderr = None
        self._last_reply = ""
        if warm:
            self._start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _paths(self, chart_id: str) -> tuple[Path, Path, Path]:
        d = self.out_dir
        return d / f"{chart_id}.vl.json", d / f"{chart_id}.svg", d / f"{chart_id}.png"

    def _start(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="horizon-export-")
        # A file, not a pipe: warnings the worker prints can never fill a buffer and stall it.
        self._stderr = open(Path(self._tmp.name) / "stderr.txt", "w+b")  # noqa: SIM115 - closed by close()
        # -P: keep this package's directory off sys.path (its module names would shadow others).
        self._proc = subprocess.Popen(
            [sys.executable, "-P", str(WORKER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, encoding="utf-8", bufsize=1,
        )

    def add(self, chart_id: str, spec: dict[str, Any]) -> None:
        """Queue one chart; its SVG is drawn in the worker while the caller carries on."""
        if chart_id in self._texts:
            raise HorizonError(f"report: two charts share the id {chart_id!r}")
        text = spec_text(spec)
        self._texts[chart_id] = text
        self.out_dir.mkdir(parents=True, exist_ok=True)
        spec_path, svg, png = self._paths(chart_id)
        if spec_path.exists() and svg.exists() and png.exists() and spec_path.read_text(encoding="utf-8") == text:
            return
        if self._proc is None:
            self._start()
        # The worker reads the spec as a dict in insertion order, exactly as it was built.
        job_spec = Path(self._tmp.name) / f"{len(self._todo)}.json"
        job_spec.write_text(json.dumps(spec, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        claim = Path(self._tmp.name) / f"{len(self._todo)}.png.claim"
        self._send(json.dumps({"spec": str(job_spec), "svg": str(svg), "png": str(png), "claim": str(claim),
                               "scale": PNG_SCALE}) + "\n")
        self._todo.append(chart_id)

    def _send(self, line: str) -> None:
        try:
            self._proc.stdin.write(line)
        except (BrokenPipeError, OSError):
            raise self._failure(None) from None

    def _failure(self, chart_id: str | None) -> HorizonError:
        """The worker's own message when it sent one, else the last line it printed on stderr."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        replies = [self._last_reply, *self._proc.stdout.read().splitlines()]
        errors = [r[len("error "):].strip() for r in replies if r.startswith("error ")]
        if errors:
            message = errors[0]
        else:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else f"the export worker stopped (exit status {self._proc.returncode})"
        where = self.out_dir / f"{chart_id}.svg" if chart_id else self.out_dir
        return HorizonError(f"{where}: could not export the chart with vl-convert: {message}")

    def finish(self) -> list[Exported]:
        """Wait for the SVGs, rasterise those the worker has not, then write the specs; one entry per chart."""
        if self._proc is not None:
            self._send_eof()
            for n, chart_id in enumerate(self._todo):
                self._last_reply = self._proc.stdout.readline()
                if self._last_reply.strip() != "ok":
                    raise self._failure(chart_id)
                _, svg, png = self._paths(chart_id)
                if _claim(Path(self._tmp.name) / f"{n}.png.claim"):
                    _rasterise(svg, png)
            # The worker's exit says whether the PNGs it claimed were written.
            self._last_reply = ""
            if self._proc.wait() != 0:
                raise self._failure(None)
        # Specs last: a build interrupted mid-export leaves no spec claiming stale images are fresh.
        results = []
        converted = set(self._todo)
        for chart_id in sorted(self._texts):
            spec_path, svg, png = self._paths(chart_id)
            text = self._texts[chart_id]
            if not spec_path.exists() or spec_path.read_text(encoding="utf-8") != text:
                spec_path.write_text(text, encoding="utf-8", newline="\n")
            results.append(Exported(chart_id, spec_path, svg, png, converted=chart_id in converted))
        return results

    def _send_eof(self) -> None:
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # it has already stopped; its exit status and replies say why

    def close(self) -> None:
        """Stop the worker (if still running) and remove its scratch files; safe to call twice."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None and not stream.closed:
                    try:
                        stream.close()
                    except OSError:
                        pass
            self._proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def export_charts(charts: dict[str, dict[str, Any]], out_dir: Path) -> list[Exported]:
    """Write ``<id>.vl.json``, ``<id>.svg`` and ``<id>.png`` under ``out_dir`` for every chart."""
    with ChartExporter(out_dir) as exporter:
        for chart_id in sorted(charts):
            exporter.add(chart_id, charts[chart_id])
        return exporter.finish()
