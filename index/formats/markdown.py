"""Markdown: the file's own text; a YAML-style front matter block gives metadata and is not
indexed (chunking starts after it, so offsets still point into the file as it is)."""

from __future__ import annotations

import re

from index.formats import Extracted, ExtractionError
from index.formats.dates import iso_date
from index.formats.text import decode_text

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
# Front matter keys that mean one of our fields.
_KEYS = {
    "title": "title",
    "headline": "title",
    "author": "author",
    "byline": "author",
    "date": "date",
    "published": "date",
    "outlet": "outlet",
    "source": "outlet",
    "site": "outlet",
    "publisher": "outlet",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
}


def front_matter(text: str) -> tuple[dict[str, str], int]:
    """({field: value}, offset where the body starts); ({}, 0) without front matter."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return {}, 0
    fields: dict[str, str] = {}
    for line in found.group(1).splitlines():
        match = _FIELD.match(line)
        if not match or match.group(1).lower() not in _KEYS:
            continue
        value = match.group(2).strip().strip("'\"")
        key = _KEYS[match.group(1).lower()]
        if value and key not in fields:
            fields[key] = iso_date(value) if key == "date" else value
    return fields, found.end()


def extract_markdown(raw: bytes, name: str) -> list[Extracted]:
    """A .md file: its own text, metadata from its front matter."""
    text = decode_text(raw, name)
    fields, body_start = front_matter(text)
    if not text[body_start:].strip():
        raise ExtractionError("it has front matter but no article text after it")
    return [Extracted(text=text, body_start=body_start, **fields)]
