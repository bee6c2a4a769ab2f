"""Answer latency per backend: time to first token and total, p50/p95, and prompt tokens.

Run: .venv/bin/python bench/answer_bench.py [--backend local|none] [--limit N]
Uses a temporary data folder over the shipped corpus (the local model is assembled in
RAG_MODEL_DIR, default .rag/models). Prints a Markdown table; writes bench/results/answer_*.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

import rag
from bench.common import percentile
from evals.dataset import load_items
from rag.answering import answer_messages
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine

RESULTS = Path(__file__).parent / "results"


def prompt_tokens(engine: Engine, question: str) -> int:
    """Tokens of the answer prompt as the local server counts them (chat template included)."""
    chain = rag.api.chain_for(engine)
    server_url = chain.generator().client.base_url  # type: ignore[union-attr]
    vector, passages = chain.retrieve(question)
    evidence = chain.gather(question, vector, passages)
    text = "\n".join(m["content"] for m in answer_messages(question, evidence))
    root = str(server_url).rstrip("/").removesuffix("/v1")
    reply = httpx.post(f"{root}/extras/tokenize", json={"input": text}, timeout=30)
    return len(reply.json()["tokens"])


def run(backend: str, limit: int) -> dict:
    """Ask `limit` eval questions (one of each type in turn) and collect timings."""
    items = [i for i in load_items() if not i.history]
    by_type: dict[str, list] = {}
    for item in items:
        by_type.setdefault(item.type, []).append(item)
    ordered = [i for group in zip(*by_type.values(), strict=False) for i in group][:limit]
    home = Path(tempfile.mkdtemp(prefix="answer-bench-"))
    engine = Engine(Settings(home=home, llm=backend, model_dir=PROJECT_ROOT / ".rag" / "models"))
    engine.index(progress=False)
    rag.api.chain_for(engine).ask("warm-up: who is Medinsky?")
    rows = []
    for item in ordered:
        started = time.perf_counter()
        answer = rag.api.chain_for(engine).ask(item.question)
        row = {
            "id": item.id,
            "total": time.perf_counter() - started,
            "first_token": answer.timings.get("first_token"),
            "retrieve": answer.timings["retrieve"],
            "judge": answer.timings.get("judge", 0.0),
            "refused": answer.refused,
        }
        if backend == "local" and not answer.refused:
            row["prompt_tokens"] = prompt_tokens(engine, item.question)
        rows.append(row)
    firsts = [r["first_token"] for r in rows if r["first_token"] is not None]
    totals = [r["total"] for r in rows]
    tokens = [r["prompt_tokens"] for r in rows if "prompt_tokens" in r]
    return {
        "backend": backend,
        "questions": len(rows),
        "first_token_p50": percentile(firsts, 50),
        "first_token_p95": percentile(firsts, 95),
        "total_p50": percentile(totals, 50),
        "total_p95": percentile(totals, 95),
        "retrieve_p50": percentile([r["retrieve"] for r in rows], 50),
        "judge_p50": percentile([r["judge"] for r in rows], 50),
        "prompt_tokens_mean": statistics.mean(tokens) if tokens else 0,
        "rows": rows,
    }


def main() -> None:
    """Parse arguments, run, print and save."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="local", choices=["local", "none"])
    parser.add_argument("--limit", type=int, default=21)
    args = parser.parse_args()
    result = run(args.backend, args.limit)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"answer_{args.backend}.json").write_text(json.dumps(result, indent=2))
    print(
        "| backend | questions | first token p50 / p95 | total p50 / p95 | retrieve p50 | "
        "judge p50 | prompt tokens (mean) |"
    )
    print("|---|---|---|---|---|---|---|")
    r = result
    print(
        f"| {r['backend']} | {r['questions']} | {r['first_token_p50']:.2f} / "
        f"{r['first_token_p95']:.2f} s | {r['total_p50']:.3f} / {r['total_p95']:.3f} s | "
        f"{r['retrieve_p50'] * 1000:.0f} ms | {r['judge_p50']:.2f} s | "
        f"{r['prompt_tokens_mean']:.0f} |"
    )


if __name__ == "__main__":
    main()
