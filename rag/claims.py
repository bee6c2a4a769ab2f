"""Citation markers and claims: the one marker pattern and the one claim splitter.

rag/ (verification, judging), evals/ (scoring) and ui/ (rendering) all read `[n]` markers and
split answers into claims through this module.
"""

from __future__ import annotations

import re

from index.chunking import split_sentences, statements
from index.keyword import tokenize

# One citation marker as Newsdesk writes it: [n].
MARKER = re.compile(r"\[(\d+)\]")
_MARKER_GROUP = re.compile(r"(?:\s*\[\d+\])+")
_PUNCT_ONLY = re.compile(r"^[\s.,;:!?…\"'”’)]*$")


def markers_in(text: str) -> list[int]:
    """Every marker number in `text`, in order of appearance (repeats kept)."""
    return [int(n) for n in MARKER.findall(text)]


def strip_markers(text: str) -> str:
    """`text` without markers, whitespace collapsed, no space left before punctuation."""
    clean = " ".join(MARKER.sub(" ", text).split())
    return re.sub(r"\s+([.,;:!?])", r"\1", clean)


def answer_claims(text: str, min_words: int = 0) -> list[tuple[str, list[int]]]:
    """(claim without markers, cited numbers) for each claim of an answer.

    A claim is a sentence, or the part of one that ends at a group of markers ("X [1] and Y [2]."
    holds two claims). A short quotation of several sentences counts as one sentence, as in the
    evidence (index.chunking.statements): 'He said: "X. Y." [1]' is one claim. Markers that
    open a sentence ("claim. [1] Next") belong to the claim before them. A piece of a sentence
    with fewer than `min_words` content words ("in Istanbul [2]") is no claim of its own: it
    joins the claim before it in the sentence (or the one after it, at the start), with its
    markers.
    """
    claims: list[tuple[str, list[int]]] = []
    for s, e in _claim_sentences(text):
        pieces = _sentence_pieces(text[s:e])
        if not pieces:
            continue
        if _PUNCT_ONLY.match(pieces[0][0]) and claims:  # markers opening the sentence
            claims[-1][1].extend(n for n in pieces[0][1] if n not in claims[-1][1])
            pieces = pieces[1:]
        claims.extend(_merge_short(pieces, min_words))
    return [(" ".join(c.split()), numbers) for c, numbers in claims]


def _claim_sentences(text: str) -> list[tuple[int, int]]:
    """The answer's sentences, a quoted statement of several as one unless a marker stands
    inside it before its last sentence ('"A [1]. B [2]," he said' stays two claims)."""
    sentences = split_sentences(text)
    spans: list[tuple[int, int]] = []
    for start, end in statements(text, sentences):
        inside = [(s, e) for s, e in sentences if start <= s and e <= end]
        lead = _MARKER_GROUP.match(text, start)  # markers opening it close the claim before
        if len(inside) > 1 and MARKER.search(text, lead.end() if lead else start, inside[-1][0]):
            spans.extend(inside)
        else:
            spans.append((start, end))
    return spans


def _sentence_pieces(sentence: str) -> list[tuple[str, list[int]]]:
    """The sentence cut after each marker group: (text, numbers); trailing punctuation joins
    the piece before it."""
    pieces: list[tuple[str, list[int]]] = []
    cursor = 0
    for match in _MARKER_GROUP.finditer(sentence):
        numbers = list(dict.fromkeys(markers_in(match.group())))
        pieces.append((sentence[cursor : match.start()], numbers))
        cursor = match.end()
    rest = sentence[cursor:]
    if not _PUNCT_ONLY.match(rest) or not pieces:
        pieces.append((rest, []))
    elif rest.strip():
        pieces[-1] = (pieces[-1][0] + rest.strip(), pieces[-1][1])
    return [p for p in pieces if p[0].strip() or p[1]]


def _merge_short(
    pieces: list[tuple[str, list[int]]], min_words: int
) -> list[tuple[str, list[int]]]:
    merged: list[tuple[str, list[int]]] = []
    carry: tuple[str, list[int]] | None = None
    for text, numbers in pieces:
        if carry is not None:
            text, numbers = (
                carry[0] + " " + text,
                carry[1] + [n for n in numbers if n not in carry[1]],
            )
            carry = None
        if len(tokenize(text)) < min_words or _PUNCT_ONLY.match(text):
            if merged:
                prev_text, prev_numbers = merged[-1]
                merged[-1] = (
                    prev_text + " " + text,
                    prev_numbers + [n for n in numbers if n not in prev_numbers],
                )
            else:
                carry = (text, numbers)
            continue
        merged.append((text, list(numbers)))
    if carry is not None:
        merged.append(carry)
    return merged


# "The article states that X", "According to the report from BBC, X": the model naming its
# source instead of stating the claim. The citation already names the article, and the frame is
# no fact the quote states, so the judge read such claims as unsupported (issue 10).
_SOURCE_NOUN = r"(?:article|report|analysis|text|coverage|evidence|excerpt|passage)"
_SOURCE_FRAME = re.compile(
    rf"^(?:(?:the|this) {_SOURCE_NOUN}(?: from [^,.;:]{{1,60}}?)? (?:states|says|mentions|"
    rf"reports|notes|explains|indicates|writes|describes)(?: that)?[,:]?"
    rf"|according to (?:the|this) {_SOURCE_NOUN}(?: from [^,.;:]{{1,60}}?)?,)\s+",
    re.IGNORECASE,
)


def without_source_frame(claim: str) -> str:
    """The claim without a leading "The article states that" / "According to the article,"
    (its first letter raised); unchanged when it has none or nothing would be left."""
    match = _SOURCE_FRAME.match(claim)
    rest = claim[match.end() :] if match else ""
    if len(tokenize(rest)) < 2:
        return claim
    return rest[0].upper() + rest[1:]


# "According to Trump, X" (any case) and "JD Vance said that X" (a capitalized name): a source or
# speaker named before the claim.
_ACCORDING_TO = re.compile(r"^according to (?P<name>[^,.;:]{1,60}?),\s+", re.IGNORECASE)
_SPEAKER = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)\s+"
    r"(?:said|says|stated|states|told reporters|noted|notes|argued|argues|claimed|claims|"
    r"believes|thinks|suggested|suggests)(?:\s+that)?[,:]?\s+"
)


def without_asked_attribution(claim: str, question: str) -> str:
    """The claim without a leading attribution that the question itself makes ("According to
    Trump," / "JD Vance said that" when the question asks what Trump or Vance said: the name's
    last word is in the question); unchanged otherwise, or when nothing would be left.

    What the judge reads (the answer still shows the attribution): who said it is the user's
    premise, and the citation shows whose words the quote holds; the claim left is what the
    quote must state. The 1.5B judge cannot tell a speaker from a quote's "I" or "he" (P(yes)
    0.25-0.29 for right attributions, issue 10), so judged with it, right answers sank. A
    speaker the question does not name stays: then it is the answer ("Who said ...?")."""
    match = _ACCORDING_TO.match(claim) or _SPEAKER.match(claim)
    if not match:
        return claim
    name = tokenize(match.group("name"))
    rest = claim[match.end() :]
    if not name or name[-1] not in tokenize(question) or len(tokenize(rest)) < 2:
        return claim
    return rest[0].upper() + rest[1:]


def content_words(text: str) -> list[str]:
    """The stemmed content words of `text` (stop words removed), as retrieval reads them."""
    return tokenize(text)
