"""How well the best evidence score separates answerable from unanswerable eval questions.

Run: RAG_HOME=<indexed home> .venv/bin/python bench/calibrate_relevance.py
Prints, per candidate threshold, the false-refusal rate on answerable items and the refusal
accuracy on unanswerable ones if the chain refused below that score (RAG_RELEVANCE_MIN).
"""

from __future__ import annotations

import numpy as np

from evals.dataset import load_items
from rag.answering import AnswerChain
from rag.config import Settings
from rag.engine import Engine


def best_scores(engine: Engine) -> tuple[np.ndarray, np.ndarray]:
    """Best evidence score of each answerable and each unanswerable item (the chain's own
    condense without a model, retrieve and gather steps)."""
    chain = AnswerChain(engine, generator=None)
    answerable, unanswerable = [], []
    for item in load_items():
        question = chain.condense(item.question, list(item.history) or None, None)
        vector, passages = chain.retrieve(question)
        evidence = chain.gather(question, vector, passages)
        score = max((e.relevance for e in evidence), default=0.0)
        (answerable if item.answerable else unanswerable).append(score)
    return np.array(answerable), np.array(unanswerable)


def main() -> None:
    """Print the table."""
    answerable, unanswerable = best_scores(Engine(Settings(llm="none")))
    print("| threshold | false refusals (answerable) | refusal accuracy (unanswerable) |")
    print("|---|---|---|")
    for t in (0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75):
        print(f"| {t:.2f} | {(answerable < t).mean():.3f} | {(unanswerable < t).mean():.3f} |")


if __name__ == "__main__":
    main()
