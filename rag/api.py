"""The public functions, bound to one shared Engine built from Settings on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from rag.config import Settings
from rag.engine import Engine
from rag.filters import check_filters
from rag.types import Answer, Passage

_engine: Engine | None = None
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


def _chain_kwargs(filters: object) -> dict[str, Any]:
    # The answer chain takes filters once it is wired to them (rag/answering.py); checked
    # here first so a bad filter is a QuestionError either way.
    checked = check_filters(filters)
    return {} if checked is None else {"filters": checked}


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
    return get_engine().chain.ask(question, history, **_chain_kwargs(filters))


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
    yield from get_engine().chain.stream(question, history, **_chain_kwargs(filters))
