"""Each chart as SVG and PNG (for papers and slides), plus its Vega-Lite spec, via vl-convert.

The exported spec is the page's spec with a source line added (``with_source_line``), so an
image taken out of the site still says where its data came from; the ``.vl.json`` file holds
that exported spec, exactly what the images were drawn from.

A chart is re-exported only when no earlier build drew the same exported spec: the images are
kept in a cache directory under a hash of the spec text, the vl-convert release and the PNG
scale, with a digest of each file that is checked before the bytes are reused. Nothing is ever
reused from a previous site (it may be damaged or from another store).

vl-convert holds the GIL and renders one chart at a time per process, and its first chart in a
process costs ~0.5 s to start its JavaScript runtime. So the SVGs are drawn by one worker
process (export_worker.py), started early and fed each chart as soon as its page is built,
while this process goes on building pages. Rasterising an SVG into its PNG needs no runtime,
so the worker does it when it has no SVG to draw and this process helps once its pages are
done. Each file's bytes depend only on its spec, so who draws what does not change the output.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Self

from horizon.errors import HorizonError
from horizon.report.cachefile import write_atomic

# Twice the on-screen size: sharp on slides and in print.
PNG_SCALE = 2
WORKER = Path(__file__).with_name("export_worker.py")
# Enough for several sites' worth of charts; older entries (by last use) are removed.
MAX_CACHED = 256
SOURCE_COLOR = "#4b5563"


@dataclass(frozen=True)
class Exported:
    chart_id: str
    spec: Path
    svg: Path
    png: Path
    converted: bool  # False: the images came from the cache


def spec_text(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def with_source_line(spec: dict[str, Any], line: str | None) -> dict[str, Any]:
    """A copy of ``spec`` whose title carries ``line`` as its last subtitle line (a chart with no
    title gets the line as a small title below it); ``spec`` itself is not changed."""
    if not line:
        return spec
    out = dict(spec)
    title = spec.get("title")
    if title is None or title == "" or (isinstance(title, dict) and not title.get("text")):
        out["title"] = {"text": line, "orient": "bottom", "anchor": "start", "fontSize": 11,
                        "fontWeight": "normal", "color": SOURCE_COLOR}
        return out
    title = dict(title) if isinstance(title, dict) else {"text": title}
    subtitle = title.get("subtitle")
    title["subtitle"] = [*([] if subtitle is None else [subtitle] if isinstance(subtitle, str) else subtitle), line]
    title.setdefault("subtitleColor", SOURCE_COLOR)
    title.setdefault("subtitleFontSize", 11)
    out["title"] = title
    return out


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()




class ImageCache:
    """Exported SVG and PNG bytes by exported spec, each entry with the digests of its files.

    ``directory=None``: nothing is cached. Best effort: a cache that cannot be read or written
    only makes the build slower, and an entry whose bytes do not match its digests is redrawn.
    """

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._identity: str | None = None

    def key(self, text: str) -> str:
        if self._identity is None:
            from importlib.metadata import version

            self._identity = f"vl-convert {version('vl-convert-python')}, png scale {PNG_SCALE}"
        return _sha(f"{self._identity}\0{text}".encode())[:32]

    def load(self, text: str) -> tuple[bytes, bytes] | None:
        if self.directory is None:
            return None
        base = self.directory / self.key(text)
        try:
            digests = base.with_suffix(".sha256").read_text(encoding="utf-8").split()
            svg, png = base.with_suffix(".svg").read_bytes(), base.with_suffix(".png").read_bytes()
            os.utime(base.with_suffix(".sha256"))  # last use, for pruning
        except (OSError, UnicodeDecodeError):
            return None
        if digests != [_sha(svg), _sha(png)]:
            return None
        return svg, png

    def store(self, text: str, svg: bytes, png: bytes) -> None:
        if self.directory is None:
            return
        base = self.directory / self.key(text)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomic(base.with_suffix(".svg"), svg)
            write_atomic(base.with_suffix(".png"), png)
            # The digests last: an entry is complete only once they are there.
            write_atomic(base.with_suffix(".sha256"), f"{_sha(svg)}\n{_sha(png)}\n".encode())
            self._prune(self.directory)
        except OSError:
            pass

    @staticmethod
    def _prune(directory: Path) -> None:
        entries = sorted(directory.glob("*.sha256"), key=lambda p: (p.stat().st_mtime, p.name))
        for p in entries[: max(0, len(entries) - MAX_CACHED)]:
            for suffix in (".svg", ".png", ".sha256"):
                p.with_suffix(suffix).unlink(missing_ok=True)
        remove_stale_partials(directory)


def remove_stale_partials(directory: Path, age_s: float = 3600.0) -> None:
    """Half-written ``*.tmp`` files that a killed build left in a cache directory; an hour old,
    so never one that a build running now is writing."""
    for p in directory.glob("*.tmp"):
        try:
            if time.time() - p.stat().st_mtime > age_s:
                p.unlink()
        except OSError:
            pass


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
    ``warm=True`` starts the worker at once (when most charts will need drawing); otherwise
    it starts with the first chart that is not in ``cache_dir``. ``scratch``: where the
    worker's job files go (default: a new temporary directory).
    """

    def __init__(self, out_dir: Path, *, cache_dir: Path | None = None, warm: bool = False,
                 scratch: Path | None = None):
        self.out_dir = out_dir
        self._cache = ImageCache(cache_dir)
        self._scratch = scratch
        self._texts: dict[str, str] = {}   # chart id -> spec file text
        self._todo: list[str] = []         # chart ids sent to the worker, in the order sent
        self._proc: subprocess.Popen[str] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stderr: BinaryIO | None = None
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
        if self._scratch is not None:
            self._scratch.mkdir(parents=True, exist_ok=True)
        self._tmp = tempfile.TemporaryDirectory(prefix="horizon-export-", dir=self._scratch)
        # A file, not a pipe: warnings the worker prints can never fill a buffer and stall it.
        self._stderr = open(self._jobs() / "stderr.txt", "w+b")  # noqa: SIM115 - closed by close()
        # -P: keep this package's directory off sys.path (its module names would shadow others).
        # The worker dies with this process (it is given this pid to check that it still has it).
        self._proc = subprocess.Popen(
            [sys.executable, "-P", str(WORKER), "export", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, encoding="utf-8", bufsize=1,
        )

    def _jobs(self) -> Path:
        """The worker's scratch directory (its job files and stderr); there once it has started."""
        if self._tmp is None:
            raise RuntimeError("the export worker has not been started")
        return Path(self._tmp.name)

    def _pipes(self) -> tuple[subprocess.Popen[str], IO[str], IO[str]]:
        """The worker with its stdin and stdout (both pipes, so never None once it has started)."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise RuntimeError("the export worker has not been started")
        return proc, proc.stdin, proc.stdout

    def add(self, chart_id: str, spec: dict[str, Any], *, source: str | None = None) -> None:
        """Queue one chart; its SVG is drawn in the worker while the caller carries on.

        ``source``: the line naming where the data came from, added to the exported images."""
        if chart_id in self._texts:
            raise HorizonError(f"report: two charts share the id {chart_id!r}")
        spec = with_source_line(spec, source)
        text = spec_text(spec)
        self._texts[chart_id] = text
        self.out_dir.mkdir(parents=True, exist_ok=True)
        _, svg, png = self._paths(chart_id)
        cached = self._cache.load(text)
        if cached is not None:
            svg.write_bytes(cached[0])
            png.write_bytes(cached[1])
            return
        if self._proc is None:
            self._start()
        # The worker reads the spec as a dict in insertion order, exactly as it was built.
        jobs = self._jobs()
        job_spec = jobs / f"{len(self._todo)}.json"
        job_spec.write_text(json.dumps(spec, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        claim = jobs / f"{len(self._todo)}.png.claim"
        self._send(json.dumps({"spec": str(job_spec), "svg": str(svg), "png": str(png), "claim": str(claim),
                               "scale": PNG_SCALE}) + "\n")
        self._todo.append(chart_id)

    def _send(self, line: str) -> None:
        _, stdin, _ = self._pipes()
        try:
            stdin.write(line)
        except (BrokenPipeError, OSError):
            raise self._failure(None) from None

    def _failure(self, chart_id: str | None) -> HorizonError:
        """The worker's own message when it sent one, else the last line it printed on stderr."""
        proc, _, stdout = self._pipes()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        replies = [self._last_reply, *stdout.read().splitlines()]
        errors = [r[len("error "):].strip() for r in replies if r.startswith("error ")]
        if errors:
            message = errors[0]
        else:
            lines: list[str] = []
            if self._stderr is not None:
                self._stderr.seek(0)
                lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else f"the export worker stopped (exit status {proc.returncode})"
        where = self.out_dir / f"{chart_id}.svg" if chart_id else self.out_dir
        return HorizonError(f"{where}: could not export the chart with vl-convert: {message}")

    def finish(self) -> list[Exported]:
        """Wait for the SVGs, rasterise those the worker has not, then write the specs; one entry per chart."""
        if self._proc is not None:
            proc, _, stdout = self._pipes()
            jobs = self._jobs()
            self._send_eof()
            for n, chart_id in enumerate(self._todo):
                self._last_reply = stdout.readline()
                if self._last_reply.strip() != "ok":
                    raise self._failure(chart_id)
                _, svg, png = self._paths(chart_id)
                if _claim(jobs / f"{n}.png.claim"):
                    _rasterise(svg, png)
            # The worker's exit says whether the PNGs it claimed were written.
            self._last_reply = ""
            if proc.wait() != 0:
                raise self._failure(None)
            for chart_id in self._todo:
                _, svg, png = self._paths(chart_id)
                self._cache.store(self._texts[chart_id], svg.read_bytes(), png.read_bytes())
        results = []
        converted = set(self._todo)
        for chart_id in sorted(self._texts):
            spec_path, svg, png = self._paths(chart_id)
            spec_path.write_text(self._texts[chart_id], encoding="utf-8", newline="\n")
            results.append(Exported(chart_id, spec_path, svg, png, converted=chart_id in converted))
        return results

    def _send_eof(self) -> None:
        _, stdin, _ = self._pipes()
        try:
            stdin.close()
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


def export_charts(charts: dict[str, dict[str, Any]], out_dir: Path, *, cache_dir: Path | None = None,
                  source: str | None = None) -> list[Exported]:
    """Write ``<id>.vl.json``, ``<id>.svg`` and ``<id>.png`` under ``out_dir`` for every chart."""
    with ChartExporter(out_dir, cache_dir=cache_dir) as exporter:
        for chart_id in sorted(charts):
            exporter.add(chart_id, charts[chart_id], source=source)
        return exporter.finish()
