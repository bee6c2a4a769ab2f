"""Settings for remote deployments: a token for a Chroma server (or its proxy), a bounded
request timeout, and the OpenAI key reaching an OpenAI-compatible embeddings server. Each is
checked against a small recording HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from index.store import StoreError, open_client
from rag.config import Settings
from rag.engine import Engine

Reply = tuple[int, dict[str, Any]]


def chroma_reply(path: str, body: bytes) -> Reply:
    """Just enough of Chroma's v2 API for a client to connect."""
    if path.endswith("/heartbeat"):
        return 200, {"nanosecond heartbeat": 1}
    if path.endswith("/auth/identity"):
        return 200, {"user_id": "", "tenant": "default_tenant", "databases": ["default_database"]}
    if "/databases/" in path:
        database_id = "00000000-0000-0000-0000-000000000000"
        return 200, {"id": database_id, "name": "default_database", "tenant": "default_tenant"}
    return 200, {"name": "default_tenant"}


def embeddings_reply(path: str, body: bytes) -> Reply:
    """An OpenAI-compatible /v1/embeddings answer: one 3-d vector per input."""
    texts = json.loads(body)["input"]
    data = [{"object": "embedding", "index": i, "embedding": [1.0, 0.0, 0.0]} for i in range(3)]
    return 200, {
        "object": "list",
        "data": data[: len(texts)],
        "model": "m",
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }


@pytest.fixture()
def recorder() -> Iterator[Callable[[Callable[[str, bytes], Reply]], tuple[str, list]]]:
    """Starts a local HTTP server answering with a given function; records (path, headers)."""
    servers: list[ThreadingHTTPServer] = []

    def start(reply: Callable[[str, bytes], Reply]) -> tuple[str, list]:
        seen: list[tuple[str, dict[str, str]]] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, payload = reply(self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("header", "sent"),
    [(None, ("authorization", "Bearer s3cret")), ("X-Chroma-Token", ("x-chroma-token", "s3cret"))],
)
def test_chroma_token_is_sent_on_every_request(recorder, monkeypatch, tmp_path, header, sent):
    url, seen = recorder(chroma_reply)
    monkeypatch.setenv("RAG_CHROMA_TOKEN", "s3cret")
    if header:
        monkeypatch.setenv("RAG_CHROMA_TOKEN_HEADER", header)
    settings = Settings(home=tmp_path, chroma_url=url, _env_file=None)
    assert "s3cret" not in repr(settings)
    Engine(settings).client  # noqa: B018 - connecting is what is tested
    paths = [path for path, _ in seen]
    assert "/api/v2/heartbeat" in paths and "/api/v2/auth/identity" in paths
    assert all(headers.get(sent[0]) == sent[1] for _, headers in seen), seen


def test_without_a_token_no_auth_header_is_sent(recorder, tmp_path, monkeypatch):
    monkeypatch.delenv("RAG_CHROMA_TOKEN", raising=False)
    url, seen = recorder(chroma_reply)
    Engine(Settings(home=tmp_path, chroma_url=url, _env_file=None)).client  # noqa: B018
    assert seen and all("authorization" not in headers for _, headers in seen)


def test_rejected_token_is_a_clear_error(recorder):
    url, _ = recorder(lambda path, body: (401, {"error": "Unauthorized"}))
    with pytest.raises(StoreError, match="HTTP 401.*RAG_CHROMA_TOKEN"):
        open_client(None, url, headers={"Authorization": "Bearer wrong"})


def test_server_requests_have_a_bounded_timeout(recorder):
    url, _ = recorder(chroma_reply)
    client = open_client(None, url, timeout=7.0)
    # chromadb 1.5 sets no timeout itself; this pins the private attribute open_client sets.
    assert client._server._session.timeout == httpx.Timeout(7.0, connect=5.0)  # type: ignore[attr-defined]


def test_openai_embeddings_use_the_openai_key_and_base_url(recorder, monkeypatch, tmp_path):
    url, seen = recorder(embeddings_reply)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{url}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    engine = Engine(Settings(home=tmp_path, embed="openai", embed_model="m", _env_file=None))
    vectors = engine.embed_model.embed(["one", "two"])
    assert vectors.shape == (2, 3)
    assert seen[0][0] == "/v1/embeddings"
    assert seen[0][1]["authorization"] == "Bearer sk-test-key"
