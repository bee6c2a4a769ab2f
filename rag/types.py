"""The values the public API returns: Passage, Citation, Answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk. `rag.article_text(source)[start:end] == text`."""

    source: str
    title: str
    text: str
    score: float
    start: int
    end: int
    id: str = ""
    similarity: float = 0.0  # cosine similarity of question and passage embeddings
    outlet: str = ""
    date: str = ""
    url: str = ""
    # Other copies of the same story (near-duplicates in other files or outlets), each
    # {"source", "outlet", "date"}; retrieval keeps only this, the best-ranked copy.
    also_in: tuple[dict[str, str], ...] = field(default=(), hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (also_in as a list, as JSON gives it back)."""
        return {**asdict(self), "also_in": [dict(c) for c in self.also_in]}


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer. `rag.article_text(source)[start:end] == quote`.

    `support` is the judge's probability that the quote states the claim(s) citing it (the
    lowest over those claims), None where no judge ran (the extractive backend quotes verbatim).
    """

    marker: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    outlet: str = ""
    date: str = ""
    url: str = ""
    support: float | None = None
    # Other copies of the cited story (Passage.also_in): where else it appeared.
    also_in: tuple[dict[str, str], ...] = field(default=(), hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (also_in as a list, as JSON gives it back)."""
        return {**asdict(self), "also_in": [dict(c) for c in self.also_in]}


# Answer.refusal: which step refused, and what that means for the user (the chat says it).
REFUSAL_REASONS = {
    "off-topic": "no article is about this",  # the relevance gate, before generation
    "not-in-sources": "the evidence does not hold the answer",  # the model's NOT IN SOURCES
    "uncited": "no claim could be tied to a source",
    "unsupported": "no claim passed the fact check against its quote",  # the judge
    "restates-question": "the answer only restated the question",  # the grounding gate
    "off-question": "what the sources say does not answer what was asked",  # the answer check
}


@dataclass
class Answer:
    """An answer with inline [n] markers, one Citation per marker."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    backend: str = ""
    passages: list[Passage] = field(default_factory=list)
    query: str = ""  # the standalone question retrieval ran (after condensing a follow-up)
    evidence: list[Passage] = field(default_factory=list)  # what the generator was shown
    # Why a refused answer was refused (one of REFUSAL_REASONS), "" when answered.
    refusal: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (retrieved passages included)."""
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "refused": self.refused,
            "timings": self.timings,
            "backend": self.backend,
            "passages": [p.to_dict() for p in self.passages],
            "query": self.query,
            "evidence": [e.to_dict() for e in self.evidence],
            "refusal": self.refusal,
        }
