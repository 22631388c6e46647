"""Child process that draws chart SVGs (and PNGs when idle) with vl-convert, beside the page builder.

Run as a script (``python -P export_worker.py``), never imported by the package: it needs only
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
import sys
from collections import deque


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


def main() -> int:
    import vl_convert as vlc

    _warm_up(vlc)
    fd = sys.stdin.fileno()
    pending, eof = b"", False
    svgs, pngs = deque(), deque()
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
    sys.exit(main())
