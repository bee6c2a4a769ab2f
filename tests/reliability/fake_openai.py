"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for misbehaviour on demand.

It is a real HTTP server on a real socket, so the `openai` client path (streaming SSE, timeouts,
status codes) runs exactly as against vLLM or llama.cpp, in milliseconds instead of the 1.1 GB
local model. Each request is answered by a `Script`: a function of the request handler.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Script = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Reads the request body, then lets the server's script write the reply."""

    server: FakeOpenAIServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        """Quiet: the tests read replies, not access logs."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(json.loads(self.rfile.read(length) or b"{}"))
        self.server.script(self)


class FakeOpenAIServer(ThreadingHTTPServer):
    """Serves `script` at http://127.0.0.1:<port>/v1 until `close()`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script = script
        self.requests: list[dict] = []
        self.release = threading.Event()  # scripts that stall wait on it; close() sets it
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v1"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving and release stalled scripts."""
        self.release.set()
        self.shutdown()
        self.server_close()


def chunk(content: str | None = None, finish: str | None = None) -> str:
    """One `chat.completion.chunk` server-sent event."""
    delta = {} if content is None else {"content": content}
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n"


def words(text: str) -> list[str]:
    """`text` as the deltas a model would stream: word by word."""
    return [chunk(w + " ") for w in text.split(" ")]


def finished(text: str) -> list[str]:
    """A complete, well-formed stream of `text`."""
    return [*words(text), chunk(finish="stop"), "data: [DONE]\n\n"]


def send_events(handler: Handler, events: list[str], status: int = 200) -> None:
    """Write `events` as a text/event-stream reply, then end it (HTTP/1.0: by closing)."""
    handler.send_response(status)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for event in events:
        handler.wfile.write(event.encode())
        handler.wfile.flush()


def send_body(handler: Handler, status: int, body: str, content_type: str) -> None:
    """A plain (non-streaming) reply."""
    data = body.encode()
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def streams(events: list[str]) -> Script:
    """A script that streams `events`."""
    return lambda handler: send_events(handler, events)
