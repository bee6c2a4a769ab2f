"""The fakes and helpers tests share, through the product's public seams only: engines built
with `Engine(settings, embed_model=...)`, the public API bound with `rag.using(engine)`, a
scripted generator, a hashing embedder that needs no model, and a free port."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import rag
from index.embedding import ArrayEmbedding
from rag.answering import AnswerChain
from rag.config import Settings
from rag.engine import Engine
from rag.generation import GenerationError
from rag.local_llm import free_port

__all__ = [
    "HashingEmbedding",
    "ScriptedGenerator",
    "engine_for",
    "engine_like",
    "free_port",
    "restored_generator",
    "use",
]


class ScriptedGenerator:
    """Replays a fixed reply (or, given `replies`, one per answer call in turn, the last one
    repeated); optionally fails after some deltas, like a dying server."""

    name = "scripted"

    def __init__(
        self,
        reply: str,
        fail_after: int | None = None,
        p_yes: float | Callable[[list[dict[str, str]]], float] = 0.95,
        replies: list[str] | None = None,
    ) -> None:
        self.reply = reply
        self.replies = list(replies or [])
        self.fail_after = fail_after
        self.p_yes = p_yes  # the judge's P(yes): a constant or a function of the prompt
        self.messages: list[list[dict[str, str]]] = []
        self.judged: list[list[dict[str, str]]] = []

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        self.messages.append(messages)
        turn = min(len(self.messages), len(self.replies)) - 1
        reply = self.replies[turn] if self.replies else self.reply
        for n, word in enumerate(reply.split(" ")):
            if self.fail_after is not None and n >= self.fail_after:
                raise GenerationError("scripted LLM failed: connection closed")
            yield word + " "

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        return "".join(self.stream(messages, max_tokens))

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        self.judged.append(messages)
        return self.p_yes(messages) if callable(self.p_yes) else self.p_yes


class HashingEmbedding(ArrayEmbedding):
    """A deterministic bag-of-words embedder: each lower-cased word hashed into one of `dims`
    buckets, L2-normalised. Texts sharing words are similar; no model file is loaded."""

    dims: int = 256

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("model_name", "hashing-fake")
        super().__init__(**kwargs)

    @classmethod
    def class_name(cls) -> str:
        return "HashingEmbedding"

    def count_tokens(self, text: str) -> int:
        """Whitespace words (enough to size chunks)."""
        return len(text.split())

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text."""
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dims] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def engine_like(base: Engine, **overrides: object) -> Engine:
    """An Engine over `base`'s index and embedding model, with other settings."""
    return Engine(base.settings.model_copy(update=overrides), embed_model=base.embed_model)


def engine_for(home: Path, corpus: Path, embed_model: object, **updates: object) -> Engine:
    """An Engine over `corpus` with data in `home`, the given embedding model and no LLM."""
    settings = Settings(home=home, corpus=corpus, **{"llm": "none", **updates})
    return Engine(settings, embed_model=embed_model)


def use(chain: AnswerChain, generator: Any) -> AnswerChain:
    """A chain over `chain.engine` that answers with `generator` (None: the extractive
    backend), bound to the public API for that engine; returns it."""
    return rag.api.bind(AnswerChain(chain.engine, generator))


@contextmanager
def restored_generator(chain: AnswerChain) -> Iterator[AnswerChain]:
    """`chain` for the block; whatever chain `use` bound for its engine is undone at the end."""
    try:
        yield chain
    finally:
        rag.api.bind(chain)
