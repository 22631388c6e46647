"""Reading a source: a local file, or an http(s) URL.

A download is accepted only whole: the body must be as long as the server's Content-Length
and match any digest the server publishes (Content-Digest, Repr-Digest, Digest, Content-MD5).
Every redirect hop must be http(s). Two clocks bound it: ``timeout_s`` for any single wait
(connecting, or silence between bytes), and ``deadline_s`` for the whole download, redirects
included, so that a server sending a byte every few seconds cannot hold it open. Nothing here
touches the database: callers fetch first, then write in one short transaction.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from horizon.errors import FetchError, InputError

USER_AGENT = "horizon (time-horizon tracker)"
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


def is_url(origin: str) -> bool:
    return "://" in origin


def read_source(origin: str, max_bytes: int, timeout_s: float, deadline_s: float | None = None) -> bytes:
    """The bytes of a file or URL, refusing anything larger than max_bytes."""
    if is_url(origin):
        return fetch_url(origin, max_bytes, timeout_s, deadline_s)
    path = Path(origin)
    if path.is_dir():
        raise InputError(origin, None, "expected a file or an http(s) URL, got a directory")
    if not path.is_file():
        raise InputError(origin, None, "expected a readable file or an http(s) URL; no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(origin, None, f"expected at most {max_bytes:,} bytes, the file has {size:,}")
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(origin, None, f"expected a readable file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew while we read it
        raise InputError(origin, None, f"expected at most {max_bytes:,} bytes, the file has more")
    return data


# --- the download ----------------------------------------------------------------------------


class _Watch:
    """Every socket a download opens; at the deadline, shut them all so that a blocked read
    returns at once (a shutdown wakes a thread blocked in recv, a close does not)."""

    def __init__(self) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _opener(url: str, watch: _Watch) -> urllib.request.OpenerDirector:
    class Connection(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            watch.add(self.sock)

    class TLSConnection(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            watch.add(self.sock)

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Connection, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            # _context: the handler's own SSL context, which typeshed leaves undeclared
            return self.do_open(TLSConnection, req, context=self._context)  # type: ignore[attr-defined]

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def http_error_302(self, req, fp, code, msg, headers):
            location = headers.get("Location") or headers.get("URI")
            if location:
                target = urllib.parse.urljoin(req.full_url, location)
                if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                    fp.close()
                    raise FetchError(f"{url}: redirected to {target!r}: expected http:// or https:// on every hop")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    # Only what an http(s) download needs: no file:, ftp: or data: handlers to fall back on.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), HTTP(), HTTPS(),
                    urllib.request.HTTPDefaultErrorHandler(), Redirects(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def fetch_url(url: str, max_bytes: int, timeout_s: float, deadline_s: float | None = None) -> bytes:
    """The body of an http(s) URL, whole and verified, within ``deadline_s`` (default: three
    times ``timeout_s``)."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"{url}: expected an http:// or https:// URL, got scheme {scheme!r}")
    deadline_s = 3 * timeout_s if deadline_s is None else deadline_s
    watch = _Watch()
    timer = threading.Timer(deadline_s, watch.expire)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        return _download(url, max_bytes, timeout_s, watch)
    except FetchError:
        raise
    except Exception as exc:
        if watch.expired or time.monotonic() - started >= deadline_s:
            raise FetchError(f"{url}: no complete answer within {deadline_s:g} s (the deadline for the whole download)") from None
        raise _as_fetch_error(url, exc, timeout_s) from None
    finally:
        timer.cancel()


def _download(url: str, max_bytes: int, timeout_s: float, watch: _Watch) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    with _opener(url, watch).open(request, timeout=timeout_s) as response:
        if response.status != 200:
            raise FetchError(f"{url}: expected HTTP 200, got {response.status} {response.reason}")
        declared = _content_length(url, response.headers)
        if declared is not None and declared > max_bytes:
            raise FetchError(f"{url}: expected at most {max_bytes:,} bytes, the server offers {declared:,}")
        chunks, got = [], 0
        while True:
            chunk = response.read(min(_CHUNK, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > max_bytes:
                raise FetchError(f"{url}: expected at most {max_bytes:,} bytes, got more")
        headers = response.headers
    if watch.expired:
        raise TimeoutError("deadline")
    if declared is not None and got != declared:
        raise FetchError(
            f"{url}: the download was cut off: the server announced {declared:,} bytes (Content-Length)"
            f" and sent {got:,}"
        )
    data = b"".join(chunks)
    _check_digests(url, headers, data)
    return data


def _content_length(url: str, headers) -> int | None:
    if headers.get("Transfer-Encoding", "").strip().lower() == "chunked":
        return None  # the chunked framing says where the body ends (a cut-off is IncompleteRead)
    values = headers.get_all("Content-Length") or []
    if not values:
        return None
    distinct = {v.strip() for value in values for v in value.split(",")}
    if len(distinct) != 1 or not next(iter(distinct)).isdigit():
        raise FetchError(f"{url}: malformed HTTP response (Content-Length {', '.join(values)!r} is not one byte count)")
    return int(next(iter(distinct)))


# Digest headers a server may send, and how each names its algorithms.
_ALGORITHMS = {"sha-256": "sha256", "sha-512": "sha512", "sha256": "sha256", "sha512": "sha512", "md5": "md5"}
_STRUCTURED = re.compile(r"([A-Za-z0-9-]+)=:([A-Za-z0-9+/=]*):")   # RFC 9530: sha-256=:base64:
_LEGACY = re.compile(r"([A-Za-z0-9-]+)=([A-Za-z0-9+/=]+)")         # RFC 3230: SHA-256=base64


def _announced_digests(headers) -> list[tuple[str, str, bytes]]:
    """(header, hashlib name, expected digest) for every digest the response announces that
    covers the bytes we received (a Repr-Digest of a content-coded body does not)."""
    found = []
    coded = headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
    for header, pattern in (("Content-Digest", _STRUCTURED), ("Repr-Digest", _STRUCTURED), ("Digest", _LEGACY)):
        if header == "Repr-Digest" and coded:
            continue
        for value in headers.get_all(header) or []:
            for algorithm, encoded in pattern.findall(value):
                name = _ALGORITHMS.get(algorithm.lower())
                if name:
                    try:
                        found.append((header, name, base64.b64decode(encoded, validate=True)))
                    except ValueError:
                        found.append((header, name, b""))
    md5 = headers.get("Content-MD5")
    if md5:
        try:
            found.append(("Content-MD5", "md5", base64.b64decode(md5.strip(), validate=True)))
        except ValueError:
            found.append(("Content-MD5", "md5", b""))
    return found


def _check_digests(url: str, headers, data: bytes) -> None:
    for header, name, expected in _announced_digests(headers):
        actual = hashlib.new(name, data).digest()
        if actual != expected:
            raise FetchError(
                f"{url}: the download does not match the server's {header} ({name} {expected.hex()[:12] or 'unreadable'}"
                f" announced, {actual.hex()[:12]} received)"
            )


def _as_fetch_error(url: str, exc: BaseException, timeout_s: float) -> FetchError:
    """One line for whatever went wrong on the way."""
    if isinstance(exc, urllib.error.HTTPError):
        return FetchError(f"{url}: expected HTTP 200, got {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return FetchError(f"{url}: no answer within {timeout_s:g} s (timed out)")
        if isinstance(reason, (http.client.HTTPException, FetchError)):
            return _as_fetch_error(url, reason, timeout_s)
        return FetchError(f"{url}: cannot fetch ({reason})")
    if isinstance(exc, TimeoutError):
        return FetchError(f"{url}: no answer within {timeout_s:g} s (timed out)")
    if isinstance(exc, http.client.IncompleteRead):
        return FetchError(f"{url}: the download was cut off after {len(exc.partial):,} bytes (the server closed the connection)")
    if isinstance(exc, http.client.RemoteDisconnected):
        return FetchError(f"{url}: the server closed the connection without an answer")
    if isinstance(exc, http.client.HTTPException):
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        return FetchError(f"{url}: malformed HTTP response ({type(exc).__name__}: {detail})")
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, OSError):
        return FetchError(f"{url}: cannot fetch ({exc})")
    detail = " ".join(str(exc).split())[:120] or type(exc).__name__
    return FetchError(f"{url}: cannot fetch ({type(exc).__name__}: {detail})")
