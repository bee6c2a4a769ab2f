"""Does a verified answer say anything the question did not already say, grounded in evidence?

A small model asked a tempting question the corpus cannot answer tends to restate the question
("The Pope who offered to host the talks is [1].", "... is Pope Francis [1]."), or to say in its
own words that the evidence is silent ("which is not specified in the evidence"). Both pass a
similarity check, because they echo the question's topic. An answer counts only when one of its
cited sentences adds a content word that is not in the question and does occur in the evidence
it cites.
"""

from __future__ import annotations

from index.keyword import tokenize
from rag.citations import CheckedSentence
from rag.evidence import Evidence

# Phrases with which the model says the evidence does not hold the answer without using the
# fixed NOT IN SOURCES reply (measured on the eval run's answers to unanswerable questions).
NON_ANSWER_PHRASES = (
    "not specified",
    "not mentioned",
    "does not mention",
    "do not mention",
    "doesn't mention",
    "not provided",
    "does not provide",
    "do not provide",
    "not stated",
    "does not state",
    "does not specify",
    "no information",
    "not available in",
    "not given in",
    "cannot be determined",
)

# Words that talk about the evidence rather than about the news.
META_WORDS = frozenset(tokenize("according evidence excerpt source sources passage stated states"))


def says_not_covered(text: str) -> bool:
    """True when the answer itself says the evidence does not hold the answer."""
    low = " ".join(text.lower().split())
    return any(phrase in low for phrase in NON_ANSWER_PHRASES)


def adds_grounded_content(
    question: str, checked: list[CheckedSentence], evidence: list[Evidence]
) -> bool:
    """True when a cited sentence has a content word absent from the question but present in
    the evidence it cites."""
    asked = set(tokenize(question)) | META_WORDS
    for sentence in checked:
        new = set(tokenize(sentence.text)) - asked
        if not new:
            continue
        for n in sentence.markers:
            ev = evidence[n - 1]
            if new & set(tokenize(ev.text)):
                return True
    return False
