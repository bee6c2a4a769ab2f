"""The public functions, bound to one shared Engine built from Settings on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rag.config import Settings
from rag.engine import Engine
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


def retrieve(question: str, top_k: int = 5) -> list[Passage]:
    """The `top_k` passages that best match `question`, best first.

    Args:
        question: a question about the corpus.
        top_k: how many passages to return.
    Returns:
        Passages with source, title, text, score and offsets into the original file.
    """
    return get_engine().retrieve(question, top_k)


def ask(question: str, history: list[dict[str, str]] | None = None) -> Answer:
    """Answer a question from the corpus, citing the exact passage behind each claim.

    Args:
        question: the question; with `history`, a follow-up is understood in context.
        history: earlier messages, [{"role": "user"|"assistant", "content": str}, ...].
    Returns:
        An Answer: text with [n] markers, one Citation per marker, `refused` when the corpus
        does not hold the answer, per-stage timings and the backend that answered.
    """
    return get_engine().chain.ask(question, history)


def ask_stream(question: str, history: list[dict[str, str]] | None = None) -> Iterator[Any]:
    """Like `ask`, but yields text deltas as they are generated, then the final Answer.

    Args:
        question: the question.
        history: earlier messages, as for `ask`.
    Returns:
        An iterator of str (deltas) ending with one Answer (verified citations).
    """
    yield from get_engine().chain.stream(question, history)
