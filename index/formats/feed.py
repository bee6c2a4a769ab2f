"""RSS and Atom feeds saved to disk (.xml): each item with text is one article, named
`file.xml#N` by its 1-based position in the feed (see index/formats/__init__.py)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import feedparser

from index.formats import Extracted, ExtractionError
from index.formats.dates import iso_date
from index.formats.html import fragment_text

log = logging.getLogger(__name__)


def _date(entry: Any) -> str:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime(*parsed[:3]).date().isoformat()
    return iso_date(entry.get("published") or entry.get("updated") or "")


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    html = contents[0].get("value", "") if contents else entry.get("summary", "")
    return fragment_text(html or "")


def extract_feed(raw: bytes, name: str) -> list[Extracted]:
    """Every item of an RSS/Atom feed that has text."""
    parsed = feedparser.parse(raw)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no <rss> or <feed> element"
        raise ExtractionError(f"it is not an RSS or Atom feed ({reason})")
    outlet = str(parsed.feed.get("title") or "")
    items = []
    for position, entry in enumerate(parsed.entries, 1):
        text = _body(entry)
        if not text:
            log.warning("Skipping %s#%d: the feed item has no text.", name, position)
            continue
        items.append(
            Extracted(
                text=text,
                title=str(entry.get("title") or ""),
                author=str(entry.get("author") or ""),
                date=_date(entry),
                outlet=outlet,
                url=str(entry.get("link") or ""),
                item=str(position),
            )
        )
    if not items:
        raise ExtractionError(
            "the feed has no item with text (only titles or links); save the articles "
            "themselves (`rag add URL` for each link)"
        )
    return items
