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

import pytest

import rag
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
    items = list(engine.chain.stream(MEDINSKY))
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
    answer = engine.chain.ask(MEDINSKY)
    assert answer.backend == "openai"
    assert_citations_valid(answer, engine.settings.corpus)
    if name != "only-markers":
        assert not answer.refused and answer.citations[0].source.startswith("003")


def test_not_in_sources_from_the_server_is_a_refusal(openai_engine):
    engine = openai_engine(streams(finished("NOT IN SOURCES")))
    answer = engine.chain.ask(MEDINSKY)
    assert answer.refused and answer.citations == [] and answer.backend == "openai"


def test_a_well_behaved_fake_server_is_used_as_the_model(openai_engine):
    """The control case: the fake server is a working `openai` backend, so the fallbacks above
    come from its misbehaviour and nothing else."""
    engine = openai_engine(streams(finished(GOOD)))
    answer = engine.chain.ask(MEDINSKY)
    assert answer.backend == "openai" and not answer.refused
    assert answer.text == "Vladimir Medinsky led the Russian delegation in Istanbul [1]."
    assert_citations_valid(answer, engine.settings.corpus)
    request = engine.server.requests[-1]
    assert request["stream"] is True and request["model"] == "fake"
