"""`rag add URL` against a real HTTP server on 127.0.0.1 serving the fixture pages."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import rag
from tests.helpers import free_port
from tests.ingest_helpers import FIXTURES, bound_engine, snapshot

PAGES = {
    "/news/port-strike": ("northern-ledger-port-strike.html", "text/html; charset=utf-8"),
    "/gazette/school-meals.html": (
        "riverside-gazette-school-meals.html",
        "text/html; charset=windows-1252",
    ),
}
BIG_BYTES = 21 << 20  # over the 20 MiB default cap


class NewsSite(BaseHTTPRequestHandler):
    """Fixture pages, and the replies `rag add URL` must refuse."""

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, kind: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path in PAGES:
            name, kind = PAGES[self.path]
            self._send(200, kind, (FIXTURES / name).read_bytes())
        elif self.path == "/go":
            self._send(302, "text/html", b"", Location="/news/port-strike")
        elif self.path == "/loop":
            self._send(302, "text/html", b"", Location="/loop")
        elif self.path == "/data.json":
            self._send(200, "application/json", b'{"title": "not a page"}')
        elif self.path == "/huge":
            self._stream_huge()
        else:
            self._send(404, "text/html", b"<h1>Not found</h1>")

    def _stream_huge(self) -> None:
        # No Content-Length: the client must cap while it reads, not trust a header.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        block = b"<p>" + b"filler text " * 5000 + b"</p>\n"
        try:
            for _ in range(BIG_BYTES // len(block) + 1):
                self.wfile.write(block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NewsSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def library(tmp_path, embed_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed.txt").write_text("Seed article: the harbour reopened after repairs.\n")
    with bound_engine(tmp_path / "home", corpus, embed_model) as engine:
        engine.index(progress=False)
        yield engine


def test_fetched_page_is_stored_as_fetched_and_indexed(site, library):
    report = rag.add_url(site + "/go")  # a redirect to the page
    name = "127.0.0.1_news_port-strike.html"
    assert [n for n, _ in report.added] == [name], report.skipped
    assert f"fetched from {site}/news/port-strike" in report.added[0][1]
    stored = library.settings.corpus / name
    assert stored.read_bytes() == (FIXTURES / PAGES["/news/port-strike"][0]).read_bytes()
    info = {a.source: a for a in rag.articles()}[name]
    assert info.url.startswith("https://www.northernledger.co.uk/")  # the page's canonical URL
    assert info.outlet == "Northern Ledger" and info.date == "2025-04-14"
    passage = rag.retrieve("How many dock workers returned to work?", top_k=1)[0]
    assert passage.source == name
    assert rag.article_text(name)[passage.start : passage.end] == passage.text


def test_page_without_canonical_url_gets_the_fetched_one(site, library):
    url = site + "/gazette/school-meals.html"
    report = rag.add_url(url)
    name = "127.0.0.1_gazette_school-meals.html"
    assert [n for n, _ in report.added] == [name]
    sidecar = json.loads((library.settings.corpus / "metadata.json").read_text())
    assert sidecar[name] == {"url": url}
    info = {a.source: a for a in rag.articles()}[name]
    assert info.url == url and info.outlet == "Riverside Gazette"
    assert "£4.6m" in rag.article_text(name)  # decoded from windows-1252
    again = rag.add_url(url)
    assert not again.changed and "identical" in again.skipped[0][1]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "answered 404 Not Found"),
        ("/data.json", "is not an HTML page (it is application/json)"),
        ("/loop", "redirects in a loop or more than 5 times"),
        ("/huge", "sent more than the 20 MiB limit"),
    ],
)
def test_bad_replies_add_nothing(site, library, path, reason):
    before = snapshot(library)
    report = rag.add_url(site + path)
    assert not report.changed and report.index == ""
    assert report.skipped[0][0] == site + path and reason in report.skipped[0][1]
    assert snapshot(library) == before


def test_dead_and_malformed_addresses_add_nothing(library):
    before = snapshot(library)
    dead = rag.add_url(f"http://127.0.0.1:{free_port()}/story")
    assert "cannot fetch" in dead.skipped[0][1] and "check the address" in dead.skipped[0][1]
    for bad in ("ftp://example.com/a.html", "not a url", "file:///etc/passwd"):
        assert "is not an http:// or https:// address" in rag.add_url(bad).skipped[0][1]
    assert snapshot(library) == before


def test_rag_add_url_command(site, library, monkeypatch, capsys):
    """`rag add URL` from the command line: added and indexed; a bad reply says why, exits 1."""
    from rag.cli import main

    monkeypatch.setenv("RAG_HOME", str(library.settings.home))
    monkeypatch.setenv("RAG_CORPUS", str(library.settings.corpus))
    with rag.using():  # whatever the CLI configures is undone at the end
        assert main(["add", site + "/news/port-strike"]) == 0
        out = capsys.readouterr().out
        assert "added 127.0.0.1_news_port-strike.html" in out and "1 added" in out
        before = snapshot(library)
        assert main(["add", site + "/data.json"]) == 1
        assert "is not an HTML page" in capsys.readouterr().out
        assert snapshot(library) == before
