"""Reciprocal rank fusion of several ranked lists."""

from __future__ import annotations

from collections.abc import Sequence

from rag.config import Settings


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = sum over lists of 1 / (k + rank), rank from 1; k
    defaults to Settings' rrf_k.

    Returns (id, score) pairs, best first; ties keep the order of first appearance.
    """
    k = k or Settings.model_fields["rrf_k"].default
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
