"""Child processes of a report build: the chart exporter and the Vega bundle writer.

``python -P export_worker.py export PARENT_PID`` draws chart SVGs (and PNGs when idle) with
vl-convert, beside the page builder; ``python -P export_worker.py bundle PARENT_PID OUT HEADER``
writes the Vega bundle to OUT. Either dies with its parent: on Linux the kernel sends it
SIGKILL when the parent exits, however it exits (PR_SET_PDEATHSIG, set first thing, then a
check that the parent did not exit before); elsewhere a thread checks the parent every
half second. So no child outlives a killed `horizon report`. (Linux ties the signal to the
parent's thread that started the child: the build starts its children from the thread it
runs in, which lives as long as the build.)

Run as a script, never imported by the package: it needs only
the standard library and vl-convert, so it starts in a few milliseconds and warms vl-convert's
JavaScript runtime (~0.5 s for the first chart in a process) while the parent still queries
the store.

Protocol: the parent writes one JSON line per chart, ``{"spec": <file holding the spec as
JSON>, "svg": <path>, "png": <path>, "claim": <path>}``; the worker answers ``ok`` once that
SVG is on disk, in the order received. Drawing SVGs comes first (only a process with the
runtime can do it); when none is waiting, the worker rasterises a finished SVG into its PNG.
The parent rasterises too once its pages are built; whichever creates the ``claim`` file
first (O_EXCL) does the PNG, so each is written once. A failure is reported as one
``error <message>`` line and exit status 1; end of input and no work left: exit status 0.
"""

import json
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from typing import Any

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Exit when process ``parent`` does, even if it is killed with SIGKILL."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
        else:
            if os.getppid() != parent:  # it died before the request took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _warm_up(vlc) -> None:
    # The first conversion in a process starts the runtime; do it before any real work arrives.
    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{"a": 1}]},
                         "encoding": {"x": {"field": "a", "type": "quantitative"}}})


def _claim(path: str) -> bool:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _draw_svg(vlc, job: dict) -> None:
    with open(job["spec"], encoding="utf-8") as f:
        # A dict, not the text: vl-convert parses floats in text slightly differently.
        spec = json.load(f)
    text = vlc.vegalite_to_svg(spec)
    with open(job["svg"], "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _draw_png(vlc, job: dict) -> None:
    with open(job["svg"], encoding="utf-8", newline="") as f:
        text = f.read()
    data = vlc.svg_to_png(text, scale=job["scale"])
    with open(job["png"], "wb") as f:
        f.write(data)


def _one_line(exc: Exception) -> str:
    """The error without the JavaScript stack trace vl-convert appends (lines "at ...")."""
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line and not line.startswith("at ")]
    return " ".join(" ".join(kept).split()) or type(exc).__name__


def _reply(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def write_bundle(out: str, header: str) -> int:
    import vl_convert as vlc

    with open(out, "w", encoding="utf-8", newline="\n") as f:
        # The stub makes snippet required; at runtime it defaults to None, the default snippet.
        f.write(header + vlc.javascript_bundle())  # type: ignore[call-arg]
    return 0


def main(argv: list[str]) -> int:
    mode, parent = argv[0], int(argv[1])
    die_with_parent(parent)
    if mode == "bundle":
        return write_bundle(argv[2], argv[3])
    return export()


def export() -> int:
    import vl_convert as vlc

    _warm_up(vlc)
    fd = sys.stdin.fileno()
    pending, eof = b"", False
    svgs: deque[dict[str, Any]] = deque()  # jobs whose SVG is still to draw
    pngs: deque[dict[str, Any]] = deque()  # jobs whose SVG is drawn and PNG may not be
    while True:
        if not eof:
            # Block for input only when there is nothing else to do.
            idle = not svgs and not pngs
            readable, _, _ = select.select([fd], [], [], None if idle else 0)
            if readable:
                chunk = os.read(fd, 1 << 16)
                eof = not chunk
                *lines, pending = (pending + chunk).split(b"\n")
                svgs.extend(json.loads(line) for line in lines if line.strip())
                continue
        try:
            if svgs:
                job = svgs.popleft()
                _draw_svg(vlc, job)
                _reply("ok")
                pngs.append(job)
            elif pngs:
                job = pngs.popleft()
                if _claim(job["claim"]):
                    _draw_png(vlc, job)
            elif eof:
                return 0
        except Exception as exc:  # noqa: BLE001 - any failure is reported to the parent, which raises it
            _reply("error " + _one_line(exc))
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
