"""Hybrid retrieval: Chroma vector search and BM25, fused by reciprocal rank.

Filters narrow every ranking at its source, so a filtered question still gets its top-k: the
vector searches run among the ids of the matching chunks and sentences (rag/prefilter.py; a
Chroma `where` when the keyword index cannot say which match), BM25 among a candidate mask.
Copies of one story (index/duplicates.py) take one place: the best-ranked copy, carrying where
else it appeared. A name of the question that few chunks hold gets its best chunk into the top k
(rag/rare_names.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import chromadb
import numpy as np
from chromadb.errors import InternalError
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.keyword import KeywordIndex
from rag.config import Settings
from rag.filters import Filters
from rag.fusion import reciprocal_rank_fusion
from rag.prefilter import Prefilter, filter_mask
from rag.rare_names import name_groups, rare_limit
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
        rare_names: bool | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}.")
        self.collection = collection
        self.sentences = sentences
        self.store = ChromaVectorStore(chroma_collection=collection)
        self.sentence_store = ChromaVectorStore(chroma_collection=sentences)
        self.embed_model = embed_model
        self.keyword = keyword
        self.prefilter = Prefilter(keyword)
        self.mode = mode
        self.candidates = candidates or _default("candidates")
        self.rrf_k = rrf_k or _default("rrf_k")
        self.sentence_factor = sentence_factor or _default("retrieval_sentence_factor")
        self.collapse_stories = (
            _default("retrieval_collapse_stories") if collapse_stories is None else collapse_stories
        )
        self.rare_names = _default("retrieval_rare_names") if rare_names is None else rare_names

    def _vector_ids(self, query_vector: np.ndarray, k: int, scope: dict[str, Any]) -> list[str]:
        query = VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=k)
        result = self.store.query(query, **scope)
        return list(result.ids or [])

    def _sentence_chunk_ids(
        self, query_vector: np.ndarray, k: int, scope: dict[str, Any]
    ) -> list[str]:
        # Chunks ranked by their best-matching sentence: a small model matches a question to one
        # sentence far better than to a whole passage.
        query = VectorStoreQuery(
            query_embedding=query_vector.tolist(), similarity_top_k=self.sentence_factor * k
        )
        result = self.sentence_store.query(query, **scope)
        ranked = dict.fromkeys(str(n.metadata["chunk_id"]) for n in result.nodes or [])
        return list(ranked)[:k]

    def _both(
        self, query_vector: np.ndarray, k: int, chunks: dict[str, Any], sentences: dict[str, Any]
    ) -> list[list[str]]:
        return [
            self._vector_ids(query_vector, k, chunks),
            self._sentence_chunk_ids(query_vector, k, sentences),
        ]

    def _vector_rankings(
        self, query_vector: np.ndarray, k: int, filters: Filters | None
    ) -> list[list[str]]:
        """The chunk ranking and the sentence ranking, among the chunks `filters` keeps."""
        if filters is None:
            return self._both(query_vector, k, {}, {})
        where = {"where": filters.where()}
        matching = self.prefilter.matching(filters)
        if matching is None:  # the keyword index cannot say which records match
            return self._both(query_vector, k, where, where)
        if not matching.chunks:
            return [[], []]
        # The same top-k as with `where` (rag/prefilter.py), on a Chroma server too: there the
        # request carries the ids (1.2 MB for half of a 10k-chunk corpus; 80 ms on loopback
        # against 650 ms for the `where`).
        try:
            ids = {"ids": matching.chunks}
            return self._both(query_vector, k, ids, {"ids": matching.sentences})
        except InternalError as exc:  # Chroma lacks one of the ids: "Error finding id"
            log.warning(
                "The keyword index names records the vector store lacks (%s): filtering with a "
                "Chroma `where` instead. Run `rag index` to bring them in line.",
                exc,
            )
            return self._both(query_vector, k, where, where)

    def _keyword_ids(self, question: str, k: int, filters: Filters | None) -> list[str]:
        if filters is None:
            return [i for i, _ in self.keyword.search(question, k)]
        if not self.keyword.has_fields:
            log.warning("The keyword index predates filters: run `rag index` to rebuild it.")
        mask = filter_mask(self.keyword, filters)
        return [i for i, _ in self.keyword.search(question, k, mask=mask)]

    def fused_ids(
        self, question: str, query_vector: np.ndarray, k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, fused score) pairs of every candidate that passes `filters`, best first
        (as the user means them: Prefilter.as_meant)."""
        filters = self.prefilter.as_meant(filters)
        n = max(k, self.candidates)
        rankings = []
        if self.mode in ("hybrid", "vector"):
            rankings.extend(self._vector_rankings(query_vector, n, filters))
        if self.mode in ("hybrid", "bm25"):
            rankings.append(self._keyword_ids(question, n, filters))
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)
        return self._with_rare_name(question, fused, k) if self.mode == "hybrid" else fused

    def _with_rare_name(
        self, question: str, fused: list[tuple[str, float]], k: int
    ) -> list[tuple[str, float]]:
        """`fused` with a candidate chunk moved to place k when a name of the question has a
        rare token (one that at most `rare_limit` chunks hold: 2, or 1% of them) and no
        chunk of the first k holds any token of that name: of the chunks holding its rare
        tokens, the one holding most of the name, best BM25 first. The first such name only;
        hybrid mode, k >= 2 (the best-fused chunk keeps its place)."""
        if not self.rare_names or k < 2:
            return fused
        top = {i for i, _ in fused[:k]}
        candidates = dict(fused)  # what passes the filters
        most = rare_limit(len(self.keyword.ids))
        for group in name_groups(question):
            holding = {t: [i for i, _ in self.keyword.holding(t)] for t in group}
            if any(top.intersection(ids) for ids in holding.values()):
                continue
            pool = [
                i
                for ids in holding.values()
                if 0 < len(ids) <= most
                for i in ids
                if i in candidates
            ]
            if not pool:
                continue
            best = max(dict.fromkeys(pool), key=lambda i: sum(i in ids for ids in holding.values()))
            rest = [pair for pair in fused if pair[0] != best]
            return [*rest[: k - 1], (best, candidates[best]), *rest[k - 1 :]]
        return fused

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
