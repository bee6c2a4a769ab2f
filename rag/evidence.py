"""Evidence first: pick the few sentences of the retrieved passages that best answer a question.

Both the extractive backend and the LLM prompt use these sentences; each one is a verbatim span of
its article with exact offsets, so a citation to it is already the tightest quote.
"""

from __future__ import annotations

from dataclasses import dataclass

import chromadb
import numpy as np

from index.keyword import tokenize
from rag.injection import addresses_the_model
from rag.types import Passage

LEXICAL_WEIGHT = 0.35  # weight of question-word overlap next to cosine similarity
RANK_WEIGHT = 0.05  # preference for sentences of higher-ranked passages (measured)
WINDOW = 0  # neighbouring sentences shown on each side of an evidence sentence
SHORT_SENTENCE_WORDS = 8
MIN_EVIDENCE_WORDS = 4  # shorter lines are bylines and headings, not evidence


@dataclass(frozen=True)
class Span:
    """One stored sentence of an article: `file_text[start:end] == text`."""

    start: int
    end: int
    text: str
    vector: np.ndarray


@dataclass(frozen=True)
class Evidence:
    """One numbered evidence item: a sentence (`file_text[start:end] == text`) and its window.

    The model sees the window: the sentence with its neighbours in the same passage
    (`window_start` is where `window` begins in the file). Citations quote the tightest of
    `spans` (the window's sentences) that supports the claim, so a fact taken from a
    neighbour is still quoted exactly.
    """

    number: int
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    vector: np.ndarray
    window: str = ""
    window_start: int = -1
    context: tuple[Span, ...] = ()

    def spans(self) -> tuple[Span, ...]:
        """The sentences a citation to this evidence may quote (the sentence alone by default)."""
        return self.context or (Span(self.start, self.end, self.text, self.vector),)

    def quote(self, start: int, end: int) -> str:
        """The verbatim file text [start:end], which must lie inside the window (or sentence)."""
        if self.window and self.window_start <= start <= end <= self.window_start + len(
            self.window
        ):
            return self.window[start - self.window_start : end - self.window_start]
        if (start, end) == (self.start, self.end):
            return self.text
        raise ValueError(f"span {start}:{end} is outside evidence [{self.number}]")

    def label(self) -> str:
        """How the prompt shows it: number and text only (titles cost ~20 tokens each)."""
        return f"[{self.number}] {' '.join((self.window or self.text).split())}"


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


def _window(rows: list[dict], i: int, width: int) -> list[dict]:
    """Row i with up to `width` neighbours on each side from the same passage, in file order."""
    lo, hi = i, i
    while lo > 0 and i - lo < width and rows[lo - 1]["passage"] is rows[i]["passage"]:
        lo -= 1
    while hi + 1 < len(rows) and hi - i < width and rows[hi + 1]["passage"] is rows[i]["passage"]:
        hi += 1
    return rows[lo : hi + 1]


def select_evidence(
    question: str,
    query_vector: np.ndarray,
    sentences: chromadb.Collection,
    passages: list[Passage],
    limit: int,
    window: int = WINDOW,
) -> list[Evidence]:
    """The `limit` best sentences for the question, best first, numbered from 1, each with
    `window` neighbouring sentences on each side; a sentence already shown inside a better
    one's window is not repeated."""
    rows = sentence_rows(sentences, passages)
    scored = []
    seen: set[tuple[str, int]] = set()
    for i, row in enumerate(rows):
        key = (row["meta"]["source"], int(row["meta"]["start"]))
        if key in seen or len(row["text"].split()) < MIN_EVIDENCE_WORDS:
            continue
        if addresses_the_model(row["text"]):  # injected instructions are not evidence
            continue
        seen.add(key)
        score = (
            float(np.dot(query_vector, row["vector"]))
            + LEXICAL_WEIGHT * lexical_overlap(question, row["text"])
            - RANK_WEIGHT * row["rank"]
        )
        scored.append((score, i))
    scored.sort(key=lambda pair: -pair[0])
    chosen: list[Evidence] = []
    shown: list[tuple[str, int, int]] = []  # (source, start, end) of the windows so far
    for score, i in scored:
        if len(chosen) == limit:
            break
        row = rows[i]
        source, start, end = (
            str(row["meta"]["source"]),
            int(row["meta"]["start"]),
            int(row["meta"]["end"]),
        )
        if any(s == source and a <= start and end <= b for s, a, b in shown):
            continue
        near = _window(rows, i, window)
        passage = row["passage"]
        w_start = min(int(r["meta"]["start"]) for r in near)
        w_end = max(int(r["meta"]["end"]) for r in near)
        shown.append((source, w_start, w_end))
        chosen.append(
            Evidence(
                len(chosen) + 1,
                source,
                row["title"],
                row["text"],
                start,
                end,
                round(score, 4),
                row["vector"],
                window=passage.text[w_start - passage.start : w_end - passage.start],
                window_start=w_start,
                context=tuple(
                    Span(int(r["meta"]["start"]), int(r["meta"]["end"]), r["text"], r["vector"])
                    for r in near
                ),
            )
        )
    return chosen
