"""Article-level retrieval metrics (hit@1, hit@5, MRR) for each retrieval mode.

Run: python -m evals.retrieval_eval   (prints a Markdown table)
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from evals.dataset import QAItem, load_items

if TYPE_CHECKING:
    from rag.engine import Engine


def article_ranks(sources_ranked: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first passage from a gold article, None when absent."""
    for rank, source in enumerate(sources_ranked, 1):
        if source in gold:
            return rank
    return None


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    """hit@1, hit@5 and MRR of a list of ranks."""
    n = max(len(ranks), 1)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "n": len(ranks),
    }


def retrieval_items(items: list[QAItem]) -> list[QAItem]:
    """Items with gold sources and no chat history: the ones retrieval alone can be scored on."""
    return [i for i in items if i.sources and not i.history]


def evaluate_modes(
    engine: Engine,
    modes: tuple[str, ...] = ("vector", "bm25", "hybrid"),
    top_k: int = 5,
) -> dict[str, dict[str, float]]:
    """Metrics per retrieval mode over the Q&A file, using one engine's index."""
    from rag.retrieval import HybridRetriever

    items = retrieval_items(load_items())
    results = {}
    for mode in modes:
        base = engine.retriever
        retriever = HybridRetriever(
            base.collection,
            base.sentences,
            base.embed_model,
            base.keyword,
            mode=mode,
            candidates=base.candidates,
            rrf_k=base.rrf_k,
        )
        ranks = [
            article_ranks([p.source for p in retriever.retrieve(i.question, top_k)], i.sources)
            for i in items
        ]
        results[mode] = retrieval_metrics(ranks)
    return results


def main() -> int:
    """Print the table for the configured index."""
    from rag.engine import Engine

    results = evaluate_modes(Engine())
    print("| mode | hit@1 | hit@5 | MRR | questions |")
    print("|---|---|---|---|---|")
    for mode, m in results.items():
        print(f"| {mode} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} | {m['n']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
