"""Small pure metric functions: retrieval ranks, key facts, citations, refusals, latency.

Each function scores one thing and knows nothing about the runner; `evals.aggregate` combines
them over per-question rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from rag.claims import MARKER

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalize_text(text: str) -> str:
    """Lower case, citation markers removed, typographic quotes and dashes made plain,
    whitespace collapsed: the form key facts are matched against."""
    text = MARKER.sub(" ", text).translate(_QUOTES).lower()
    return " ".join(text.split())


def fact_found(variants: Sequence[str], text: str) -> bool:
    """True when any accepted variant of a key fact occurs in `text` (case-insensitive substring,
    markers and typography normalized)."""
    haystack = normalize_text(text)
    return any(normalize_text(v) in haystack for v in variants if v.strip())


def facts_found(key_facts: Sequence[Sequence[str]], text: str) -> list[bool]:
    """For each key fact, whether one of its variants occurs in `text`."""
    return [fact_found(variants, text) for variants in key_facts]


def key_fact_recall(found: Sequence[bool]) -> float:
    """Share of key facts present (1.0 when there are none to find)."""
    return sum(found) / len(found) if found else 1.0


def first_gold_rank(ranked_sources: Sequence[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first passage from a gold article, None when none was retrieved."""
    wanted = set(gold)
    for rank, source in enumerate(ranked_sources, 1):
        if source in wanted:
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    """1.0 when a gold article is among the first `k` passages."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    """1/rank of the first gold passage, 0 when absent."""
    return 1.0 / rank if rank else 0.0


def citation_precision(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    """Share of the cited articles that are gold sources; None when nothing is cited."""
    cited_set = set(cited)
    if not cited_set:
        return None
    return len(cited_set & set(gold)) / len(cited_set)


def citation_recall(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    """Share of the gold sources that are cited; None when there is no gold source."""
    gold_set = set(gold)
    if not gold_set:
        return None
    return len(set(cited) & gold_set) / len(gold_set)


def refusal_correct(refused: bool, answerable: bool) -> bool:
    """True when the system refused exactly when the corpus does not hold the answer."""
    return refused != answerable


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return None
    position = (len(data) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    data = [float(v) for v in values if v is not None]
    return sum(data) / len(data) if data else None
