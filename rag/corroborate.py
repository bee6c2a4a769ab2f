"""A claim that names something specific is also cited to another article that states it.

"Which White House special envoy is mentioned in connection with talks in Moscow?" was
answered "Steve Witkoff" from one article, while a second retrieved article says "special envoy
Witkoff ... from Moscow"; "the talks in Istanbul took place on May 16" cited one report, and
another says "Before the Istanbul meeting on May 16". A question about several reports wants
each of them cited, and the evidence the model was shown rarely holds the second article's
sentence (it is chosen for the question, not for the answer). So after the judge: for each kept
claim that gives a specific item the question does not (a rare name, a date, a number of three
digits or more that is not a year), the sentence of another retrieved article that holds every
such item and is most similar to the claim is judged against the claim, and cited too when the
judge accepts it. Similarity alone does not pick the second report (docs/measurements.md: P(yes)
for the most similar other sentences did not separate gold from wrong articles); a shared rare
item narrows the candidates to the ones that can state the same fact.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from index.keyword import tokenize
from rag.answer_type import numbers_of
from rag.citations import CheckedSentence
from rag.evidence import Evidence, evidence_of
from rag.rare_names import name_groups

log = logging.getLogger(__name__)

_MONTH = "|".join(calendar.month_name[1:])
_DATE = re.compile(rf"\b(?:({_MONTH})\s+(\d{{1,2}})|(\d{{1,2}})\s+({_MONTH}))\b")
_YEAR = re.compile(r"(?:19|20)\d\d")


def dates_of(text: str) -> set[tuple[str, int]]:
    """The (month, day) dates `text` writes as "May 16" or "16 May"."""
    return {
        ((m1 or m2).lower(), int(d1 or d2)) for m1, d1, d2, m2 in _DATE.findall(text)
    }  # fmt: skip


def name_tokens(text: str) -> set[str]:
    """The keyword tokens of `text`, a possessive's apostrophe cut ("Witkoff's": witkoff)."""
    return {t.rstrip("'’") for t in tokenize(text)}


@dataclass(frozen=True)
class Specific:
    """What a claim gives that few texts could share: rare name tokens, dates, numbers."""

    names: frozenset[str] = frozenset()
    dates: frozenset[tuple[str, int]] = frozenset()
    numbers: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.names or self.dates or self.numbers)

    def held_by(self, text: str) -> bool:
        """Whether `text` holds every item: the names among its tokens, the dates and numbers
        among its own."""
        return (
            self.names <= name_tokens(text)
            and self.dates <= dates_of(text)
            and self.numbers <= numbers_of(text, spelled=False)
        )


def specific_items(question: str, claim: str, rare: Callable[[str], bool]) -> Specific:
    """What the claim gives that the question does not: the rare tokens of its names
    (`rare(token)`: held by few chunks of the corpus; a name may open the claim), its dates
    ("May 16") and its numbers of three digits or more that are not years ("1000")."""
    asked = name_tokens(question)
    names = {
        token
        for group in name_groups(claim, skip_first=False)
        if not set(group) & asked
        for token in group
        if rare(token)
    }
    numbers = {
        n
        for n in numbers_of(claim, spelled=False) - numbers_of(question, spelled=False)
        if len(n.replace(".", "")) >= 3 and not _YEAR.fullmatch(n)
    }
    return Specific(
        frozenset(names), frozenset(dates_of(claim) - dates_of(question)), frozenset(numbers)
    )


def _overlaps(a_source: str, a: tuple[int, int], b_source: str, b: tuple[int, int]) -> bool:
    return a_source == b_source and a[0] < b[1] and b[0] < a[1]


def best_other(
    claim_vector: np.ndarray,
    rows: list[dict],
    cited: set[str],
    items: Specific,
    allowed: Callable[[dict], bool],
) -> dict | None:
    """Of the sentence rows of articles not in `cited` that may be shown (`allowed`: long
    enough, no instruction to the model, no photo caption) and hold every item, the one most
    similar to the claim; None when there is none."""
    fits = [
        r
        for r in rows
        if r["passage"].source not in cited and allowed(r) and items.held_by(r["text"])
    ]
    if not fits:
        return None
    return max(fits, key=lambda r: float(np.dot(claim_vector, r["vector"])))


def as_evidence(row: dict, number: int, evidence: list[Evidence], items: Specific) -> Evidence:
    """The sentence row as evidence: the shown (or already added) item over the same text that
    holds the items, when there is one, else a new item numbered `number` (a citation the
    model was not shown)."""
    passage = row["passage"]
    span = (row["start"], row["end"])
    for e in evidence:
        if _overlaps(e.source, (e.start, e.end), passage.source, span) and items.held_by(e.text):
            return e
    return evidence_of(row, number)


def partner(vector: np.ndarray, other: Evidence, evidence: list[Evidence]) -> Evidence | None:
    """The shown evidence sentence of `other`'s article that shares no text with it, most
    similar to the claim (`vector`), to be read with it: the sentence that names the talks next
    to the one that dates them. None when the model was shown no such sentence."""
    span = (other.start, other.end)
    same = [
        e
        for e in evidence
        if e.source == other.source
        and not _overlaps(e.source, (e.start, e.end), other.source, span)
    ]
    return max(same, key=lambda e: float(np.dot(vector, e.vector))) if same else None


def judged(checked: list[CheckedSentence]) -> bool:
    """Whether the judge gave a probability for every cited claim (after a failed judge the
    claims stand on similarity alone, and no second article is judged either)."""
    return all(all(s.support.get(n) is not None for n in s.markers) for s in checked if s.markers)


def corroborated(
    question: str,
    checked: list[CheckedSentence],
    evidence: list[Evidence],
    rows: Callable[[], list[dict]],
    embed: Callable[[list[str]], np.ndarray],
    probability: Callable[[str, list[Evidence]], float | None],
    rare: Callable[[str], bool],
    allowed: Callable[[dict], bool],
    *,
    threshold: float,
    calls: int,
) -> tuple[list[CheckedSentence], list[Evidence]]:
    """The claims, each giving specific items also cited to the best sentence of another
    retrieved article holding them all when `probability` (the judge's P(yes) that the
    sentences, read in their context, state the claim) reaches `threshold` for it alone or,
    failing that, read with the most similar sentence of its article the model was shown (both
    cited); and the evidence their markers number (the shown evidence, then any sentence cited
    beyond it). At most `calls` judge calls; a probability of None (no judge) ends the step.
    `rows()` gives the retrieved passages' sentence rows, read only when a claim has items."""
    every = list(evidence)
    out: list[CheckedSentence] = []
    read: list[dict] | None = None
    for sentence in checked:
        items = (
            specific_items(question, sentence.claim(), rare)
            if sentence.markers and calls > 0
            else Specific()
        )
        if not items:
            out.append(sentence)
            continue
        read = rows() if read is None else read
        cited = {every[n - 1].source for n in sentence.markers}
        vector = embed([sentence.claim()])[0]
        row = best_other(vector, read, cited, items, allowed)
        if row is None:
            out.append(sentence)
            continue
        other = as_evidence(row, len(every) + 1, every, items)
        mate = partner(vector, other, evidence)
        tries = [[other], *([sorted([mate, other], key=lambda e: e.start)] if mate else [])]
        for group in tries[:calls]:
            calls -= 1
            p = probability(sentence.claim(), group)
            log.debug(
                "corroborate P(yes)=%s for %r against %r",
                p,
                sentence.claim(),
                [e.text for e in group],
            )
            if p is None:
                calls = 0  # no verdict to be had: the answer stands as judged
                break
            if p >= threshold:
                if other.number > len(every):
                    every.append(other)
                numbers = [e.number for e in group]
                sentence = replace(
                    sentence,
                    markers=[*sentence.markers, *numbers],
                    support={**sentence.support, **dict.fromkeys(numbers, p)},
                )
                break
        out.append(sentence)
    return out, every
