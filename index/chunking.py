"""Split an article into sentence-aligned chunks that keep exact offsets into the original file."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from index.cleaning import content_spans
from index.loading import Article

# A sentence ends at . ! ? (or …) plus any closing quotes/brackets, before whitespace and a
# capital letter, digit or opening quote.
_SENTENCE_END = re.compile(r"[.!?…]+(?:[\"'”’“»«)\]]|\s»)*(?=\s+[\"'“‘„«»(\[]?\s?[A-Z0-9À-Ý])")
# Words after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "gen",
    "col",
    "lt",
    "sgt",
    "gov",
    "sen",
    "rep",
    "jr",
    "sr",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "a.m",
    "p.m",
    "i.e",
    "e.g",
}


@dataclass(frozen=True)
class Chunk:
    """A passage of one article; `article.text[start:end] == text`."""

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


# A quotation of several sentences up to this many words ("There is nothing to discuss about
# this. It violates our Constitution," stated Zelensky) is one statement: a chunk never cuts it,
# and each of its sentences is shown to the model and quoted as the whole of it, so what was said
# comes with who said it. Each sentence keeps its own vector (a statement's vector ranked the
# sentence that answers lower). A longer quotation is split as usual.
QUOTE_WORDS = 50
# Bump when the stored units change: an index recorded before is then updated, not trusted.
SPLITTING_VERSION = 3


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the line(s) of `text` holding text[start:end]: its paragraph, in news text
    that puts one paragraph on a line (text wrapped at a fixed width gives a part of one)."""
    begin = text.rfind("\n", 0, max(start, 0)) + 1
    stop = text.find("\n", end)
    return begin, len(text) if stop < 0 else stop


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) inside text[start:end], stripped of outer whitespace.

    A sentence never crosses a line break: news text puts one paragraph on a line.
    """
    end = len(text) if end is None else end
    spans = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        cursor = start + line.start()
        line_end = start + line.end()
        for match in _SENTENCE_END.finditer(text, cursor, line_end):
            if match.group().startswith(".") and _is_abbreviation(text, match.start()):
                continue
            spans.append((cursor, match.end()))
            cursor = match.end()
        spans.append((cursor, line_end))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            result.append((s, e))
    return result


# Curly double quotation marks: “…”, «…» (French) and »…« (German, Danish), and the low opener „
# closed by ” (Romanian, Polish) or by “ (German). ” closes whatever is open; these pairs close
# only their own opener.
_OPENERS = "\u201c\u201e\u00ab\u00bb"
_CLOSES = {("\u201c", "\u201e"), ("\u00bb", "\u00ab"), ("\u00ab", "\u00bb")}


def open_quote(text: str, at: int) -> bool:
    """Whether position `at` of `text` sits inside a double quotation opened earlier in its line
    (straight quotes toggle, curly ones nest)."""
    opened: list[str] = []
    straight = False
    for ch in text[text.rfind("\n", 0, at) + 1 : at]:
        if ch == '"':
            straight = not straight
        elif opened and (ch == "\u201d" or (ch, opened[-1]) in _CLOSES):
            opened.pop()
        elif ch in _OPENERS:
            opened.append(ch)
    return bool(opened) or straight


def statements(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` (sentences of `text`, in order) with each quotation of several sentences that
    closes in its line, at most QUOTE_WORDS long, joined into one span."""
    joined: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i
        while (
            j + 1 < len(spans)
            and "\n" not in text[spans[j][1] : spans[j + 1][0]]
            and open_quote(text, spans[j][1])
        ):
            j += 1
        start, end = spans[i][0], spans[j][1]
        if j > i and not open_quote(text, end) and len(text[start:end].split()) <= QUOTE_WORDS:
            joined.append((start, end))
        else:
            joined.extend(spans[i : j + 1])
        i = j + 1
    return joined


def article_sentences(article: Article) -> list[tuple[int, int]]:
    """Sentence spans of the article's content lines (boilerplate excluded), in order."""
    sentences = []
    for start, end in content_spans(article.text):
        if start < article.body_start:  # Markdown front matter: metadata, not article text
            continue
        sentences.extend(split_sentences(article.text, start, end))
    return sentences


def chunk_id(source: str, start: int, end: int, text: str) -> str:
    """A stable id from the chunk's content and place: same input, same id, on every run."""
    digest = hashlib.sha256(f"{source}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return digest[:32]


def _only_whitespace_between(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip()


def chunk_article(
    article: Article, max_tokens: int, count_tokens: Callable[[str], int]
) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most `max_tokens` tokens.

    A chunk never spans dropped boilerplate, so its text is content only, and a sentence is never
    cut (one longer than `max_tokens` becomes a chunk of its own).
    """
    text = article.text
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    used = 0
    for s, e in statements(text, article_sentences(article)):
        n = count_tokens(text[s:e])
        contiguous = bool(current) and _only_whitespace_between(text, current[-1][1], s)
        if current and (used + n > max_tokens or not contiguous):
            groups.append(current)
            current, used = [], 0
        current.append((s, e))
        used += n
    if current:
        groups.append(current)
    chunks = []
    for group in groups:
        start, end = group[0][0], group[-1][1]
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id(article.source, start, end, body),
                article.source,
                article.title,
                body,
                start,
                end,
            )
        )
    return chunks
