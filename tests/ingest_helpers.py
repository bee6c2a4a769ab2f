"""Shared by the ingestion tests: an engine over a temporary corpus, bound to the public API,
and a snapshot of the corpus folder and the index to prove a call changed nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import rag
from rag.config import Settings
from rag.engine import Engine

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"


@contextmanager
def bound_engine(home: Path, corpus: Path, embed_model: Any, **settings: Any) -> Iterator[Engine]:
    """An Engine over `corpus` with its data in `home`, used by rag.* inside the block."""
    engine = Engine(Settings(home=home, corpus=corpus, **settings))
    engine.__dict__["embed_model"] = embed_model
    previous = rag.api._engine
    rag.api._engine = engine
    try:
        yield engine
    finally:
        rag.api._engine = previous


def snapshot(engine: Engine) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(corpus files with their sha256, chunk ids, sentence ids) as they are now."""
    corpus = Path(engine.settings.corpus)
    files = sorted(
        (p.relative_to(corpus).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in corpus.rglob("*")
        if p.is_file()
    )
    chunks = sorted(engine.collection.get(include=[])["ids"])
    sentences = sorted(engine.sentences.get(include=[])["ids"])
    return files, chunks, sentences
