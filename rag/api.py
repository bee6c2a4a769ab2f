"""The public functions, bound to one shared Engine built from Settings on first use."""

from __future__ import annotations

import threading

from rag.config import Settings
from rag.engine import Engine
from rag.types import Passage

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


def retrieve(question: str, top_k: int = 5) -> list[Passage]:
    """The `top_k` passages that best match `question`, best first.

    Args:
        question: a question about the corpus.
        top_k: how many passages to return.
    Returns:
        Passages with source, title, text, score and offsets into the original file.
    """
    return get_engine().retrieve(question, top_k)
