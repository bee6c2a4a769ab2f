"""A claim that names something specific is also cited to another article that states it.

"Which White House special envoy is mentioned in connection with talks in Moscow?" was
answered "Steve Witkoff" from one article, while a second retrieved article says "special envoy
Witkoff ... from Moscow"; "the talks in Istanbul took place on May 16" cited one report, and
another says "Before the Istanbul meeting on May 16". A question about several reports wants
each of them cited, and the evidence the model was shown rarely holds the second article's
sentence (it is chosen for the question, not for the answer). So after the judge: for each kept
claim that gives a specific item the question does not (a rare name, a date, a number of three
digits or more), the sentence of another retrieved article that holds every such item and is
most similar to the claim is judged against the claim, and cited too when the judge accepts it.
Similarity alone does not pick the second report (measured: P(yes) for the most similar other
sentences did not separate gold from wrong articles); a shared rare item narrows the candidates
to the ones that can state the same fact.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from index.keyword import tokenize
from rag.answer_type import numbers_of
from rag.citations import CheckedSentence
from rag.evidence import Evidence
from rag.rare_names import name_groups

log = logging.getLogger(__name__)

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:{_MONTHS})\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS}))\b")


def specific_items(question: str, claim: str, rare: Callable[[str], bool]) -> list[str]:
    """What the claim gives that the question does not and that few texts could share: the
    rare tokens of its names (`rare(token)`: held by few chunks of the corpus), its dates
    ("May 16") and its numbers of three digits or more ("1000"), each as a keyword token, a
    date or a number."""
    asked = set(tokenize(question))
    items = [
        token
        for group in name_groups(claim)
        if not set(group) & asked
        for token in group
        if rare(token)
    ]
    items += [d for d in dict.fromkeys(_DATE.findall(claim)) if d.lower() not in question.lower()]
    items += sorted(
        n for n in numbers_of(claim, spelled=False) - numbers_of(question) if len(n) >= 3
    )
    return list(dict.fromkeys(items))


def holds_items(items: list[str], text: str, tokens: set[str]) -> bool:
    """Whether `text` (with its keyword `tokens`) holds every item: a date as written (spacing
    aside), a number among its numbers, a name token among its tokens."""
    numbers = numbers_of(text, spelled=False)
    flat = " ".join(text.split()).lower()
    for item in items:
        if _DATE.fullmatch(item):
            if " ".join(item.split()).lower() not in flat:
                return False
        elif item.isdigit():
            if item not in numbers:
                return False
        elif item not in tokens:
            return False
    return True


def best_other(
    claim_vector: np.ndarray, rows: list[dict], cited: set[str], items: list[str]
) -> dict | None:
    """Of the sentence rows of articles not in `cited` (no photo caption) that hold every one
    of `items`, the one most similar to the claim; None when there is none."""
    fits = [
        r
        for r in rows
        if r["passage"].source not in cited
        and not r.get("caption")
        and holds_items(items, r["text"], set(tokenize(r["text"])))
    ]
    if not fits:
        return None
    return max(fits, key=lambda r: float(np.dot(claim_vector, r["vector"])))


def as_evidence(row: dict, number: int, evidence: list[Evidence]) -> Evidence:
    """The sentence row as evidence: the shown evidence item with its text and place, when
    there is one, else a new item numbered `number` (not shown to the model: a citation)."""
    passage = row["passage"]
    for e in evidence:
        if e.source == passage.source and e.start == row["start"] and e.end == row["end"]:
            return e
    return Evidence(
        number, passage.source, passage.title, row["text"], row["start"], row["end"], 0.0,
        row["vector"], outlet=passage.outlet, date=passage.date, url=passage.url,
        also_in=passage.also_in,
    )  # fmt: skip


def partner(vector: np.ndarray, other: Evidence, evidence: list[Evidence]) -> Evidence | None:
    """The shown evidence sentence of `other`'s article (not `other` itself) most similar to
    the claim (`vector`), to be read with it: the sentence that names the talks next to the one
    that dates them. None when the model was shown no other sentence of that article."""
    same = [
        e
        for e in evidence
        if e.source == other.source and (e.start, e.end) != (other.start, other.end)
    ]
    return max(same, key=lambda e: float(np.dot(vector, e.vector))) if same else None


def corroborated(
    question: str,
    checked: list[CheckedSentence],
    evidence: list[Evidence],
    rows: Callable[[], list[dict]],
    embed: Callable[[list[str]], np.ndarray],
    probability: Callable[[str, list[Evidence]], float | None],
    rare: Callable[[str], bool],
    *,
    threshold: float,
    calls: int,
) -> tuple[list[CheckedSentence], list[Evidence]]:
    """The claims, each giving specific items also cited to the best sentence of another
    retrieved article holding them all when `probability` (the judge's P(yes) that the
    sentences, read in their context, state the claim) reaches `threshold` for it alone or,
    failing that, read with the most similar sentence of its article the model was shown (both
    cited); and the evidence their markers number (the shown evidence, then any sentence cited
    beyond it). At most `calls` judge calls; `rows()` gives the retrieved passages' sentence
    rows, read only when a claim has items."""
    every = list(evidence)
    out: list[CheckedSentence] = []
    read: list[dict] | None = None
    for sentence in checked:
        items = specific_items(question, sentence.claim(), rare) if sentence.markers else []
        if not items or calls <= 0:
            out.append(sentence)
            continue
        read = rows() if read is None else read
        cited = {every[n - 1].source for n in sentence.markers}
        vector = embed([sentence.claim()])[0]
        row = best_other(vector, read, cited, items)
        if row is None:
            out.append(sentence)
            continue
        other = as_evidence(row, len(every) + 1, every)
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
            if p is not None and p >= threshold:
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
