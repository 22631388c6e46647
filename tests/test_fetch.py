"""Ingesting from a URL, against a local HTTP server on loopback that misbehaves on purpose:
it cuts bodies short, stalls, drips a byte at a time, redirects to other schemes, sends
malformed responses and wrong digests. Each is one line naming the URL, and nothing is written."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import http.server
import os
import subprocess
import sys
import threading
import time

import pytest

from horizon.errors import FetchError
from horizon.fetch import fetch_url
from horizon.ingest import ingest
from horizon.sources import Published, Sources
from horizon.update import fetch_published
from tests.conftest import VINTAGE, VINTAGES, table_counts

BODY = VINTAGES[-1].read_bytes()
CUT = 3000  # bytes a cut-off response sends of BODY


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _head(self, status=200, length: int | None = len(BODY), **headers):
        self.send_response(status)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path
        try:
            if path == "/slow.yaml":
                time.sleep(3)
            if path == "/missing.yaml":
                self.send_error(404, "Not Found")
            elif path == "/big.yaml":
                self._head(length=40 * len(BODY))
                self.wfile.write(BODY * 40)
            elif path == "/cut.yaml":  # announces the whole body, sends part, hangs up
                self._head()
                self.wfile.write(BODY[:CUT])
                self.close_connection = True
            elif path == "/cut-chunked.yaml":
                self._head(length=None, Transfer_Encoding="chunked")
                self.wfile.write(f"{CUT:x}\r\n".encode() + BODY[:CUT] + b"\r\n")
                self.close_connection = True
            elif path == "/stall.yaml":  # headers, then silence
                self._head()
                self.wfile.flush()
                time.sleep(4)
            elif path == "/drip.yaml":  # a byte every 0.2 s: never silent long enough for a timeout
                self._head()
                for i in range(len(BODY)):
                    self.wfile.write(BODY[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/drip-headers.yaml":  # even the status line arrives a byte at a time
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path.startswith("/to-"):  # redirects: /to-ftp, /to-file, /to-ok
                target = {"/to-ftp": "ftp://127.0.0.1/benchmark_results_1_1.yaml", "/to-file": "file:///etc/passwd",
                          "/to-ok": "/benchmark_results_1_1.yaml", "/to-to-ftp": "/to-ftp"}[path]
                self._head(302, length=0, Location=target)
            elif path == "/garbage.yaml":
                self.wfile.write(b"SURPRISE\r\n\r\n")
                self.close_connection = True
            elif path == "/bad-length.yaml":
                self._head(length=None, Content_Length="a lot")
                self.wfile.write(BODY)
                self.close_connection = True
            elif path == "/partial.yaml":
                self._head(206, length=CUT)
                self.wfile.write(BODY[:CUT])
            elif path == "/digest-wrong.yaml":
                self._head(Content_Digest=f"sha-256=:{_b64(hashlib.sha256(b'something else').digest())}:")
                self.wfile.write(BODY)
            elif path == "/digest-right.yaml":
                self._head(Repr_Digest=f"sha-512=:{_b64(hashlib.sha512(BODY).digest())}:",
                           Content_MD5=_b64(hashlib.md5(BODY).digest()))  # noqa: S324 (the server's choice)
                self.wfile.write(BODY)
            elif path == "/md5-wrong.yaml":
                self._head(Digest=f"MD5={_b64(hashlib.md5(b'x').digest())}")  # noqa: S324
                self.wfile.write(BODY)
            else:
                self._head()
                self.wfile.write(BODY)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_becomes_a_snapshot_whose_origin_is_the_url(con, config, server):
    (result,) = ingest(con, config, [f"{server}/benchmark_results_1_1.yaml"])
    assert result.new and result.kind == "metr_headline_yaml"
    origin, size = con.execute("SELECT origin, bytes FROM snapshots").fetchone()
    assert origin == f"{server}/benchmark_results_1_1.yaml" and size == len(BODY)
    (again,) = ingest(con, config, [str(VINTAGES[-1])])  # same bytes from a file: same snapshot
    assert not again.new and again.snapshot_id == result.snapshot_id


def test_a_url_that_times_out_is_a_one_line_error_and_nothing_is_written(con, config, server):
    before = table_counts(con)
    quick = dataclasses.replace(config, timeout_s=0.5)
    with pytest.raises(FetchError) as err:
        ingest(con, quick, [str(VINTAGES[0]), f"{server}/slow.yaml"])
    assert str(err.value) == f"{server}/slow.yaml: no answer within 0.5 s (timed out)"
    assert table_counts(con) == before


def test_a_download_larger_than_the_limit_is_refused(con, config, server):
    small = dataclasses.replace(config, max_bytes=100_000)
    with pytest.raises(FetchError) as err:
        ingest(con, small, [f"{server}/big.yaml"])
    assert str(err.value) == f"{server}/big.yaml: expected at most 100,000 bytes, the server offers {40 * len(BODY):,}"


def test_http_errors_and_other_schemes_are_refused_with_what_was_expected(con, config, server):
    with pytest.raises(FetchError) as err:
        ingest(con, config, [f"{server}/missing.yaml"])
    assert str(err.value) == f"{server}/missing.yaml: expected HTTP 200, got 404 Not Found"
    with pytest.raises(FetchError) as err:
        ingest(con, config, ["ftp://example.invalid/x.yaml"])
    assert str(err.value) == "ftp://example.invalid/x.yaml: expected an http:// or https:// URL, got scheme 'ftp'"


# --- issue 13: a cut-off download was stored as a complete snapshot ----------------------------


def test_a_body_shorter_than_its_content_length_is_refused_and_nothing_is_written(con, config, server):
    # Before: 3,000 of the announced bytes were parsed (45.6% of the cut points of this YAML
    # still parse) and stored as a snapshot with exit 0.
    before = table_counts(con)
    with pytest.raises(FetchError) as err:
        ingest(con, config, [str(VINTAGE["2026-01-30"]), f"{server}/cut.yaml"])
    assert str(err.value) == (f"{server}/cut.yaml: the download was cut off: the server announced {len(BODY):,}"
                              f" bytes (Content-Length) and sent {CUT:,}")
    assert table_counts(con) == before


def test_a_chunked_body_that_ends_early_is_refused(config, server):
    with pytest.raises(FetchError, match=r"/cut-chunked.yaml: the download was cut off after 3,000 bytes"):
        fetch_url(f"{server}/cut-chunked.yaml", config.max_bytes, 2.0)


def test_a_server_dripping_a_byte_every_few_seconds_meets_the_whole_download_deadline(config, server):
    # Before: the 20 s timeout applied to each read, so a byte every 3-5 s kept ingest (and the
    # database lock) waiting forever. Here no single wait reaches the 0.6 s timeout.
    for path in ("/drip.yaml", "/drip-headers.yaml"):
        started = time.monotonic()
        with pytest.raises(FetchError) as err:
            fetch_url(f"{server}{path}", config.max_bytes, timeout_s=0.6, deadline_s=1.0)
        assert str(err.value) == f"{server}{path}: no complete answer within 1 s (the deadline for the whole download)"
        assert time.monotonic() - started < 2.5


def test_a_server_that_stalls_after_the_headers_is_a_timeout(config, server):
    with pytest.raises(FetchError, match=r"/stall.yaml: no answer within 0.5 s \(timed out\)$"):
        fetch_url(f"{server}/stall.yaml", config.max_bytes, timeout_s=0.5, deadline_s=3.0)


def test_every_redirect_hop_must_be_http_or_https(config, server):
    # Before: a redirect to ftp:// was followed and ingested.
    for path, target in (("/to-ftp", "ftp://127.0.0.1/benchmark_results_1_1.yaml"), ("/to-file", "file:///etc/passwd")):
        with pytest.raises(FetchError) as err:
            fetch_url(f"{server}{path}", config.max_bytes, 2.0)
        assert str(err.value) == f"{server}{path}: redirected to {target!r}: expected http:// or https:// on every hop"
    with pytest.raises(FetchError, match="redirected to 'ftp://"):
        fetch_url(f"{server}/to-to-ftp", config.max_bytes, 2.0)  # the second hop too
    assert fetch_url(f"{server}/to-ok", config.max_bytes, 2.0) == BODY


def test_malformed_responses_are_one_line_errors(config, server):
    with pytest.raises(FetchError) as err:
        fetch_url(f"{server}/garbage.yaml", config.max_bytes, 2.0)
    assert str(err.value) == f"{server}/garbage.yaml: malformed HTTP response (BadStatusLine: SURPRISE)"
    with pytest.raises(FetchError) as err:
        fetch_url(f"{server}/bad-length.yaml", config.max_bytes, 2.0)
    assert str(err.value) == f"{server}/bad-length.yaml: malformed HTTP response (Content-Length 'a lot' is not one byte count)"
    with pytest.raises(FetchError) as err:
        fetch_url(f"{server}/partial.yaml", config.max_bytes, 2.0)
    assert str(err.value) == f"{server}/partial.yaml: expected HTTP 200, got 206 Partial Content"


def test_a_body_that_does_not_match_a_published_digest_is_refused(config, server):
    with pytest.raises(FetchError) as err:
        fetch_url(f"{server}/digest-wrong.yaml", config.max_bytes, 2.0)
    wrong = hashlib.sha256(b"something else").hexdigest()[:12]
    assert str(err.value) == (f"{server}/digest-wrong.yaml: the download does not match the server's Content-Digest"
                              f" (sha256 {wrong} announced, {hashlib.sha256(BODY).hexdigest()[:12]} received)")
    with pytest.raises(FetchError, match=r"does not match the server's Digest \(md5 "):
        fetch_url(f"{server}/md5-wrong.yaml", config.max_bytes, 2.0)
    assert fetch_url(f"{server}/digest-right.yaml", config.max_bytes, 2.0) == BODY


def test_update_keeps_no_fetched_source_when_one_download_is_cut_off(config, server):
    # Before: through `horizon update` a cut-off METR YAML became the latest headline.
    sources = Sources((Published("ok", f"{server}/benchmark_results_1_1.yaml", ""),
                       Published("cut", f"{server}/cut.yaml", "")), ())
    fetched, network = fetch_published(config, sources)
    assert fetched == []
    assert network.startswith(f"offline ({server}/cut.yaml: the download was cut off: the server announced ")
    assert network.endswith("): using the embedded data in data/")


def test_no_database_lock_is_held_while_a_download_is_under_way(tmp_path, server):
    # Before: ingest opened the store, then waited on the server while holding its exclusive
    # lock, so `query` and `report` failed until the download ended (or forever).
    db = str(tmp_path / "h.duckdb")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1772366400"}
    horizon = [sys.executable, "-c", "from horizon.cli import main; main()"]
    subprocess.run([*horizon, "--db", db, "ingest", str(VINTAGE["2026-01-30"])], env=env, check=True, capture_output=True)
    slow = subprocess.Popen([*horizon, "--db", db, "ingest", f"{server}/slow.yaml"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # the slow ingest is waiting for the server now
        assert slow.poll() is None
        reader = subprocess.run([*horizon, "--db", db, "query", "SELECT count(*) AS n FROM snapshots", "--format", "csv"],
                                env=env, capture_output=True, text=True, timeout=60)
        assert (reader.returncode, reader.stdout, reader.stderr) == (0, "n\n1\n", "")
    finally:
        out, err = slow.communicate(timeout=60)
    assert slow.returncode == 0, err
    assert out.startswith("snapshot 2: ")
