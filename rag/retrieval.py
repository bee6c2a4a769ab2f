"""Hybrid retrieval: Chroma vector search and BM25, fused by reciprocal rank.

Filters narrow every ranking at its source (a Chroma `where` on chunks and sentences, a
candidate mask on BM25), so a filtered question still gets its top-k. Copies of one story
(index/duplicates.py) take one place: the best-ranked copy, carrying where else it appeared.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import chromadb
import numpy as np
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.keyword import KeywordIndex
from index.loading import date_number
from rag.config import Settings
from rag.filters import Filters
from rag.fusion import reciprocal_rank_fusion
from rag.types import Passage

log = logging.getLogger(__name__)

MODES = ("hybrid", "vector", "bm25")


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


class HybridRetriever:
    """Ranks chunks for a question with vector search, BM25, or both fused (the default)."""

    def __init__(
        self,
        collection: chromadb.Collection,
        sentences: chromadb.Collection,
        embed_model: Any,
        keyword: KeywordIndex,
        mode: str = "hybrid",
        candidates: int | None = None,
        rrf_k: int | None = None,
        sentence_factor: int | None = None,
        collapse_stories: bool | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}.")
        self.collection = collection
        self.sentences = sentences
        self.store = ChromaVectorStore(chroma_collection=collection)
        self.sentence_store = ChromaVectorStore(chroma_collection=sentences)
        self.embed_model = embed_model
        self.keyword = keyword
        self.mode = mode
        self.candidates = candidates or _default("candidates")
        self.rrf_k = rrf_k or _default("rrf_k")
        self.sentence_factor = sentence_factor or _default("retrieval_sentence_factor")
        self.collapse_stories = (
            _default("retrieval_collapse_stories") if collapse_stories is None else collapse_stories
        )

    def _vector_ids(
        self, query_vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[str]:
        query = VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=k)
        result = self.store.query(query, where=where) if where else self.store.query(query)
        return list(result.ids or [])

    def _sentence_chunk_ids(
        self, query_vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[str]:
        # Chunks ranked by their best-matching sentence: a small model matches a question to one
        # sentence far better than to a whole passage.
        query = VectorStoreQuery(
            query_embedding=query_vector.tolist(), similarity_top_k=self.sentence_factor * k
        )
        store = self.sentence_store
        result = store.query(query, where=where) if where else store.query(query)
        ranked = dict.fromkeys(str(n.metadata["chunk_id"]) for n in result.nodes or [])
        return list(ranked)[:k]

    def _keyword_ids(self, question: str, k: int, filters: Filters | None) -> list[str]:
        if filters is None:
            return [i for i, _ in self.keyword.search(question, k)]
        if not self.keyword.has_fields:
            log.warning("The keyword index predates filters: run `rag index` to rebuild it.")
        mask = self.keyword.mask(
            filters.sources,
            filters.outlets,
            date_number(filters.since),
            date_number(filters.until),
        )
        return [i for i, _ in self.keyword.search(question, k, mask=mask)]

    def fused_ids(
        self, question: str, query_vector: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, fused score) pairs of every candidate that passes `filters`, best first."""
        n = max(k, self.candidates)
        where = filters.where() if filters else None
        rankings = []
        if self.mode in ("hybrid", "vector"):
            rankings.append(self._vector_ids(query_vector, n, where))
            rankings.append(self._sentence_chunk_ids(query_vector, n, where))
        if self.mode in ("hybrid", "bm25"):
            rankings.append(self._keyword_ids(question, n, filters))
        return reciprocal_rank_fusion(rankings, self.rrf_k)

    def ranked_ids(
        self, question: str, query_vector: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, fused score) pairs for the question, best first (k at most)."""
        return self.fused_ids(question, query_vector, k, filters)[:k]

    def _rows(self, ids: list[str]) -> dict[str, tuple[str, Any, Any]]:
        got = self.collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        columns = (got["documents"] or [], got["metadatas"] or [], got["embeddings"])
        embeddings: Any = columns[2] if columns[2] is not None else []
        return {
            i: (doc, meta, emb)
            for i, doc, meta, emb in zip(
                got["ids"], columns[0], columns[1], embeddings, strict=True
            )
        }

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        query_vector: np.ndarray | None = None,
        filters: Filters | None = None,
    ) -> list[Passage]:
        """The `top_k` best passages for `question` among the articles `filters` keeps (checked
        filters: rag.filters.check_filters), best first; one copy of each story."""
        top_k = top_k or _default("top_k")
        if query_vector is None:
            query_vector = self.embed_model.embed([question])[0]
        fused = self.fused_ids(question, query_vector, top_k, filters)
        story_source: dict[str, str] = {}  # story id -> the copy kept for it
        passages: list[Passage] = []
        for offset in range(0, len(fused), 2 * top_k):  # usually one window is enough
            window = fused[offset : offset + 2 * top_k]
            rows = self._rows([i for i, _ in window])
            for chunk_id, score in window:
                if chunk_id not in rows:  # keyword index ahead of the store: `rag index` repairs
                    continue
                doc, meta, emb = rows[chunk_id]
                source = str(meta["source"])
                story = str(meta.get("story") or source)
                if self.collapse_stories and story_source.setdefault(story, source) != source:
                    continue  # a copy of a story already represented by a better-ranked copy
                similarity = round(float(np.dot(query_vector, emb)), 4)
                passages.append(passage(chunk_id, doc, meta, round(score, 6), similarity))
                if len(passages) == top_k:
                    return passages
        return passages


def passage(
    chunk_id: str, text: str, meta: dict[str, Any], score: float, similarity: float
) -> Passage:
    """A Passage from one chunk record of the store."""
    try:
        also_in = tuple(json.loads(str(meta.get("also_in") or "[]")))
    except ValueError:
        also_in = ()
    return Passage(
        source=str(meta["source"]),
        title=str(meta.get("title", "")),
        text=text,
        score=score,
        start=int(meta["start"]),
        end=int(meta["end"]),
        id=chunk_id,
        similarity=similarity,
        outlet=str(meta.get("outlet") or ""),
        date=str(meta.get("date") or ""),
        url=str(meta.get("url") or ""),
        also_in=also_in,
    )
