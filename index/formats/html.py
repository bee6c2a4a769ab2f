"""HTML pages: the article's main text (trafilatura), without navigation, ads, cookie banners,
comments, related lists or share bars, and its metadata from meta tags (og:, article:, author),
JSON-LD (NewsArticle), <time datetime> and <link rel=canonical>."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from index.cleaning import is_boilerplate
from index.formats import Extracted, ExtractionError
from index.formats.dates import iso_date

log = logging.getLogger(__name__)
# A short line without a sentence end before the first sentence is a kicker, byline or dateline
# the extractor kept with the headline ("May 21, 2025 1:48 PM UTC · Updated 2 hours ago").
LEAD_MAX_WORDS = 20
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "div")
_SENTENCE_END = (".", "!", "?", '"', "'", "”", "’", "»", ")")


def _clean_lines(text: str, title: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not is_boilerplate(line)]
    lines = [line for line in lines if line.casefold() != title.casefold()]
    while lines and not lines[0].endswith(_SENTENCE_END) and len(lines[0].split()) < LEAD_MAX_WORDS:
        lines.pop(0)
    return lines


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed item's content), one paragraph per block, no
    scripts or styles; "" when it has no text. Plain text is returned as it is."""
    if "<" not in fragment:
        return "\n\n".join(p.strip() for p in fragment.split("\n\n") if p.strip())
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for block in root.iter(*BLOCK_TAGS):
        block.tail = "\n\n" + (block.tail or "")
        block.text = "\n\n" + (block.text or "")
    paragraphs = (" ".join(p.split()) for p in root.text_content().split("\n\n"))
    text = "\n\n".join(p for p in paragraphs if p and not is_boilerplate(p))
    return text + "\n" if text else ""


def _outlet(doc: dict[str, Any]) -> str:
    if doc.get("sitename"):
        return str(doc["sitename"])
    host = urlsplit(str(doc.get("url") or "")).hostname or ""
    return host.removeprefix("www.")


def extract_html(raw: bytes, name: str) -> list[Extracted]:
    """One page: its main text (one paragraph per line pair) and metadata."""
    if b"\x00" in raw[:8192]:
        raise ExtractionError("it looks binary (NUL bytes), not an HTML page")
    try:
        result = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            deduplicate=False,
        )
    except (ValueError, TypeError) as exc:  # lxml gives up on some malformed documents
        raise ExtractionError(f"it cannot be parsed as HTML ({exc})") from exc
    doc: dict[str, Any] = {}
    if result is not None:
        doc = result if isinstance(result, dict) else result.as_dict()
    title = str(doc.get("title") or "")
    lines = _clean_lines(str(doc.get("text") or ""), title)
    if not lines:
        raise ExtractionError(
            "it has no article text (only markup, scripts, styles or navigation); "
            "save the page with its article, or add the article as a .txt file"
        )
    return [
        Extracted(
            text="\n\n".join(lines) + "\n",
            title=title,
            author=str(doc.get("author") or ""),
            date=iso_date(doc.get("date")),
            outlet=_outlet(doc),
            url=str(doc.get("url") or ""),
        )
    ]
