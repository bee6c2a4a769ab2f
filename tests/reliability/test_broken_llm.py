"""An OpenAI-compatible server that misbehaves: not ready, erroring, silent, cut off, or talking
garbage. The user always gets an answer (the extractive one, said plainly in `backend`) or a
refusal, and never an invalid citation.

The servers are real HTTP servers on 127.0.0.1 (tests/reliability/fake_openai.py). Already
covered with real servers (slow): a dead port and a silent socket, and a local llama.cpp
server that cannot start (tests/test_llm_real.py); a generator dying mid-stream inside the
process (tests/test_answering.py::test_server_dying_mid_stream_falls_back_to_extractive).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

import rag
from rag.api import chain_for
from rag.generation import ChatGenerator, GenerationError
from rag.local_llm import LocalServer, free_port
from tests.helpers import assert_citations_valid
from tests.reliability.fake_openai import (
    Handler,
    Script,
    chunk,
    finished,
    send_body,
    send_events,
    streams,
    words,
)
from tests.test_answering import MEDINSKY

GOOD = "Vladimir Medinsky led the Russian delegation in Istanbul [1]."


def hang_up(handler: Handler) -> None:
    """Accept the request, then close the connection without a byte of reply."""
    handler.connection.shutdown(socket.SHUT_RDWR)
    handler.close_connection = True


def stall_after_first_words(handler: Handler) -> None:
    """Start streaming, then go silent past the client's timeout."""
    send_events(handler, words(GOOD)[:3])
    handler.server.release.wait(10)


def status(code: int, body: str, content_type: str = "application/json") -> Script:
    return lambda handler: send_body(handler, code, body, content_type)


# name: (script, words the backend note must contain)
FAILURES: dict[str, tuple[Script, str]] = {
    "hangs-up": (hang_up, "LLM failed: APIConnectionError"),
    "loading-503": (status(503, '{"error": {"message": "Loading model"}}'), "Loading model"),
    "crash-500-html": (status(500, "<html>Internal Server Error</html>", "text/html"), "500"),
    "rate-limit-429": (status(429, '{"error": {"message": "Rate limit reached"}}'), "Rate limit"),
    "html-instead-of-stream": (
        status(200, "<html><body>Welcome to nginx!</body></html>", "text/html"),
        "ended before the reply was finished",
    ),
    "plain-json-instead-of-stream": (
        status(200, '{"choices": [{"message": {"content": "Medinsky [1]."}}]}'),
        "ended before the reply was finished",
    ),
    "invalid-json-event": (
        streams([*words(GOOD)[:2], "data: {not json\n\n"]),
        "LLM failed: JSONDecodeError",
    ),
    "malformed-chunks": (
        streams(['data: {"foo": 1}\n\n', 'data: {"choices": [{"delta": null}]}\n\n']),
        "ended before the reply was finished",
    ),
    "error-event-mid-stream": (
        streams([*words(GOOD)[:2], 'data: {"error": {"message": "CUDA out of memory"}}\n\n']),
        "CUDA out of memory",
    ),
    "cut-off-mid-sentence": (streams(words(GOOD)[:4]), "ended before the reply was finished"),
    "stalls-mid-stream": (stall_after_first_words, "LLM failed: APITimeoutError"),
    "finishes-with-no-text": (
        streams([chunk(finish="stop"), "data: [DONE]\n\n"]),
        "openai LLM returned an empty reply",
    ),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_broken_server_gives_the_extractive_answer_and_says_why(name, openai_engine):
    script, why = FAILURES[name]
    engine = openai_engine(script)
    items = list(chain_for(engine).stream(MEDINSKY))
    answer = items[-1]
    assert isinstance(answer, rag.Answer) and all(isinstance(i, str) for i in items[:-1])
    assert answer.backend.startswith("none (fallback: ") and why in answer.backend, answer.backend
    assert not answer.refused and "Medinsky" in answer.text
    assert_citations_valid(answer, engine.settings.corpus)


MARKER_REPLIES = {
    "out-of-range": "Vladimir Medinsky led the Russian delegation in Istanbul [99].",
    "zero": "Vladimir Medinsky led the Russian delegation in Istanbul [0].",
    "letter": "Vladimir Medinsky led the Russian delegation in Istanbul [a].",
    "source-word": "Vladimir Medinsky led the Russian delegation in Istanbul (Source 7).",
    "mixed": "Vladimir Medinsky [99] led [0] the Russian [a] delegation [1-3] in Istanbul [1, 7].",
    "unclosed": "Vladimir Medinsky led the Russian delegation in Istanbul [1",
    "only-markers": "[99] [0] [a] Source 7 [[1]] 【2】",
}


@pytest.mark.parametrize("name", sorted(MARKER_REPLIES))
def test_invalid_markers_from_a_real_stream_never_become_invalid_citations(name, openai_engine):
    engine = openai_engine(streams(finished(MARKER_REPLIES[name])))
    answer = chain_for(engine).ask(MEDINSKY)
    assert answer.backend == "openai"
    assert_citations_valid(answer, engine.settings.corpus)
    if name != "only-markers":
        assert not answer.refused and answer.citations[0].source.startswith("003")


def test_not_in_sources_from_the_server_is_a_refusal(openai_engine):
    engine = openai_engine(streams(finished("NOT IN SOURCES")))
    answer = chain_for(engine).ask(MEDINSKY)
    assert answer.refused and answer.citations == [] and answer.backend == "openai"


def test_a_well_behaved_fake_server_is_used_as_the_model(openai_engine):
    """The control case: the fake server is a working `openai` backend, so the fallbacks above
    come from its misbehaviour and nothing else."""
    engine = openai_engine(streams(finished(GOOD)))
    answer = chain_for(engine).ask(MEDINSKY)
    assert answer.backend == "openai" and not answer.refused
    assert answer.text == "Vladimir Medinsky led the Russian delegation in Istanbul [1]."
    assert_citations_valid(answer, engine.settings.corpus)
    request = engine.server.requests[0]  # the answer (the judge's yes/no call comes after it)
    assert request["stream"] is True and request["model"] == "fake"


CRASHING_SERVER = r"""
import os, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"{}")
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        event = b'data: {"choices": [{"index": 0, "delta": {"content": "Vladimir"}}]}\n\n'
        self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event)); self.wfile.flush()
        os.kill(os.getpid(), signal.SIGSEGV)  # what llama.cpp did on a CPU it was not built for

server = HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
server.serve_forever()
"""


def test_a_local_server_that_dies_mid_answer_is_named_with_its_signal(tmp_path):
    """The user sees why the local model failed (its exit signal and log), not only the
    client's 'Connection error.'."""
    server = LocalServer(tmp_path / "model.gguf", threads=1, context=512, log_path=tmp_path / "l")
    server.port = free_port()
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_SERVER)
    server.process = subprocess.Popen([sys.executable, str(script), str(server.port)])
    try:
        deadline = time.monotonic() + 30
        while not server.healthy():
            assert time.monotonic() < deadline and server.running(), "fake server did not start"
            time.sleep(0.1)
        generator = ChatGenerator("local", "m", server.base_url, None, 10.0, 20, server=server)
        with pytest.raises(GenerationError) as caught:
            list(generator.stream([{"role": "user", "content": "Who led the delegation?"}]))
        server.process.wait(timeout=10)
        with pytest.raises(GenerationError) as again:  # the next question says it too
            list(generator.stream([{"role": "user", "content": "And then?"}]))
    finally:
        server.stop()
    for error in (caught.value, again.value):
        assert "died with signal SIGSEGV" in str(error) and str(tmp_path / "l") in str(error)
