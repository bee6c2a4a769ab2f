"""Time windows named in a question ("after May 16", "in April 2025", "before 2025-05-20"),
turned into the `since`/`until` of the question's filters.

A date without a year ("May 16") takes the year of the corpus' newest dated article: a corpus
is usually read about its own time, and a question has no other year to go by. With no dated
article there is nothing to narrow, so no window is applied. Relative phrases ("last week",
"yesterday") are not understood.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from rag.filters import Filters, check_filters

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\b"
_YEAR = r"(?:19|20)\d{2}\b"
# Longest forms first; a bare year must not be a count ("after 2000 soldiers").
_DATE = (
    rf"\d{{4}}-\d{{2}}-\d{{2}}\b|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?|{_MONTH}(?:\s+of)?\s+{_YEAR}"
    rf"|{_MONTH}|{_YEAR}(?!\s*[a-z%])"
)
_RANGE = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?({_DATE})\s+(?:and|to|until|till|through)\s+"
    rf"(?:the\s+)?({_DATE})",
    re.IGNORECASE,
)
_BOUND = re.compile(
    rf"\b(after|since|from|before|until|till|through|up to|in|during|on)\s+(?:the\s+)?({_DATE})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeWindow:
    """Inclusive ISO bounds (None = open) and the words of the question that named them."""

    since: str | None
    until: str | None
    phrase: str


def date_span(text: str, year: int) -> tuple[dt.date, dt.date] | None:
    """First and last day that a date phrase covers ("May" is all of May); None when it is
    not a real date, or is a lower-case "may"/"march" with nothing after it (a verb)."""
    words = re.findall(r"\d+|[A-Za-z]+", text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError:
            return None
        return day, day
    months = [w for w in words if w.lower() in _MONTHS]
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if n >= 1900]
    days = [n for n in numbers if n < 1900]
    if not months:
        return (dt.date(years[0], 1, 1), dt.date(years[0], 12, 31)) if years else None
    if not numbers and not months[0][0].isupper():
        return None
    month, year = _MONTHS[months[0].lower()], years[0] if years else year
    last = calendar.monthrange(year, month)[1]
    if not days:
        return dt.date(year, month, 1), dt.date(year, month, last)
    if not 1 <= days[0] <= last:
        return None
    day = dt.date(year, month, days[0])
    return day, day


def _bound(word: str, span: tuple[dt.date, dt.date]) -> tuple[dt.date | None, dt.date | None]:
    first, last = span
    one = dt.timedelta(days=1)
    return {
        "after": (last + one, None),
        "since": (first, None),
        "from": (first, None),
        "before": (None, first - one),
        "until": (None, last),
        "till": (None, last),
        "through": (None, last),
        "up to": (None, last),
    }.get(word.lower(), (first, last))  # in, during, on


# A date in a question is usually the date of an event ("What ultimatum did European leaders
# give Putin on May 10?"), not of the reporting: narrowing by article date then refuses a
# question the corpus answers (measured on the eval questions and the formats fixtures). Only a
# question about the reporting itself narrows by article date.
_ABOUT_REPORTING = re.compile(
    r"\b(report(s|ed|ing)?|publish(ed)?|articles?|coverage|stor(y|ies)|news|wrote|written|"
    r"outlets?|press|headlines?)\b",
    re.IGNORECASE,
)


def about_reporting(question: str) -> bool:
    """True when the question is about what was reported or published (not about an event)."""
    return bool(_ABOUT_REPORTING.search(question))


def parse_time_window(question: str, year: int) -> TimeWindow | None:
    """The window a question names (several phrases narrow together); None when it names none.
    `year` is the year of a date given without one."""
    since: dt.date | None = None
    until: dt.date | None = None
    phrases = []
    taken: list[tuple[int, int]] = []
    for match in _RANGE.finditer(question):
        first, second = date_span(match[1], year), date_span(match[2], year)
        if first and second:
            bounds = [(first[0], second[1])]
            since, until = _narrow(since, until, bounds[0])
            phrases.append(match[0])
            taken.append(match.span())
    for match in _BOUND.finditer(question):
        if any(a <= match.start() < b for a, b in taken):
            continue
        span = date_span(match[2], year)
        if span is None:
            continue
        since, until = _narrow(since, until, _bound(match[1], span))
        phrases.append(match[0])
    if not phrases:
        return None
    iso = [d.isoformat() if d else None for d in (since, until)]
    return TimeWindow(iso[0], iso[1], " and ".join(phrases))


def _narrow(
    since: dt.date | None, until: dt.date | None, bounds: tuple[dt.date | None, dt.date | None]
) -> tuple[dt.date | None, dt.date | None]:
    low, high = bounds
    if low is not None:
        since = low if since is None else max(since, low)
    if high is not None:
        until = high if until is None else min(until, high)
    return since, until


def apply_time_window(
    question: str, filters: object, newest: str | None
) -> tuple[Filters | None, str]:
    """The question's filters narrowed by the time window it names, and a note saying what was
    applied (e.g. 'dates 2025-05-17.. ("after May 16")'; "" when nothing was).

    Args:
        question: the (standalone) question.
        filters: the filters given with it (dict, Filters or None); checked here.
        newest: ISO date of the corpus' newest dated article; None when no article has a date.
    Returns:
        (filters, note). A window meets given `since`/`until` as an intersection.
    """
    checked = check_filters(filters)
    if not newest or not about_reporting(question):
        return checked, ""
    window = parse_time_window(question, int(newest[:4]))
    if window is None:
        return checked, ""
    base = checked or Filters()
    since = max(d for d in (base.since, window.since) if d) if base.since or window.since else None
    until = min(d for d in (base.until, window.until) if d) if base.until or window.until else None
    narrowed = replace(base, since=since, until=until)
    note = f'dates {since or ""}..{until or ""} ("{window.phrase}")'
    if since and until and since > until:
        note += ": no article can match"
    return narrowed, note


def without_window_phrases(question: str) -> str:
    """The question without the phrases a time window is read from ("after May 22"): once the
    window has narrowed retrieval, their numbers are dates of articles, not of what they say."""
    return _BOUND.sub(" ", _RANGE.sub(" ", question))


_NOTE = re.compile(r" \[(dates [^\[\]]*)\]$")


def window_note(query: str) -> str:
    """The time-window note Answer.query ends with ('dates 2025-05-17.. ("after May 16")'),
    "" when retrieval was not narrowed by one."""
    match = _NOTE.search(query or "")
    return match.group(1) if match else ""
