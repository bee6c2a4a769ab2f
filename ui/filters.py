"""The chat's filters for the next questions: from the filter controls to rag's `filters` dict,
and back to a line of text for the status line. rag validates them (bad dates, unknown keys)."""

from __future__ import annotations

import html
import inspect
from collections.abc import Callable, Sequence
from typing import Any

Filters = dict[str, Any]


def build_filters(
    sources: Sequence[str] | None,
    outlets: Sequence[str] | None,
    since: str | None,
    until: str | None,
) -> Filters | None:
    """rag's `filters` from the controls (empty ones left out); None when nothing is chosen."""
    filters: Filters = {}
    if sources:
        filters["sources"] = list(sources)
    if outlets:
        filters["outlets"] = list(outlets)
    if since and since.strip():
        filters["since"] = since.strip()
    if until and until.strip():
        filters["until"] = until.strip()
    return filters or None


def describe_filters(filters: Filters | None, titles: dict[str, str] | None = None) -> str:
    """The filters in words, as safe HTML ("" when none): 'outlets BBC · dates 2025-05-17 to …'."""
    if not filters:
        return ""
    titles = titles or {}
    parts = []
    if filters.get("sources"):
        names = [titles.get(s) or s for s in filters["sources"]]
        parts.append(("article " if len(names) == 1 else "articles ") + "; ".join(names))
    if filters.get("outlets"):
        outlets = filters["outlets"]
        parts.append(("outlet " if len(outlets) == 1 else "outlets ") + ", ".join(outlets))
    since, until = filters.get("since", ""), filters.get("until", "")
    if since or until:
        parts.append(f"dates {since or '…'} to {until or '…'}")
    return " \u00b7 ".join(html.escape(part) for part in parts)


def accepts_filters(function: Callable[..., Any]) -> bool:
    """Whether a rag function takes `filters=` (it does once metadata-aware retrieval landed)."""
    try:
        return "filters" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
