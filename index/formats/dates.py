"""Publication dates, whatever their spelling, as ISO YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PDF = re.compile(r"^D:(\d{4})(\d{2})(\d{2})")
_WRITTEN = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%Y/%m/%d", "%d.%m.%Y")


def _valid(year: str, month: str, day: str) -> str:
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return ""


def iso_date(value: object) -> str:
    """`value` as YYYY-MM-DD: ISO 8601, RFC 822 (feeds), PDF `D:2025...` or a written date
    ("May 23, 2025"); "" when it is none of these."""
    if not isinstance(value, str) or not value.strip():
        return ""
    text = value.strip()
    for pattern in (_ISO, _PDF):
        found = pattern.search(text)
        if found:
            return _valid(*found.groups())
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for spelling in _WRITTEN:
        try:
            return datetime.strptime(cleaned, spelling).date().isoformat()
        except ValueError:
            continue
    return ""
