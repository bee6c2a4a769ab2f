"""The embedding models the scaling benchmark hands to the unchanged indexing pipeline: the
real MiniLM, or cheap vectors composed from cached real MiniLM word vectors (see
bench/scale_bench.py's module doc)."""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.common import Timers


def timed_minilm(**kwargs: Any) -> Any:
    """The real MiniLM model (as Engine builds it), its embed() calls timed per phase."""
    from index.embedding import MiniLMEmbedding

    return MiniLMEmbedding(**kwargs)


def cached_embedding(real: Any, timers: Timers | None = None) -> Any:
    """A BaseEmbedding with the real model's name and token counter whose vectors are composed
    from real MiniLM word vectors (see the module doc): cheap, deterministic, 384-d, unit norm.
    Time spent embedding new words counts under "embed_word_pool" in `timers`."""
    import re

    from pydantic import PrivateAttr

    from index.chunking import split_sentences
    from index.embedding import ArrayEmbedding
    from index.keyword import STOPWORDS

    word_re = re.compile(r"[\w’']+")
    pool_timers = timers if timers is not None else Timers()

    class CachedVectorEmbedding(ArrayEmbedding):
        _real: Any = PrivateAttr()
        _rows: dict[str, int] = PrivateAttr()
        _matrix: np.ndarray = PrivateAttr()

        def __init__(self, real_model: Any) -> None:
            super().__init__(model_name=real_model.model_name, embed_batch_size=64)
            self._real = real_model
            self._rows = {}
            self._matrix = np.zeros((0, 384), dtype=np.float32)

        @classmethod
        def class_name(cls) -> str:
            return "CachedVectorEmbedding"

        def count_tokens(self, text: str) -> int:
            return self._real.count_tokens(text)

        @staticmethod
        def _words(sentence: str) -> list[str]:
            words = [w.strip("’'").lower() for w in word_re.findall(sentence)]
            kept = [w for w in words if w and w not in STOPWORDS]
            return kept or [sentence.strip().lower()[:64] or "empty"]

        def _ensure(self, words: set[str]) -> None:
            missing = sorted(w for w in words if w not in self._rows)
            if not missing:
                return
            with pool_timers.time("embed_word_pool"):
                vectors = self._real.embed(missing)
            start = len(self._rows)
            for i, word in enumerate(missing):
                self._rows[word] = start + i
            self._matrix = np.concatenate([self._matrix, vectors.astype(np.float32)])

        def embed(self, texts: list[str]) -> np.ndarray:
            split = [
                [self._words(t[s:e]) for s, e in split_sentences(t)] or [self._words(t)]
                for t in texts
            ]
            self._ensure({w for sentences in split for ws in sentences for w in ws})
            out = np.empty((len(texts), 384), dtype=np.float32)
            for i, sentences in enumerate(split):
                vectors = [
                    self._matrix[[self._rows[w] for w in ws]].mean(axis=0) for ws in sentences
                ]
                vectors = [v / max(float(np.linalg.norm(v)), 1e-12) for v in vectors]
                v = np.mean(vectors, axis=0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
            return out

    return CachedVectorEmbedding(real)
