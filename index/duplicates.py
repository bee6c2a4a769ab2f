"""Near-duplicate stories: the same article under two names or in two outlets (a wire copy with
small edits) grouped by MinHash/LSH over word shingles, so retrieval can keep one copy.

Byte-identical files never get here (index/loading.py indexes them once). The threshold is an
estimated Jaccard similarity of word shingles; tests/test_duplicates.py measures it on edited
copies of the shipped articles against the shipped articles' similarity to each other.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from index.loading import Article

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class StoryConfig:
    """How near two articles must be to count as one story."""

    threshold: float  # estimated Jaccard similarity of word shingles
    num_perm: int  # MinHash permutations: more is more exact and slower
    shingle: int  # words per shingle


def shingles(text: str, size: int) -> set[bytes]:
    """The distinct runs of `size` lower-cased words of `text` (all words when it is shorter)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) <= size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signatures(texts: Sequence[str], config: StoryConfig) -> list[MinHash]:
    """One MinHash per text (shared permutations, so they are comparable)."""
    sets = [list(shingles(t, config.shingle)) for t in texts]
    # crc32 is stable across runs like datasketch's sha1 default, and 3x faster per article.
    return MinHash.bulk(sets, num_perm=config.num_perm, hashfunc=zlib.crc32)


def similarity(a: str, b: str, config: StoryConfig) -> float:
    """Estimated Jaccard similarity of two texts' shingles (what the threshold compares)."""
    first, second = signatures([a, b], config)
    return float(first.jaccard(second))


def group_stories(articles: Sequence[Article], config: StoryConfig) -> dict[str, str]:
    """{source: story id} for every article; a story id is the first source of its group in
    path order, so an article with no near-duplicate is its own story."""
    ordered = sorted(articles, key=lambda a: a.source)
    hashes = signatures([a.text for a in ordered], config)
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, minhash in enumerate(hashes):
        if minhash.is_empty():  # no words at all: nothing to compare
            continue
        for j in lsh.query(minhash):
            # LSH finds candidates; the estimate decides, so the threshold means what it says.
            if minhash.jaccard(hashes[j]) >= config.threshold:
                a, b = sorted((root(i), root(j)))
                parent[b] = a
        lsh.insert(i, minhash)
    return {a.source: ordered[root(i)].source for i, a in enumerate(ordered)}


def story_copies(stories: dict[str, str]) -> dict[str, list[str]]:
    """{source: the other sources of its story}, in path order ([] for a lone article)."""
    members: dict[str, list[str]] = {}
    for source in sorted(stories):
        members.setdefault(stories[source], []).append(source)
    return {s: [o for o in members[stories[s]] if o != s] for s in stories}
