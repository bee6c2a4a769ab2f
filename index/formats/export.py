"""Exports from a news API or a scraper (.jsonl, .csv): one article per row, named
`file.jsonl#N` by its 1-based row number (a CSV's header is not counted; blank JSONL lines are
not rows). Field names are matched loosely (text/body/content, date/published_at, ...)."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

from index.formats import Extracted, ExtractionError
from index.formats.dates import iso_date
from index.formats.text import decode_text

log = logging.getLogger(__name__)

# Our field: the column names that mean it, in order of preference.
FIELDS = {
    "text": ("text", "body", "content", "article", "full_text", "maintext"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "publishedAt", "pubDate", "date_publish"),
    "outlet": ("outlet", "source", "site", "site_name", "publisher", "source_domain"),
    "url": ("url", "link", "canonical_url"),
    "author": ("author", "byline", "authors"),
}


def _value(row: dict[str, Any], field: str) -> str:
    for key in FIELDS[field]:
        value = row.get(key)
        if isinstance(value, dict):  # NewsAPI: "source": {"id": ..., "name": "BBC News"}
            value = value.get("name")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _row_article(row: dict[str, Any], position: int) -> Extracted | None:
    text = _value(row, "text").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None
    return Extracted(
        text=text if text.endswith("\n") else text + "\n",
        title=_value(row, "title"),
        author=_value(row, "author"),
        date=iso_date(_value(row, "date")),
        outlet=_value(row, "outlet"),
        url=_value(row, "url"),
        item=str(position),
    )


def _jsonl_rows(text: str, name: str) -> Iterator[tuple[int, dict[str, Any] | None]]:
    rows = (line for line in text.splitlines() if line.strip())
    for position, line in enumerate(rows, 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            row = None
        if not isinstance(row, dict):
            log.warning("Skipping %s#%d: the line is not a JSON object.", name, position)
            row = None
        yield position, row


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, dict[str, Any] | None]]:
    try:
        yield from enumerate(csv.DictReader(io.StringIO(text)), 1)
    except csv.Error as exc:
        raise ExtractionError(f"it is not a readable CSV file ({exc})") from exc


def _extract(rows: Iterator[tuple[int, dict[str, Any] | None]], name: str) -> list[Extracted]:
    items = []
    for position, row in rows:
        if row is None:
            continue  # already warned about: not a JSON object
        article = _row_article(row, position)
        if article is None:
            log.warning("Skipping %s#%d: the row has no text field.", name, position)
            continue
        items.append(article)
    if not items:
        raise ExtractionError(
            "no row has article text (a text, body or content field); "
            f"expected fields: {', '.join(FIELDS)}"
        )
    return items


def extract_jsonl(raw: bytes, name: str) -> list[Extracted]:
    """Every JSON Lines row with text."""
    return _extract(_jsonl_rows(decode_text(raw, name), name), name)


def extract_csv(raw: bytes, name: str) -> list[Extracted]:
    """Every CSV row with text (the first row names the fields)."""
    return _extract(_csv_rows(decode_text(raw, name), name), name)
