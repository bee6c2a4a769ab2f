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

from index.keyword import tokenize
from rag.claims import MARKER, answer_claims, content_words, strip_markers
from rag.evidence import Evidence, lexical_overlap
from rag.types import Citation

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
    similarity: dict[int, float] = field(default_factory=dict)  # marker -> similarity support
    support: dict[int, float | None] = field(default_factory=dict)  # marker -> judge P(yes)
    judged: str = ""  # what similarity and the judge read, when not `text` (rag.claims)

    def claim(self) -> str:
        """The claim as similarity and the judge read it."""
        return self.judged or self.text


# A claim with this share of its content words in an earlier claim (and no citation that claim
# lacks) says nothing new.
REPEAT_SHARE = 0.8


def without_repeats(checked: list[CheckedSentence]) -> list[CheckedSentence]:
    """The claims in order, without one that says again what an earlier kept claim said: at
    least `REPEAT_SHARE` of its content words are in that claim, and it cites nothing that claim
    does not ("JD Vance spoke to reporters from Air Force 2 [1]. He was speaking to reporters
    from Air Force 2 [1].")."""
    kept: list[CheckedSentence] = []
    for sentence in checked:
        words = set(content_words(sentence.claim()))
        if words and any(
            set(sentence.markers) <= set(k.markers)
            and len(words & set(content_words(k.claim()))) >= REPEAT_SHARE * len(words)
            for k in kept
        ):
            continue
        kept.append(sentence)
    return kept


def quoted(evidence: Evidence, marker: int) -> CheckedSentence:
    """An evidence sentence as a claim of its own, cited as `marker`: its text (whitespace
    collapsed), support 1.0 (a quote states itself)."""
    text = " ".join(evidence.text.split())
    return CheckedSentence(text, [marker], True, {marker: 1.0}, {marker: 1.0})


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


def pointed_at(text: str, count: int) -> list[int]:
    """The markers of a normalized reply that is only markers ("[3]"), each once, in order and
    within 1..`count`: the evidence the model points at. [] for any other reply."""
    if re.search(r"\w", MARKER.sub(" ", text)):
        return []
    numbers = dict.fromkeys(int(m) for m in MARKER.findall(text))
    return [n for n in numbers if 1 <= n <= count]


def split_answer(
    text: str, limit: int | None = None, min_words: int = 0
) -> list[tuple[str, list[int]]]:
    """(claim without markers, cited numbers) for each claim of a normalized answer. Markers
    outside 1..`limit` are removed first, so they cut no claim; pieces with fewer than
    `min_words` content words join their neighbour (rag.claims.answer_claims)."""
    if limit is not None:
        text = MARKER.sub(lambda m: m.group() if 1 <= int(m[1]) <= limit else " ", text)
    claims = answer_claims(text, min_words)
    return [(strip_markers(c), n) for c, n in claims if strip_markers(c)]


def support_matrix(
    claims: list[str], evidence: list[Evidence], embed: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """support[i, j]: how similar evidence j is to claim i (0..1): the mean of cosine similarity
    and word overlap. A similarity signal only: the judge (rag/judge.py) decides support."""
    shape = (len(claims), len(evidence))
    if not claims or not evidence:
        return np.zeros(shape)
    cosine = embed(claims) @ np.stack([e.vector for e in evidence]).T
    support = np.zeros(shape)
    for i, claim in enumerate(claims):
        for j, e in enumerate(evidence):
            support[i, j] = 0.5 * max(float(cosine[i, j]), 0.0) + 0.5 * lexical_overlap(
                claim, e.text
            )
    return support


def check_sentences(
    parts: list[tuple[str, list[int]]],
    evidence: list[Evidence],
    embed: Callable[[list[str]], np.ndarray],
    threshold: float,
    min_fact_words: int,
) -> list[CheckedSentence]:
    """Keep, move, drop or attach each claim's citations by similarity support (`threshold`);
    a claim with fewer than `min_fact_words` content words is connective, not factual."""
    support = support_matrix([c for c, _ in parts], evidence, embed)
    checked = []
    for i, (claim, numbers) in enumerate(parts):
        factual = len(tokenize(claim)) >= min_fact_words
        valid = [n for n in numbers if 1 <= n <= len(evidence)]
        kept = [n for n in valid if support[i, n - 1] >= threshold]
        if not kept and evidence and (valid or factual):
            best = int(np.argmax(support[i]))
            if support[i, best] >= threshold:
                kept = [best + 1]
        similarity = {n: float(support[i, n - 1]) for n in kept}
        checked.append(CheckedSentence(claim, kept, factual, similarity))
    return checked


def _with_markers(sentence: str, markers: list[int]) -> str:
    if not markers:
        return sentence
    tags = "".join(f"[{m}]" for m in markers)
    match = re.search(r"[.!?…,;]+[\"'”’)]*$", sentence)
    if match:
        return f"{sentence[: match.start()]} {tags}{sentence[match.start() :]}"
    return f"{sentence} {tags}"


_CLAUSE_START = re.compile(r"^[,;:]\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def _joined(pieces: list[str]) -> str:
    """The rendered claims as one text. A claim that went on a sentence after a marker
    ("X [1], Y [2].") joins the piece before it without a space; when that piece ended its
    sentence or was dropped (no piece before, or one ending in a full stop), its opening comma
    goes and its first letter is raised: "Yes, according to the evidence [1], Putin made ..."
    with the first piece dropped reads "Putin made ...", not ", Putin made ..."."""
    text = ""
    for piece in pieces:
        opening = _CLAUSE_START.match(piece)
        if opening and text and not _SENTENCE_END.search(text):
            text += piece
            continue
        if opening:
            piece = piece[opening.end() :]
            piece = piece[:1].upper() + piece[1:]
        text = f"{text} {piece}" if text else piece
    return text


def render(checked: list[CheckedSentence], evidence: list[Evidence]) -> tuple[str, list[Citation]]:
    """Text with markers renumbered 1..k by first use, and one Citation per marker; a citation's
    support is the lowest judge probability among the claims that cite it (None: not judged)."""
    renumber: dict[int, int] = {}
    for sentence in checked:
        for n in sentence.markers:
            renumber.setdefault(n, len(renumber) + 1)
    text = _joined([_with_markers(s.text, [renumber[n] for n in s.markers]) for s in checked])
    citations = []
    for old, new in renumber.items():
        ev = evidence[old - 1]
        judged = [s.support[old] for s in checked if s.support.get(old) is not None]
        support = min(judged) if judged else None  # type: ignore[type-var]
        citations.append(ev.citation(new, support))
    return text, citations
