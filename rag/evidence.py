"""Evidence first: pick the few sentences of the retrieved passages that best answer a question.

Both the extractive backend and the LLM prompt use these sentences; each one is a verbatim span of
its article with exact offsets, so a citation to it is already the tightest quote.
"""

from __future__ import annotations

from dataclasses import dataclass

import chromadb
import numpy as np

from index.keyword import tokenize
from rag.types import Passage

LEXICAL_WEIGHT = 0.35  # weight of question-word overlap next to cosine similarity
RANK_WEIGHT = 0.05  # preference for sentences of higher-ranked passages (measured)
SHORT_SENTENCE_WORDS = 8
MIN_EVIDENCE_WORDS = 4  # shorter lines are bylines and headings, not evidence


@dataclass(frozen=True)
class Evidence:
    """One numbered evidence sentence: `file_text[start:end] == text`."""

    number: int
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    vector: np.ndarray

    def label(self) -> str:
        """How the prompt shows it: number and sentence only (titles cost ~20 tokens each)."""
        return f"[{self.number}] {' '.join(self.text.split())}"


def lexical_overlap(query: str, text: str) -> float:
    """Share of the query's content words (stemmed) that occur in `text`."""
    wanted = set(tokenize(query))
    if not wanted:
        return 0.0
    return len(wanted & set(tokenize(text))) / len(wanted)


def sentence_rows(sentences: chromadb.Collection, passages: list[Passage]) -> list[dict]:
    """The stored sentences of the passages, with their vectors, in passage order."""
    if not passages:
        return []
    got = sentences.get(
        where={"chunk_id": {"$in": [p.id for p in passages]}},
        include=["documents", "metadatas", "embeddings"],
    )
    rank = {p.id: r for r, p in enumerate(passages)}
    title = {p.id: p.title for p in passages}
    rows = [
        {
            "passage": passages[rank[meta["chunk_id"]]],
            "text": doc,
            "meta": meta,
            "vector": np.asarray(vec, dtype=np.float32),
            "rank": rank[meta["chunk_id"]],
            "title": title[meta["chunk_id"]],
        }
        for doc, meta, vec in zip(
            got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    ]
    rows.sort(key=lambda r: (r["rank"], r["meta"]["start"]))
    for previous, row in zip([None, *rows], rows, strict=False):
        _extend_short(previous, row)
    return rows


def _extend_short(previous: dict | None, row: dict) -> None:
    # A very short sentence ("The guard says.") means little alone: quote it together with the
    # sentence before it when both sit in the same paragraph of the same passage.
    if previous is None or previous["passage"] is not row["passage"]:
        return
    if len(row["text"].split()) >= SHORT_SENTENCE_WORDS:
        return
    passage = row["passage"]
    start, end = int(previous["meta"]["start"]), int(row["meta"]["end"])
    between = passage.text[
        int(previous["meta"]["end"]) - passage.start : int(row["meta"]["start"]) - passage.start
    ]
    if "\n" in between:
        return
    row["text"] = passage.text[start - passage.start : end - passage.start]
    row["meta"] = {**row["meta"], "start": start}


def select_evidence(
    question: str,
    query_vector: np.ndarray,
    sentences: chromadb.Collection,
    passages: list[Passage],
    limit: int,
) -> list[Evidence]:
    """The `limit` best sentences for the question, best first, numbered from 1."""
    scored = []
    seen: set[tuple[str, int]] = set()
    for row in sentence_rows(sentences, passages):
        key = (row["meta"]["source"], int(row["meta"]["start"]))
        if key in seen or len(row["text"].split()) < MIN_EVIDENCE_WORDS:
            continue
        seen.add(key)
        score = (
            float(np.dot(query_vector, row["vector"]))
            + LEXICAL_WEIGHT * lexical_overlap(question, row["text"])
            - RANK_WEIGHT * row["rank"]
        )
        scored.append((score, row))
    scored.sort(key=lambda pair: -pair[0])
    return [
        Evidence(
            n,
            str(row["meta"]["source"]),
            row["title"],
            row["text"],
            int(row["meta"]["start"]),
            int(row["meta"]["end"]),
            round(score, 4),
            row["vector"],
        )
        for n, (score, row) in enumerate(scored[:limit], start=1)
    ]
