"""Does a question ask about several reports at once?

"How is Crimea treated in the peace proposals described in the coverage?", "Do the reports
agree?", "... both in Putin's demands and in the US plan", "Which newspaper reported X, and which
Y?": such a question is answered from each relevant article (issue 10: "according to these
reports", "versus", "both"). The evidence step gives every retrieved article its best block
however far its score sits below the best (rag/evidence.py), and an answer citing one article
gets the best sentence of another (rag/multi_article.py).
"""

from __future__ import annotations

import re

SPANS_REPORTS = re.compile(
    r"\b(according to|in|across|from) (the|these|those|both|all) (coverage|reports|articles"
    r"|outlets|newspapers|stories|sources)\b"
    r"|\b(do|did|does) (the |these |both )?(reports|articles|outlets|newspapers|stories|sources)"
    r" (agree|differ|disagree|say)\b"
    r"|\bboth (in|by|from) .+ and\b|\bversus\b|\bvs\.? |\beach (report|article|outlet|newspaper)\b"
    r"|\bwhich (newspaper|outlet|paper|publication|report|article|source)s?\b.+\band which\b",
    re.I,
)


def spans_reports(question: str) -> bool:
    """True when the question asks about several reports at once."""
    return bool(SPANS_REPORTS.search(question))
