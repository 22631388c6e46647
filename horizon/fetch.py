"""Reading a source: a local file, or an http(s) URL with a timeout and a size limit."""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from horizon.errors import FetchError, InputError


def is_url(origin: str) -> bool:
    return "://" in origin


def read_source(origin: str, max_bytes: int, timeout_s: float) -> bytes:
    """The bytes of a file or URL, refusing anything larger than max_bytes."""
    if is_url(origin):
        return fetch_url(origin, max_bytes, timeout_s)
    path = Path(origin)
    if path.is_dir():
        raise InputError(origin, None, "expected a file or an http(s) URL, got a directory")
    if not path.is_file():
        raise InputError(origin, None, "expected a readable file or an http(s) URL; no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(origin, None, f"expected at most {max_bytes:,} bytes, the file has {size:,}")
    return path.read_bytes()


def fetch_url(url: str, max_bytes: int, timeout_s: float) -> bytes:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: expected an http:// or https:// URL, got scheme {scheme!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "horizon (time-horizon tracker)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (scheme checked)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: expected at most {max_bytes:,} bytes, the server offers {int(declared):,}")
            data = response.read(max_bytes + 1)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: expected HTTP 200, got {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout_s:g} s (timed out)") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"{url}: no answer within {timeout_s:g} s (timed out)") from None
        raise FetchError(f"{url}: cannot fetch ({reason})") from None
    except OSError as exc:
        raise FetchError(f"{url}: cannot fetch ({exc})") from None
    if len(data) > max_bytes:
        raise FetchError(f"{url}: expected at most {max_bytes:,} bytes, got more")
    return data
