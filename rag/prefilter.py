"""Filters resolved in memory: which chunks and sentences pass, from the keyword index.

The keyword index keeps every chunk's filter fields (source, outlet, date) and its sentence
records' ids, so the records a filter keeps are a numpy mask away. The vector side then asks
Chroma for the nearest records among those ids (`query(ids=...)`) instead of a `where`: Chroma
evaluates a `where` against its metadata store on every query, which at 10k chunks cost 0.2 s
on the chunks and 0.5 s on the 66k sentences, while `ids=` took 10-90 ms, local or through a
Chroma server, with the same results (ids and distances equal in every query compared; issue 12
in docs/measurements.md). Both narrow to the same records as long as the keyword index and the
store hold the same chunks, which every index run ends with (`rag index` repairs a run killed
half-way); BM25 already relies on the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from index.keyword import KeywordIndex
from index.loading import date_number
from rag.filters import Filters

log = logging.getLogger(__name__)


def filter_mask(keyword: KeywordIndex, filters: Filters) -> np.ndarray:
    """True for every chunk of `keyword` that passes `filters` (the test `Filters.where` makes)."""
    return keyword.mask(
        filters.sources, filters.outlets, date_number(filters.since), date_number(filters.until)
    )


@dataclass(frozen=True)
class MatchingIds:
    """The records a filter keeps: chunk ids and the ids of those chunks' sentences."""

    chunks: list[str]
    sentences: list[str]


class Prefilter:
    """The ids of the chunk and sentence records that pass a filter, for Chroma's `ids=`."""

    def __init__(self, keyword: KeywordIndex) -> None:
        self.keyword = keyword
        self._told = False  # whether the user was told this index cannot prefilter

    @property
    def usable(self) -> bool:
        """False for a keyword index saved before it kept filter fields or sentence ids."""
        return self.keyword.has_fields and self.keyword.sentences is not None

    @cached_property
    def _names(self) -> tuple[set[str], dict[str, str]]:
        """(every source, outlet by its case-folded name), read once from the index."""
        outlets = {o.casefold(): o for o in set(self.keyword.fields["outlet"]) if o}
        return set(self.keyword.fields["source"]), outlets

    def as_meant(self, filters: Filters | None) -> Filters | None:
        """`filters` as a user means them: a file that holds several articles (a feed or an
        export, whose articles are `file#1`, `file#2`, ...) stands for all of them, and an
        outlet matches whatever its case ("bbc" is "BBC"); other names are kept as given."""
        if filters is None or not (filters.sources or filters.outlets):
            return filters
        known, outlets = self._names
        if filters.sources:
            expanded: list[str] = []
            for name in filters.sources:
                items = (
                    [] if name in known else sorted(k for k in known if k.startswith(name + "#"))
                )
                expanded.extend(items or [name])
            filters = replace(filters, sources=tuple(dict.fromkeys(expanded)))
        if filters.outlets:
            named = (outlets.get(o.casefold(), o) for o in filters.outlets)
            filters = replace(filters, outlets=tuple(dict.fromkeys(named)))
        return filters

    @cached_property
    def _chunk_ids(self) -> np.ndarray:
        return np.asarray(self.keyword.ids, dtype=str)

    @cached_property
    def _sentences(self) -> tuple[np.ndarray, np.ndarray]:
        """(every sentence id, the position of its chunk in the keyword index)."""
        per_chunk = self.keyword.sentences or []
        flat = np.asarray([s for ids in per_chunk for s in ids], dtype=str)
        owner = np.repeat(np.arange(len(per_chunk)), [len(ids) for ids in per_chunk])
        return flat, owner

    def matching(self, filters: Filters) -> MatchingIds | None:
        """The chunks and sentences that pass `filters`; None when this index cannot say (see
        `usable`: then only a Chroma `where` can)."""
        if not self.usable:
            if self.keyword.has_fields and not self._told:
                self._told = True
                log.warning(
                    "The keyword index predates the sentence ids that make filtered questions "
                    "fast: they use a slower Chroma `where` until `rag index --full` rebuilds it."
                )
            return None
        mask = filter_mask(self.keyword, filters)
        flat, owner = self._sentences
        return MatchingIds(self._chunk_ids[mask].tolist(), flat[mask[owner]].tolist())
