"""Turn a model's raw answer into text whose every [n] marker is a verified citation.

Markers that are malformed or out of range are removed; each sentence's citations are checked
against the evidence it cites (embedding similarity plus word overlap) and moved to the evidence
that supports the sentence, or dropped; a factual sentence left without a citation is attached to
its best-supporting evidence when that clears the threshold. Markers are renumbered 1..k in order
of first use, and each becomes one Citation whose quote is the evidence's tightest supporting
sentence(s), verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from index.chunking import split_sentences
from index.keyword import tokenize
from rag.evidence import Evidence, lexical_overlap
from rag.types import Citation

# Support = mean of cosine similarity and word overlap; measured on the eval pairs (README).
SUPPORT_THRESHOLD = 0.45
MIN_FACT_WORDS = 3  # sentences with fewer content words are connective, not claims

_LIST = r"\d+(?:\s*(?:,|;|and|&)\s*\d+)*"
_MARKER = re.compile(r"\[\s*(" + _LIST + r")\s*\]")
_RANGE = re.compile(r"\[\s*(\d+)\s*[-–]\s*(\d+)\s*\]")
_SOURCE_WORD = re.compile(
    r"\[?\(?\b(?:source|evidence|passage)s?\s*#?\s*(" + _LIST + r")\)?\]?", re.IGNORECASE
)
_LEFTOVER = re.compile(r"\[[^\[\]]{0,40}\]|【[^】]{0,40}】|\[\s*$")
_TRAILING_MARKERS = re.compile(r"([.!?…])((?:\s*\[\d+\])+)")


@dataclass
class CheckedSentence:
    """One answer sentence after verification."""

    text: str  # without markers
    markers: list[int]  # evidence numbers that support it
    factual: bool
    spans: dict[int, int] = field(default_factory=dict)  # marker -> index of its best span


def normalize_markers(raw: str) -> str:
    """Rewrite every citation form the model may produce as [n][m], and delete the rest."""
    text = _RANGE.sub(
        lambda m: "".join(f"[{n}]" for n in range(int(m[1]), min(int(m[2]), int(m[1]) + 20) + 1)),
        raw,
    )
    text = _SOURCE_WORD.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m[1])), text)
    text = _MARKER.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m[1])), text)
    text = re.sub(r"\[(\d+)\]", "\x00\\1\x01", text)  # protect good markers
    text = _LEFTOVER.sub("", text)
    text = text.replace("\x00", "[").replace("\x01", "]")
    # "claim. [1] Next" -> "claim [1]. Next": a marker belongs to the sentence before it.
    return _TRAILING_MARKERS.sub(lambda m: f"{m[2]}{m[1]}", text)


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, cited numbers) for each sentence of a normalized answer."""
    parts = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        clean = " ".join(re.sub(r"\[\d+\]", " ", sentence).split())
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        if clean:
            parts.append((clean, list(dict.fromkeys(numbers))))
    return parts


def support_matrix(
    claims: list[str], evidence: list[Evidence], embed: Callable[[list[str]], np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """support[i, j]: how well evidence j states claim i (0..1), as the best of its sentences;
    best[i, j]: which of evidence j's spans (`Evidence.spans()`) that is."""
    shape = (len(claims), len(evidence))
    if not claims or not evidence:
        return np.zeros(shape), np.zeros(shape, dtype=int)
    spans = [(j, k, span) for j, e in enumerate(evidence) for k, span in enumerate(e.spans())]
    cosine = embed(claims) @ np.stack([span.vector for _, _, span in spans]).T
    support, best = np.full(shape, -1.0), np.zeros(shape, dtype=int)
    for i, claim in enumerate(claims):
        for col, (j, k, span) in enumerate(spans):
            value = 0.5 * max(float(cosine[i, col]), 0.0) + 0.5 * lexical_overlap(claim, span.text)
            if value > support[i, j]:
                support[i, j], best[i, j] = value, k
    return support, best


def check_sentences(
    parts: list[tuple[str, list[int]]],
    evidence: list[Evidence],
    embed: Callable[[list[str]], np.ndarray],
    threshold: float = SUPPORT_THRESHOLD,
) -> list[CheckedSentence]:
    """Keep, move, drop or attach each sentence's citations by measured support."""
    support, best_span = support_matrix([c for c, _ in parts], evidence, embed)
    checked = []
    for i, (claim, numbers) in enumerate(parts):
        factual = len(tokenize(claim)) >= MIN_FACT_WORDS
        valid = [n for n in numbers if 1 <= n <= len(evidence)]
        kept = [n for n in valid if support[i, n - 1] >= threshold]
        if not kept and evidence and (valid or factual):
            best = int(np.argmax(support[i]))
            if support[i, best] >= threshold:
                kept = [best + 1]
        spans = {n: int(best_span[i, n - 1]) for n in kept}
        checked.append(CheckedSentence(claim, kept, factual, spans))
    return checked


def _with_markers(sentence: str, markers: list[int]) -> str:
    if not markers:
        return sentence
    tags = "".join(f"[{m}]" for m in markers)
    match = re.search(r"[.!?…]+[\"'”’)]*$", sentence)
    if match:
        return f"{sentence[: match.start()]} {tags}{sentence[match.start() :]}"
    return f"{sentence} {tags}"


def render(checked: list[CheckedSentence], evidence: list[Evidence]) -> tuple[str, list[Citation]]:
    """Text with markers renumbered 1..k by first use, and one Citation per marker."""
    renumber: dict[int, int] = {}
    for sentence in checked:
        for n in sentence.markers:
            renumber.setdefault(n, len(renumber) + 1)
    text = " ".join(_with_markers(s.text, [renumber[n] for n in s.markers]) for s in checked)
    citations = []
    for old, new in renumber.items():
        ev = evidence[old - 1]
        spans = ev.spans()
        used = [spans[s.spans.get(old, 0)] for s in checked if old in s.markers]
        start, end = min(u.start for u in used), max(u.end for u in used)
        citations.append(Citation(new, ev.source, ev.title, ev.quote(start, end), start, end))
    return text, citations


def verify_answer(
    raw: str,
    evidence: list[Evidence],
    embed: Callable[[list[str]], np.ndarray],
    threshold: float = SUPPORT_THRESHOLD,
) -> tuple[str, list[Citation], list[CheckedSentence]]:
    """The verified answer text, its citations, and the per-sentence verdicts."""
    checked = check_sentences(split_answer(normalize_markers(raw)), evidence, embed, threshold)
    text, citations = render(checked, evidence)
    return text, citations, checked
