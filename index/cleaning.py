"""Find the lines of an article worth indexing, as character spans of the ORIGINAL text.

Cleaning never rewrites text: it only decides which spans are kept, so every offset downstream
still points into the file as it is on disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Whole-line boilerplate from news sites and scrapers (matched case-insensitively, full line).
BOILERPLATE_PATTERNS = [
    r"leave a (reply|comment)",
    r"cancel reply",
    r"click to comment",
    r"continue reading",
    r"source link",
    r"connect with us",
    r"photo of author",
    r"by \[email(\s|&#160;)*protected\]",
    r"\[email(\s|&#160;)*protected\]",
    r"(share|share this|share on \w+|tweet|print|subscribe.*|sign up.*|advertisement|related.*)",
    r"(updated|published|on|news|home|menu|search)",
    r"\w*logo",
    r"https?://\S+",
    r"\S+\.(jpe?g|png|gif|webp|svg)(\?\S*)?",
    r"advertisement\W+scroll to continue",
    r"our standards:.*trust principles\.?",
]
_BOILERPLATE = re.compile(r"^\s*(?:" + "|".join(BOILERPLATE_PATTERNS) + r")\s*$", re.IGNORECASE)

# Boilerplate that scrapers glue to the start of a content line (comment-form notices).
_BOILERPLATE_PREFIX = re.compile(
    r"(?:your email address will not be published\.?\s*|required fields are marked \*\s*)+",
    re.IGNORECASE,
)


# A photo credit ("Mikhail Svetlov/Getty Images", "AFP via Getty", "Photo: Reuters"): the line
# that carries one is an image caption, which describes a picture, not the news (issue 10 saw a
# person added to a group from a caption line).
_PHOTO_CREDIT = re.compile(
    r"\b(?:via|through) Getty\b|\bGetty Images\b|\bShutterstock\b|\bAP Photo\b"
    r"|\b(?:AFP|Reuters|AP|EPA|Anadolu|Sputnik|Bloomberg|Pool) via\b"
    r"|/(?:AFP|Reuters|AP|EPA|Getty|Pool|Sputnik|Shutterstock|Bloomberg)\b"
    r"|\b(?:Photo|Photograph|Image|Picture)(?: credit)?\s*:|\(Photo(?:graph)? by\b",
    re.IGNORECASE,
)


def is_photo_caption(line: str) -> bool:
    """True for a line that carries a photo credit: an image caption, kept in the index (it is
    the article's text) but never chosen as evidence (rag/evidence.py)."""
    return bool(_PHOTO_CREDIT.search(line))


def iter_lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans (start, end) of each line's content, without the line break and outer whitespace."""
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = pos + (len(body) - len(body.lstrip()))
            yield start, start + len(stripped)
        pos += len(line)


def is_boilerplate(line: str) -> bool:
    """True for a line that carries no article content (see BOILERPLATE_PATTERNS)."""
    return bool(_BOILERPLATE.match(line))


def content_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the lines to index: boilerplate and repeated short lines (headers) dropped."""
    seen: set[str] = set()
    spans = []
    for start, end in iter_lines(text):
        prefix = _BOILERPLATE_PREFIX.match(text, start, end)
        if prefix:
            start = prefix.end()
        line = text[start:end]
        if not line.strip():
            continue
        key = line.casefold()
        if is_boilerplate(line) or (key in seen and len(line) < 200):
            continue
        seen.add(key)
        spans.append((start, end))
    return spans
