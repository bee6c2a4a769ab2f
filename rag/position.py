"""A question that names a place in an article by its position is answered from that place.

"Which writer does the analysis of Rubio's withdrawal quote in its closing line?", "What does the
first paragraph of the BBC report say?": the answer stands at the article's end or start, which
shares no word with the question, so neither retrieval nor the evidence step finds it (issue 10:
q003, refused with the fact in no retrieved passage). The article is the retrieved one whose
title the question names, else the one retrieval ranks first. The place is its last paragraph
(or its first, past the headline, byline and captions), read from the sentence store, which
holds the article's text without the boilerplate ("Source link", "Leave a Reply"). The chain
then takes the same second look as for a quotation the question quotes (rag/quoted.py): the
model is shown only that place, and an answer that cites none of it is replaced by it,
verbatim.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

import chromadb

from index.cleaning import is_photo_caption
from rag.errors import RagError
from rag.evidence import lexical_overlap
from rag.quoted import Spot
from rag.types import Citation, Passage

END, START = "end", "start"

# "line" but not "the last line of defence"
_PLACE = r"(?:lines?(?!\s+of\b)|sentences?|paragraphs?|passage)"
_WORD = r"[\w'’-]+"
_WRITING = r"(?:article|piece|analysis|report|story|column|commentary|editorial|op-ed|text)"
_ASKS_END = re.compile(
    rf"\b(?:closing|final|last|concluding|ending) {_PLACE}\b"
    rf"|\bhow does (?:{_WORD} ){{0,4}}{_WRITING}\b[^?]* (?:end|close|conclude)\?"
    rf"|\b{_WRITING} (?:ends|closes|concludes) (?:with|by|on)\b",
    re.IGNORECASE,
)
_ASKS_START = re.compile(
    rf"\b(?:opening|first) {_PLACE}\b"
    rf"|\bhow does (?:{_WORD} ){{0,4}}{_WRITING}\b[^?]* (?:open|begin|start)\?"
    rf"|\b{_WRITING} (?:opens|begins|starts) (?:with|by)\b",
    re.IGNORECASE,
)

MAX_WORDS = 80  # the place's sentences, from the end (or the start), up to this many words
MIN_WORDS = 6  # a shorter line at the start is a headline, a section or a byline
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*$")


def asked_position(question: str) -> str | None:
    """END when the question asks about an article's closing lines, START for its opening ones,
    None otherwise."""
    if _ASKS_END.search(question):
        return END
    if _ASKS_START.search(question):
        return START
    return None


class PositionSpot(Spot):
    """The last (or first) paragraph of an article, as a place the answer must quote. Unlike a
    quotation, every sentence of it is what it holds: `words` is the whole spot."""

    def cited_by(self, citations: Iterable[Citation]) -> bool:
        """True when a citation quotes any of the place."""
        return any(
            c.source == self.passage.source and c.start < self.end and c.end > self.start
            for c in citations
        )


def _prose(text: str, start: int, end: int) -> bool:
    """A sentence of MIN_WORDS words or more that ends as a sentence does, outside a photo
    caption: not a headline, a section name, a byline or a time line ("2:30 am.")."""
    sentence = text[start:end].strip()
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return (
        len(sentence.split()) >= MIN_WORDS
        and _SENTENCE_END.search(sentence) is not None
        and not is_photo_caption(line)
    )


def _named_article(question: str, passages: list[Passage]) -> Passage:
    """The retrieved article the question names: the one whose title shares most of the
    question's words ("the article about Putin's unwavering demands"), the best-ranked on a
    tie. The question's words about position pull retrieval toward any article's ending."""
    firsts: dict[str, Passage] = {}  # each article's best-ranked passage, in rank order
    for p in passages:
        firsts.setdefault(p.source, p)
    return max(firsts.values(), key=lambda p: lexical_overlap(question, p.title))  # first of ties


def position_spot(
    question: str,
    passages: list[Passage],
    sentences: chromadb.Collection,
    article_text: Callable[[str], str],
) -> PositionSpot | None:
    """The place `question` names by position in the best retrieved article: its last paragraph
    for END, its first for START (of its sentences of MIN_WORDS words or more), up to MAX_WORDS
    words and at least one sentence; None when the question names no position, nothing was
    retrieved, or the article's text or sentences cannot be read."""
    where = asked_position(question)
    if where is None or not passages:
        return None
    best = _named_article(question, passages)
    try:
        text = article_text(best.source)
    except RagError:
        return None
    got = sentences.get(where={"source": best.source}, include=["metadatas"])
    spans = sorted({(int(m["start"]), int(m["end"])) for m in got["metadatas"] or []})
    if where == END:
        spans.reverse()
    # the place starts at its first line of prose: past a headline, byline or caption
    spans = list(itertools.dropwhile(lambda span: not _prose(text, *span), spans))
    if not spans:
        return None
    chosen = [spans[0]]
    words = len(text[slice(*spans[0])].split())
    for span in spans[1:]:
        between = text[span[1] : chosen[-1][0]] if where == END else text[chosen[-1][1] : span[0]]
        words += len(text[slice(*span)].split())
        if "\n" in between or words > MAX_WORDS:
            break
        chosen.append(span)
    start, end = min(a for a, _ in chosen), max(b for _, b in chosen)
    return PositionSpot(best, text[start:end], start, end, (start, end))
