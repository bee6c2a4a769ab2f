"""The public functions, bound to one shared Engine built from Settings on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rag.answering import AnswerChain
from rag.config import Settings
from rag.engine import Engine
from rag.types import Answer, Passage
from rag.validation import validate_answer as _validate

_engine: Engine | None = None
_chains: dict[int, AnswerChain] = {}
_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine (created on first call from the environment's settings)."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = Engine(Settings())
        return _engine


def configure(settings: Settings | None = None) -> Engine:
    """Replace the process-wide engine, e.g. to point at another corpus or data folder."""
    global _engine
    with _lock:
        _engine = Engine(settings or Settings())
        return _engine


def chain_for(engine: Engine) -> AnswerChain:
    """The answer chain over `engine` (one per engine, so its generator starts once)."""
    with _lock:
        chain = _chains.get(id(engine))
        if chain is None or chain.engine is not engine:
            chain = _chains[id(engine)] = AnswerChain(engine)
        return chain


def bind(chain: AnswerChain) -> AnswerChain:
    """Make `chain` the one the public functions use for its engine (e.g. one built with
    another generator); returns it."""
    with _lock:
        _chains[id(chain.engine)] = chain
        return chain


def get_chain() -> AnswerChain:
    """The answer chain over the process-wide engine."""
    return chain_for(get_engine())


def validate_answer(answer: Answer) -> list[str]:
    """The invariants of DESIGN.md checked on `answer`: [] when every one holds, else one
    sentence per problem (quotes verbatim at their offsets, markers and citations one to one
    and numbered 1..k, support in 0..1, a refusal cites nothing)."""
    return _validate(answer, get_engine().article_text)


_KEEP: Any = object()


@contextmanager
def using(engine: Engine | None = _KEEP) -> Iterator[Engine | None]:
    """Bind the public functions (rag.ask, rag.retrieve, ...) to `engine` for the block (None:
    the first call builds one from the environment; no argument: keep the current one), then
    give the previous engine back, also when the block called `configure` (tests, benches)."""
    global _engine
    with _lock:
        previous = _engine
        if engine is not _KEEP:
            _engine = engine
        bound = _engine
    try:
        yield bound
    finally:
        with _lock:
            _engine = previous


def retrieve(
    question: str, top_k: int | None = None, filters: dict[str, Any] | None = None
) -> list[Passage]:
    """The `top_k` passages that best match `question`, best first.

    Args:
        question: a question about the corpus.
        top_k: how many passages to return (default: Settings.top_k, RAG_TOP_K).
        filters: None, or any of {"sources": [...], "outlets": [...], "since": "YYYY-MM-DD",
            "until": "YYYY-MM-DD"} (dates inclusive; an undated article fails a date filter).
    Returns:
        Passages with source, title, text, score, offsets, outlet, date and url.
        QuestionError when the question or the filters are malformed.
    """
    return get_engine().retrieve(question, top_k, filters)


def ask(
    question: str,
    history: list[dict[str, str]] | None = None,
    filters: dict[str, Any] | None = None,
) -> Answer:
    """Answer a question from the corpus, citing the exact passage behind each claim.

    Args:
        question: the question; with `history`, a follow-up is understood in context.
        history: earlier messages, [{"role": "user"|"assistant", "content": str}, ...].
        filters: which articles may be retrieved and cited, as for `retrieve`.
    Returns:
        An Answer: text with [n] markers, one Citation per marker, `refused` when the corpus
        does not hold the answer, per-stage timings and the backend that answered.
    """
    return get_chain().ask(question, history, filters)


def ask_stream(
    question: str,
    history: list[dict[str, str]] | None = None,
    filters: dict[str, Any] | None = None,
) -> Iterator[Any]:
    """Like `ask`, but yields text deltas as they are generated, then the final Answer.

    Args:
        question: the question.
        history: earlier messages, as for `ask`.
        filters: as for `ask`.
    Returns:
        An iterator of str (deltas) ending with one Answer (verified citations).
    """
    yield from get_chain().stream(question, history, filters)
