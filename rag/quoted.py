"""A question that quotes an article is answered from the place it quotes.

"Who said "This is not our war. It is Joe Biden's war""? "Which newspaper told European leaders
to "breathe in the smell of the new world order""? The answer stands next to the quoted words:
the speaker introduces a quotation ("... had this message to European leaders:"), closes it ("...
anymore,'" Vance said bluntly") or frames it ("Senator John Cornyn posted on X, saying: "..."").
The evidence step cuts articles into sentences, so the quoted words and their speaker can land in
different numbered excerpts, and the 1.5B model then names someone from another one (issue 10:
q022, q036, q071). `quotation_spots` finds the quoted words in the retrieved articles and returns
the whole quotation with its speaker as one evidence excerpt: the paragraph holding the words,
with the paragraphs the quotation runs over and the line that introduces it. A "Who warned that
...?" question without quotation marks is read the same way, its statement matched more loosely
(it may be reworded) and its place the paragraph with a line that signs it (q013).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from index.chunking import split_sentences
from rag.answer_type import QUOTED
from rag.errors import RagError
from rag.evidence import Evidence
from rag.types import Citation, Passage

MIN_WORDS = 4  # a shorter quotation ("crazy", "the main thing") is a phrase, not a place
MATCH_SHARE = 0.6  # the share of the quotation's words an article must hold as one run
OPENING = '“"«„'
CLOSING = '”"»'
MAX_PARAGRAPHS = 5  # the quotation's paragraphs and its introducing line, at most
MAX_WORDS = 160  # above this, the sentences around the quoted words only

# In single quotes: an apostrophe inside a word ("it's", "Biden’s") does not close the quotation.
_SINGLE_QUOTED = re.compile(r"(?<!\w)['‘]((?:[^'‘’]|['’](?=\w))+)['’](?!\w)")
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\S\n]*(\S(?:[^\n]*\S)?)")


def question_quotation(question: str) -> str | None:
    """The longest quotation of at least MIN_WORDS words in `question`, or None."""
    found = QUOTED.findall(question) + _SINGLE_QUOTED.findall(question)
    quotes = [q for q in found if len(_WORD.findall(q)) >= MIN_WORDS]
    return max(quotes, key=len) if quotes else None


# "Who warned that Poland and the Baltic states would be the first to suffer ...?": a statement
# the question attributes, in the article's words or close to them, without quotation marks.
_STATEMENT = re.compile(
    r"^\W*(?:who|which \w+(?: \w+)?)\b[^?\"“]*?\b(?:said|says|warned|warns|wrote|writes|claimed"
    r"|claims|argued|argues|stated|states|declared|insisted|predicted|threatened|promised)\s+"
    r"that\s+(.+?)\??$",
    re.IGNORECASE,
)
STATEMENT_WORDS = 5  # the least run of a statement's words an article must hold
STATEMENT_SHARE = 0.25  # and the least share of the statement: it may be reworded around it
STATEMENT_CONTENT = 3  # words of four letters or more in that run ("by the end of the": none)


def question_statement(question: str) -> str | None:
    """The statement a "who said that ..." question attributes, when it quotes nothing."""
    if question_quotation(question) is not None or re.search(r"[\"“„«]", question):
        return None
    match = _STATEMENT.search(question.strip())
    return match.group(1) if match else None


def find_words(
    quotation: str, text: str, least: int = MIN_WORDS, share: float = MATCH_SHARE
) -> tuple[int, int, int] | None:
    """(words matched, start, end) of the longest run of `quotation`'s words in `text`, when it
    holds at least `least` words and `share` of the quotation; case, punctuation and
    apostrophes ("Biden’s" / "Biden's") do not count."""
    wanted = [w.lower() for w in _WORD.findall(quotation)]
    found = list(_WORD.finditer(text))
    matcher = difflib.SequenceMatcher(
        None, [m.group().lower() for m in found], wanted, autojunk=False
    )
    run = matcher.find_longest_match(0, len(found), 0, len(wanted))
    if run.size < max(least, math.ceil(share * len(wanted))):
        return None
    return run.size, found[run.a].start(), found[run.a + run.size - 1].end()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Each non-blank line's span, stripped: news text puts one paragraph on a line."""
    return [m.span(1) for m in _LINE.finditer(text)]


def _opens(paragraph: str) -> bool:
    """True when the paragraph opens a quotation that it does not close."""
    return paragraph[0] in OPENING and not any(c in paragraph[1:] for c in CLOSING)


def _signs(line: str) -> bool:
    """True for a line that signs the paragraph above it: "Sergei Naryshkin, Head of the Russian
    Foreign Intelligence Service" (a capital, at most 12 words, no sentence end)."""
    return line[0].isupper() and len(line.split()) <= 12 and line[-1] not in '.!?:;”"»'


def quotation_extent(text: str, start: int, end: int, quoted: bool = True) -> tuple[int, int]:
    """The article span of the quotation holding text[start:end], with its speaker: its
    paragraph; when that opens with a quotation mark, the paragraphs before it that open one and
    leave it open (a quotation running over paragraphs reopens each one), and the line before
    them when it ends with a colon ("... had this message to European leaders:"); the paragraphs
    after it until one closes the quotation. Above MAX_WORDS words: from that span's start when
    it holds such paragraphs or line, else from the sentence before the quoted words, through the
    sentence that closes the quotation (where "...,'" Vance said" names the speaker) and, when
    that sentence ends on the closing mark, the next one; or through the one after the words."""
    paragraphs = _paragraphs(text)
    at = next((i for i, (a, b) in enumerate(paragraphs) if a <= start < b), None)
    if at is None:
        return start, end
    first = last = at
    if text[paragraphs[at][0]] in OPENING:
        while first > 0 and at - first < MAX_PARAGRAPHS - 1:
            before = text[paragraphs[first - 1][0] : paragraphs[first - 1][1]]
            if not _opens(before) and not before.endswith(":"):
                break
            first -= 1
            if not _opens(before):
                break
    tail = text[end : paragraphs[at][1]]
    while (
        quoted  # a statement ends with its paragraph
        and not any(c in tail for c in CLOSING)
        and last + 1 < len(paragraphs)
        and last - first < MAX_PARAGRAPHS - 1
    ):
        last += 1
        tail = text[paragraphs[last][0] : paragraphs[last][1]]
    if last + 1 < len(paragraphs) and _signs(text[slice(*paragraphs[last + 1])]):
        last += 1
    span = paragraphs[first][0], paragraphs[last][1]
    if len(text[span[0] : span[1]].split()) <= MAX_WORDS:
        return span
    sentences = split_sentences(text, *span)
    inside = [i for i, (a, b) in enumerate(sentences) if b > start and a < end]
    closes = (
        i
        for i in range(inside[-1], len(sentences))
        if any(c in text[max(end, sentences[i][0]) : sentences[i][1]] for c in CLOSING)
    )
    lo = 0 if first < at else max(0, inside[0] - 1)
    hi = next(closes, min(len(sentences) - 1, inside[-1] + 1))
    if text[sentences[hi][1] - 1] in CLOSING and hi + 1 < len(sentences):
        hi += 1  # '... We tried."' ends the sentence; 'Vance said.' follows it
    return sentences[lo][0], sentences[hi][1]


@dataclass(frozen=True)
class Spot:
    """A quotation with its speaker: article text[start:end] of `passage`'s article, and the
    span of the quoted words within their quotation marks."""

    passage: Passage
    text: str
    start: int
    end: int
    words: tuple[int, int]

    def cited_by(self, citations: Iterable[Citation]) -> bool:
        """True when a citation quotes the spot beyond the quoted words in their marks (where
        the speaker is)."""
        start, end = self.words
        return any(
            c.source == self.passage.source
            and c.start < self.end
            and c.end > self.start
            and (c.start < start or c.end > end)
            for c in citations
        )

    def evidence(self, embed: Callable[[list[str]], np.ndarray]) -> Evidence:
        """The spot as one evidence excerpt numbered 1 (what the model is shown)."""
        return self._excerpt(1, self.start, self.end, embed([" ".join(self.text.split())])[0])

    def sentences(self, embed: Callable[[list[str]], np.ndarray]) -> list[Evidence]:
        """What an answer that quotes the spot verbatim cites, sentence by sentence: the
        sentences holding the quoted words, the spot's first sentence when it comes before them
        (the line that introduces a quotation) and its last when it comes after them (the one
        that closes it, "...,'" Vance said"), each its own evidence excerpt numbered from 1 in
        article order."""
        spans = split_sentences(self.text)
        words = self.words[0] - self.start, self.words[1] - self.start
        holding = [i for i, (a, b) in enumerate(spans) if b > words[0] and a < words[1]]
        if holding:
            keep = {*holding, 0, len(spans) - 1}
            spans = [spans[i] for i in sorted(keep)]
        vectors = embed([" ".join(self.text[a:b].split()) for a, b in spans])
        return [
            self._excerpt(n, self.start + a, self.start + b, vector)
            for n, ((a, b), vector) in enumerate(zip(spans, vectors, strict=True), 1)
        ]

    def _excerpt(self, number: int, start: int, end: int, vector: np.ndarray) -> Evidence:
        p = self.passage
        return Evidence(
            number, p.source, p.title, self.text[start - self.start : end - self.start], start,
            end, 1.0, np.asarray(vector, dtype=np.float32), outlet=p.outlet, date=p.date,
            url=p.url, also_in=p.also_in, relevance=1.0,
        )  # fmt: skip


def quoted_answer(sentences: list[Evidence]) -> tuple[str, list[Citation]]:
    """The answer that quotes `sentences` verbatim, in order, each citing itself."""
    text = " ".join(f"{' '.join(e.text.split())} [{e.number}]" for e in sentences)
    return text, [e.citation(e.number) for e in sentences]


def quotation_spots(
    question: str, passages: Iterable[Passage], article_text: Callable[[str], str]
) -> list[Spot]:
    """The quotation `question` quotes, with its speaker, in each retrieved article that holds
    it, the article holding most of its words first (a tie: the better-ranked one); [] when the
    question quotes nothing of MIN_WORDS words. A place that is nothing but the quoted words
    (no speaker beside them) is left out."""
    quotation = question_quotation(question)
    statement = question_statement(question) if quotation is None else None
    if quotation is None and statement is None:
        return []
    found: list[tuple[int, Spot]] = []
    seen: set[str] = set()
    for passage in passages:
        if passage.source in seen:
            continue
        seen.add(passage.source)
        try:
            text = article_text(passage.source)
        except RagError:
            continue
        if quotation is not None:
            match = find_words(quotation, text)
        else:
            match = find_words(statement or "", text, STATEMENT_WORDS, STATEMENT_SHARE)
            if (
                match
                and sum(len(w) >= 4 for w in _WORD.findall(text[match[1] : match[2]]))
                < STATEMENT_CONTENT
            ):
                match = None
        if match is None:
            continue
        size, said_start, said_end = match
        start, end = quotation_extent(text, said_start, said_end, quotation is not None)
        words = _within_marks(text, said_start, said_end) if quotation else (said_start, said_end)
        if start < words[0] or end > words[1]:
            found.append((size, Spot(passage, text[start:end], start, end, words)))
    return [spot for _, spot in sorted(found, key=lambda f: -f[0])]


def _within_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] widened to the quotation marks around it within its sentences (to the
    sentences' ends where a mark is not in them): the quoted words, without who said them."""
    sentences = split_sentences(text)
    first = next(((a, b) for a, b in sentences if a <= start < b), (start, end))
    last = next(((a, b) for a, b in sentences if a < end <= b), (start, end))
    opening = max(text.rfind(c, first[0], start) for c in OPENING)
    closing = [i for i in (text.find(c, end, last[1]) for c in CLOSING) if i >= 0]
    return (opening if opening >= 0 else first[0]), (min(closing) + 1 if closing else last[1])
