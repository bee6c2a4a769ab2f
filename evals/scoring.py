"""Score one answer against its Q&A item: one JSON-ready row per question.

Sentence support reuses Newsdesk's own verifier measure (`rag.citations.support_matrix`,
`SUPPORT_THRESHOLD`) but is stricter than the verifier: every factual sentence must carry a
citation, and *every* quote it cites must clear the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from evals import metrics
from evals.dataset import QAItem
from rag.citations import support_matrix
from rag.claims import answer_claims, content_words
from rag.config import Settings
from rag.evidence import Evidence
from rag.types import Answer, Citation

Embed = Callable[[list[str]], np.ndarray]
_JUDGE = Settings.model_fields["judge"].default_factory()  # type: ignore[misc]
SUPPORT_THRESHOLD = _JUDGE.similarity_min
MIN_FACT_WORDS = _JUDGE.min_fact_words


def sentence_verdicts(
    parts: Sequence[tuple[str, list[int]]],
    markers: Sequence[int],
    support: np.ndarray,
    threshold: float = SUPPORT_THRESHOLD,
) -> list[tuple[str, bool]]:
    """(sentence, supported) for each sentence that makes a claim or cites something.

    Args:
        parts: (claim without markers, cited numbers), as `answer_claims` gives.
        markers: the marker number of each citation, in the column order of `support`.
        support: support[i, j] of sentence i by citation j (0..1).
        threshold: the least support a cited quote must reach.
    Returns:
        One verdict per judged sentence; connective sentences without citations are skipped.
    """
    column = {m: j for j, m in enumerate(markers)}
    verdicts = []
    for i, (sentence, numbers) in enumerate(parts):
        if not numbers and len(content_words(sentence)) < MIN_FACT_WORDS:
            continue
        ok = bool(numbers) and all(
            n in column and support[i, column[n]] >= threshold for n in numbers
        )
        verdicts.append((sentence, ok))
    return verdicts


def judge_sentences(
    text: str, citations: Sequence[Citation], embed: Embed, threshold: float = SUPPORT_THRESHOLD
) -> list[tuple[str, bool]]:
    """Sentence verdicts of an answer whose citations' quotes are embedded with `embed`."""
    parts = answer_claims(text)
    if not parts:
        return []
    quotes = [c.quote for c in citations]
    vectors = embed(quotes) if quotes else np.zeros((0, 1))
    evidence = [
        Evidence(c.marker, c.source, c.title, c.quote, c.start, c.end, 0.0, vectors[j])
        for j, c in enumerate(citations)
    ]
    support = support_matrix([p[0] for p in parts], evidence, embed)
    return sentence_verdicts(parts, [c.marker for c in citations], support, threshold)


def _reasons(row: dict[str, Any]) -> list[str]:
    """Why a question failed (empty when it passed)."""
    if row["error"]:
        return [f"error: {row['error']}"]
    if not row["answerable"]:
        return [] if row["refused"] else ["answered an unanswerable question"]
    if row["refused"]:
        return ["refused an answerable question"]
    reasons = []
    missing = [f["fact"] for f in row["facts"] if not f["found"]]
    if missing:
        reasons.append("missing key facts: " + ", ".join(missing))
    wrong = sorted(set(row["cited_sources"]) - set(row["sources"]))
    if wrong:
        reasons.append("cited non-gold articles: " + ", ".join(wrong))
    unsupported = [s for s, ok in row["sentences"] if not ok]
    if unsupported:
        reasons.append(f"{len(unsupported)} unsupported sentence(s)")
    return reasons


def _notes(row: dict[str, Any]) -> list[str]:
    """Observations that do not fail a question on their own."""
    notes = []
    if row["answerable"] and not row["error"]:
        if row["rank"] is None:
            notes.append("no gold article retrieved")
        elif row["rank"] > 1:
            notes.append(f"first gold article at rank {row['rank']}")
        if row["citation_recall"] is not None and row["citation_recall"] < 1 and not row["refused"]:
            notes.append("not every gold article cited")
    return notes


def score_answer(
    item: QAItem, answer: Answer | None, embed: Embed | None, error: str | None = None
) -> dict[str, Any]:
    """The per-question row: the answer, every metric's value for it, pass/fail and why.

    Args:
        item: the Q&A item.
        answer: what the system returned; None when it raised (then `error` says what).
        embed: embeds texts for sentence support; None skips support (every sentence passes).
        error: the exception text when the system failed on this item.
    """
    answer = answer or Answer(text="", refused=False)
    cited = list(dict.fromkeys(c.source for c in answer.citations))
    retrieved = [p.source for p in answer.passages]
    if answer.refused:
        found = [False] * len(item.key_facts)
    else:
        found = metrics.facts_found(item.key_facts, answer.text)
    rank = metrics.first_gold_rank(retrieved, item.sources) if item.answerable else None
    shown = "\n".join(e.text for e in answer.evidence)
    retrieved_text = "\n".join(p.text for p in answer.passages)
    supports = [c.support for c in answer.citations]
    if embed is not None and answer.text and not answer.refused:
        sentences = judge_sentences(answer.text, answer.citations, embed)
    else:
        sentences = []
    row: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "difficulty": item.difficulty,
        "question": item.question,
        "history_turns": len(item.history),
        "answerable": item.answerable,
        "sources": list(item.sources),
        "reference": item.answer,
        "error": error,
        "text": answer.text,
        "refused": bool(answer.refused),
        "refusal": answer.refusal,
        "backend": answer.backend,
        "timings": dict(answer.timings),
        "citations": [
            {"marker": c.marker, "source": c.source, "quote": c.quote} for c in answer.citations
        ],
        "retrieved": retrieved,
        "rank": rank,
        "facts": [
            {"fact": variants[0] if variants else "", "found": ok}
            for variants, ok in zip(item.key_facts, found, strict=True)
        ],
        "cited_sources": cited,
        "citation_precision": metrics.citation_precision(cited, item.sources),
        "citation_recall": metrics.citation_recall(cited, item.sources),
        "sentences": [[s, ok] for s, ok in sentences],
        "query": answer.query,
        "evidence_facts": metrics.facts_found(item.key_facts, shown),
        "passage_facts": metrics.facts_found(item.key_facts, retrieved_text),
        "supports": supports,
        "judge_accepted": None
        if answer.refused or not supports or any(v is None for v in supports)
        else all(v >= _JUDGE.threshold for v in supports),
        "refusal_correct": error is None
        and metrics.refusal_correct(bool(answer.refused), item.answerable),
    }
    row["reasons"] = _reasons(row)
    row["notes"] = _notes(row)
    row["passed"] = not row["reasons"]
    return row
