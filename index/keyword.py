"""A persisted BM25 keyword index (bm25s) over chunk texts, keyed by chunk id."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"[\w’']+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


def _stem(word: str) -> str:
    # A light suffix stripper: "negotiations" meets "negotiation", "talks" meets "talk".
    for suffix, keep in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, lightly stemmed word tokens."""
    words = (w.strip("’'").lower() for w in _WORD.findall(text))
    return [_stem(w) for w in words if w and w not in STOPWORDS]


# The per-chunk metadata the index keeps so that a filtered search ranks only matching chunks.
FIELDS = ("source", "outlet", "date_num")


def fingerprint(
    ids: list[str], fields: dict[str, list] | None = None, sentences: list[list[str]] | None = None
) -> str:
    """A digest of a set of chunk ids (and their filter fields and sentence ids): equal digests
    mean the index covers the same chunks with the same metadata."""
    if not fields:
        return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    columns = [fields.get(f) or [""] * len(ids) for f in FIELDS]
    if sentences is not None:
        columns.append([" ".join(s) for s in sentences])
    rows = zip(ids, *columns, strict=True)
    lines = sorted("\x00".join(map(str, row)) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class KeywordIndex:
    """BM25 over chunks. `search` returns (chunk id, score) pairs, best first. Per chunk it
    also keeps its `FIELDS` values and its sentence records' ids, so that a filtered search
    knows the matching chunks and sentences without asking Chroma."""

    def __init__(
        self,
        ids: list[str],
        model: bm25s.BM25 | None,
        fields: dict[str, list] | None = None,
        sentences: list[list[str]] | None = None,
    ) -> None:
        self.ids = ids
        self.model = model
        self.fields = {f: list((fields or {}).get(f) or [""] * len(ids)) for f in FIELDS}
        self.fields["date_num"] = [int(d or 0) for d in self.fields["date_num"]]
        self.has_fields = bool(fields)  # False for an index saved before filters existed
        # None for an index saved before sentence ids were kept (filters then use Chroma `where`)
        self.sentences = sentences if fields else None
        self.fingerprint = fingerprint(ids, self.fields if fields else None, self.sentences)
        self._columns: dict[str, np.ndarray] | None = None

    @classmethod
    def build(
        cls,
        ids: list[str],
        texts: list[str],
        fields: dict[str, list] | None = None,
        sentences: list[list[str]] | None = None,
    ) -> KeywordIndex:
        """Index `texts` (one per id), with each chunk's `FIELDS` values and sentence record ids
        for filtered search."""
        if not ids:
            return cls([], None)
        model = bm25s.BM25()
        model.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(list(ids), model, fields, sentences)

    def mask(
        self,
        sources: Sequence[str] | None = None,
        outlets: Sequence[str] | None = None,
        since: int = 0,
        until: int = 0,
    ) -> np.ndarray:
        """True for every chunk that passes the filters (dates as YYYYMMDD; 0 = no bound)."""
        if self._columns is None:
            self._columns = {f: np.asarray(v) for f, v in self.fields.items()}
        cols = self._columns
        keep = np.ones(len(self.ids), dtype=bool)
        if sources is not None:
            keep &= np.isin(cols["source"], list(sources))
        if outlets is not None:
            keep &= np.isin(cols["outlet"], list(outlets))
        if since or until:
            keep &= cols["date_num"] > 0  # an undated chunk never passes a date filter
        if since:
            keep &= cols["date_num"] >= since
        if until:
            keep &= cols["date_num"] <= until
        return keep

    def search(
        self, query: str, top_k: int, mask: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The `top_k` best chunks for `query` with a positive BM25 score; with `mask`, only
        among the chunks it marks True (ranked among themselves, so a filter loses no rank)."""
        if self.model is None:
            return []
        vocab = self.model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        scores = self.model.get_scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(top_k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]

    def holding(self, token: str) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of every chunk holding the keyword `token`, best first."""
        if self.model is None or token not in self.model.vocab_dict:
            return []
        scores = self.model.get_scores([token])
        found = np.flatnonzero(scores > 0)
        found = found[np.argsort(-scores[found])]
        return [(self.ids[i], float(scores[i])) for i in found]

    def save(self, folder: Path) -> None:
        """Write the index to `folder`, replacing what was there only once it is complete."""
        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.model is not None:
            self.model.save(str(tmp / "bm25"))
        meta: dict[str, object] = {"fingerprint": self.fingerprint, "ids": self.ids}
        meta |= {"fields": self.fields, "sentences": self.sentences}
        (tmp / "ids.json").write_text(json.dumps(meta), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The index saved in `folder`, or None when there is none (or it is unreadable)."""
        folder = Path(folder)
        try:
            meta = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
            model = bm25s.BM25.load(str(folder / "bm25")) if meta["ids"] else None
        except (OSError, ValueError, KeyError):
            return None
        return cls(meta["ids"], model, meta.get("fields"), meta.get("sentences"))
