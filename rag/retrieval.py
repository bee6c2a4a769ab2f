"""Hybrid retrieval: Chroma vector search and BM25, fused by reciprocal rank."""

from __future__ import annotations

from typing import Any

import chromadb
import numpy as np
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.keyword import KeywordIndex
from rag.fusion import reciprocal_rank_fusion
from rag.types import Passage

MODES = ("hybrid", "vector", "bm25")


class HybridRetriever:
    """Ranks chunks for a question with vector search, BM25, or both fused (the default)."""

    def __init__(
        self,
        collection: chromadb.Collection,
        sentences: chromadb.Collection,
        embed_model: Any,
        keyword: KeywordIndex,
        mode: str = "hybrid",
        candidates: int = 30,
        rrf_k: int = 60,
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
        self.candidates = candidates
        self.rrf_k = rrf_k

    def _vector_ids(self, query_vector: np.ndarray, k: int) -> list[str]:
        result = self.store.query(
            VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=k)
        )
        return list(result.ids or [])

    def _sentence_chunk_ids(self, query_vector: np.ndarray, k: int) -> list[str]:
        # Chunks ranked by their best-matching sentence: a small model matches a question to one
        # sentence far better than to a whole passage.
        result = self.sentence_store.query(
            VectorStoreQuery(query_embedding=query_vector.tolist(), similarity_top_k=3 * k)
        )
        ranked = dict.fromkeys(str(n.metadata["chunk_id"]) for n in result.nodes or [])
        return list(ranked)[:k]

    def ranked_ids(
        self, question: str, query_vector: np.ndarray, k: int
    ) -> list[tuple[str, float]]:
        """(chunk id, fused score) pairs for the question, best first."""
        n = max(k, self.candidates)
        rankings = []
        if self.mode in ("hybrid", "vector"):
            rankings.append(self._vector_ids(query_vector, n))
            rankings.append(self._sentence_chunk_ids(query_vector, n))
        if self.mode in ("hybrid", "bm25"):
            rankings.append([i for i, _ in self.keyword.search(question, n)])
        return reciprocal_rank_fusion(rankings, self.rrf_k)[:k]

    def retrieve(
        self, question: str, top_k: int = 5, query_vector: np.ndarray | None = None
    ) -> list[Passage]:
        """The `top_k` best passages for `question`, best first."""
        if query_vector is None:
            query_vector = self.embed_model.embed([question])[0]
        ranked = self.ranked_ids(question, query_vector, top_k)
        if not ranked:
            return []
        got = self.collection.get(
            ids=[i for i, _ in ranked], include=["documents", "metadatas", "embeddings"]
        )
        rows = {
            i: (doc, meta, emb)
            for i, doc, meta, emb in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        }
        passages = []
        for chunk_id, score in ranked:
            if chunk_id not in rows:  # keyword index ahead of the store: skip, `rag index` repairs
                continue
            doc, meta, emb = rows[chunk_id]
            passages.append(
                Passage(
                    source=str(meta["source"]),
                    title=str(meta.get("title", "")),
                    text=doc,
                    score=round(score, 6),
                    start=int(meta["start"]),
                    end=int(meta["end"]),
                    id=chunk_id,
                    similarity=round(float(np.dot(query_vector, emb)), 4),
                    outlet=str(meta.get("outlet", "")),
                    date=str(meta.get("date", "")),
                )
            )
        return passages
