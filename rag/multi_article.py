"""A question about several reports is answered from each of them.

"How is Crimea treated in the peace proposals described in the coverage?", "Do the reports
agree?", "... both in Putin's demands and in the US plan": the evidence step already shows the
model sentences from each relevant article, but the 1.5B model tends to answer from the first
one and cite it alone. When the question says it spans reports, the article in the evidence
that no kept claim cites whose sentence is most on the question and nearest the answer adds
that sentence, verbatim and cited (a quote states itself: no judge call), so the answer cites
two reports. One, not every other article: on the eval's cue questions the second-best
article's sentence was off the question ("Crimea belongs to Ukraine" for the prisoner swap).
The `none` backend's extractive answer to such a question quotes the best sentence of each
article, not the best sentences overall.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rag.citations import CheckedSentence, quoted, support_matrix
from rag.evidence import Evidence
from rag.report_cues import spans_reports


def other_reports(
    question: str,
    kept: list[CheckedSentence],
    evidence: list[Evidence],
    embed: Callable[[list[str]], np.ndarray],
    relevance_min: float,
) -> list[CheckedSentence]:
    """For a question spanning reports whose kept claims cite one article: among the evidence
    sentences of the other articles at least `relevance_min` relevant to the question, the one
    whose relevance plus similarity to the answer so far is highest (on the question, and near
    what the answer says), verbatim and cited; [] for any other answer or question."""
    cited = {evidence[n - 1].source for s in kept for n in s.markers}
    if len(cited) != 1 or not spans_reports(question):
        return []
    candidates = [e for e in evidence if e.source not in cited and e.relevance >= relevance_min]
    if not candidates:
        return []
    closeness = support_matrix([s.text for s in kept], candidates, embed).max(axis=0)
    best = max(zip(candidates, closeness, strict=True), key=lambda p: p[0].relevance + p[1])[0]
    return [quoted(best, best.number)]


def each_report(ranked: list[Evidence], sentences: int, relevance_min: float) -> list[Evidence]:
    """The extractive answer to a question spanning reports: the best sentence of each article,
    articles in the order of their best sentence, at most `sentences`; an article after the
    first only when its sentence is at least `relevance_min` relevant to the question.
    `ranked` is the evidence, best-scored first."""
    firsts: dict[str, Evidence] = {}
    for e in ranked:
        firsts.setdefault(e.source, e)
    best, *others = firsts.values()
    return [best, *(e for e in others if e.relevance >= relevance_min)][:sentences]
