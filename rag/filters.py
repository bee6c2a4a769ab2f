"""The `filters` of a question (DESIGN.md): checked once, then turned into a Chroma `where`.

`filters` is None or a dict with any of `sources` (source paths), `outlets` (outlet names),
`since` and `until` (ISO dates, inclusive). Dates are compared through the chunk metadata field
`date_num` (YYYYMMDD as an int, 0 when the article has no date), so an undated article never
passes a date filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from index.loading import date_number
from rag.errors import QuestionError

KEYS = ("sources", "outlets", "since", "until")


@dataclass(frozen=True)
class Filters:
    """Checked filters; a field left None does not narrow anything."""

    sources: tuple[str, ...] | None = None
    outlets: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The filters as the public API takes them (only the fields that narrow)."""
        values: dict[str, Any] = {"sources": self.sources, "outlets": self.outlets}
        values |= {"since": self.since, "until": self.until}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v}

    def where(self) -> dict[str, Any] | None:
        """The Chroma `where` that keeps only matching records (chunks and sentences alike)."""
        clauses: list[dict[str, Any]] = []
        if self.sources is not None:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.outlets is not None:
            clauses.append({"outlet": {"$in": list(self.outlets)}})
        if self.since:
            clauses.append({"date_num": {"$gte": date_number(self.since)}})
        if self.until:
            clauses.append({"date_num": {"$lte": date_number(self.until)}})
            if not self.since:  # 0 means "no date": keep undated articles out
                clauses.append({"date_num": {"$gt": 0}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def note(self) -> str:
        """A short human-readable account, e.g. "outlets BBC; dates 2025-05-17..2025-05-31"."""
        parts = []
        if self.sources is not None:
            parts.append("sources " + ", ".join(self.sources))
        if self.outlets is not None:
            parts.append("outlets " + ", ".join(self.outlets))
        if self.since or self.until:
            parts.append(f"dates {self.since or ''}..{self.until or ''}")
        return "; ".join(parts)


def _names(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise QuestionError(
            f"filters[{key!r}] must be a list of strings, not {type(value).__name__} "
            f"({value!r}); e.g. {{{key!r}: [{'BBC' if key == 'outlets' else 'a.txt'!r}]}}."
        )
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        raise QuestionError(
            f"filters[{key!r}] holds {bad[0]!r}: every entry must be a non-empty string."
        )
    if not value:
        raise QuestionError(
            f"filters[{key!r}] is an empty list, which would match nothing: leave the key out "
            "to search everything."
        )
    return tuple(v.strip() for v in value)


def _date(key: str, value: object) -> str:
    if not isinstance(value, str | dt.date):
        raise QuestionError(
            f"filters[{key!r}] must be an ISO date string like '2025-05-16', "
            f"not {type(value).__name__} ({value!r})."
        )
    text = value.isoformat() if isinstance(value, dt.date) else value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise QuestionError(
            f"filters[{key!r}] is {value!r}, which is not a date: use YYYY-MM-DD, "
            "e.g. '2025-05-16'."
        ) from None


def check_filters(filters: object) -> Filters | None:
    """Filters checked and normalised; None when nothing narrows. QuestionError names the
    key or value that is wrong and the form it should take."""
    if filters is None:
        return None
    if isinstance(filters, Filters):
        return filters
    if not isinstance(filters, Mapping):
        raise QuestionError(
            f"filters must be a dict with any of {', '.join(KEYS)}, not {type(filters).__name__}."
        )
    unknown = [k for k in filters if k not in KEYS]
    if unknown:
        raise QuestionError(f"Unknown filter {unknown[0]!r}; the filters are {', '.join(KEYS)}.")
    given = {k: v for k, v in filters.items() if v is not None}
    checked = Filters(
        sources=_names("sources", given["sources"]) if "sources" in given else None,
        outlets=_names("outlets", given["outlets"]) if "outlets" in given else None,
        since=_date("since", given["since"]) if "since" in given else None,
        until=_date("until", given["until"]) if "until" in given else None,
    )
    if checked.since and checked.until and checked.since > checked.until:
        raise QuestionError(
            f"filters['since'] ({checked.since}) is after filters['until'] ({checked.until}): "
            "swap them, or widen the range."
        )
    return checked if checked.where() is not None else None


def matches(metadata: Mapping[str, Any], filters: Filters | None) -> bool:
    """Whether a record with this metadata passes `filters` (the same test as `where`)."""
    if filters is None:
        return True
    if filters.sources is not None and metadata.get("source") not in filters.sources:
        return False
    if filters.outlets is not None and metadata.get("outlet") not in filters.outlets:
        return False
    day = int(metadata.get("date_num") or 0)
    if (filters.since or filters.until) and day == 0:
        return False
    if filters.since and day < date_number(filters.since):
        return False
    return not (filters.until and day > date_number(filters.until))
