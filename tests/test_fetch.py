"""Ingesting from a URL, against a local HTTP server on loopback."""

from __future__ import annotations

import dataclasses
import http.server
import threading
import time

import pytest

from horizon.errors import FetchError
from horizon.ingest import ingest
from tests.conftest import VINTAGES, table_counts

BODY = VINTAGES[-1].read_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/slow.yaml":
            time.sleep(3)
        if self.path == "/missing.yaml":
            self.send_error(404, "Not Found")
            return
        body = BODY * (40 if self.path == "/big.yaml" else 1)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
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
