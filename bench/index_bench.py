"""Indexing and retrieval speed of Newsdesk on the shipped corpus (a script, not a test).

Run from the project root:  .venv/bin/python bench/index_bench.py
It prints a Markdown table and writes every raw timing to bench/results/index_bench.json.
All index data goes to throw-away temp folders (RAG_HOME); nothing in the project is touched.

What each number means (all wall-clock, time.perf_counter, percentiles from numpy):
- embed chunks/s, sentences/s: MiniLMEmbedding(embed_batch_size=32, as rag.engine.Engine builds
  it).embed() on the real chunk texts (index.records.chunk_records) and sentence texts
  (sentence_records) of the corpus, each list repeated x5, in one call after one warm-up call.
  Model only: no Chroma writes, no chunking.
- `rag index` cold: `.venv/bin/rag index -q` as a process on an empty RAG_HOME (process start,
  imports, model load, chunking, embedding, Chroma + BM25 writes). Median of 3 fresh folders.
- `rag index` warm: the same command re-run on an unchanged, already-built RAG_HOME (nothing to
  embed: the fixed cost of a no-op run). Median of 3.
- retrieve p50/p95: Engine(Settings(home=..., retrieval=mode)).retrieve(question, 5) in-process,
  per question of evals/qa.jsonl, after warm-up (model, Chroma and BM25 already loaded); one
  engine per mode, modes interleaved question by question. Every mode embeds the question (bm25
  too: retrieve() computes each passage's similarity).
  "default" is Settings() left as configured (hybrid unless RAG_RETRIEVAL says otherwise).
- `rag search` cold: `.venv/bin/rag search "Who led the Russian delegation?"` as a process on a
  built index: everything a one-shot CLI query pays. Median of 3.
- `import rag`: `python -c "import rag"` as a process, the import share of that cold start.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "index_bench.json"
BIN = Path(sys.executable).parent
REPEAT = 5
RUNS = 3
TOP_K = 5
QUERY = "Who led the Russian delegation?"


def run_process(cmd: list[str], home: Path) -> float:
    """Wall seconds of one command run with RAG_HOME=home from the project root."""
    env = {**os.environ, "RAG_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds


def embedding_throughput() -> dict[str, Any]:
    """Texts per second of MiniLM on the corpus chunk and sentence texts."""
    from index.embedding import MiniLMEmbedding
    from index.loading import load_folder
    from index.records import chunk_corpus, chunk_records, sentence_records
    from rag.config import Settings

    settings = Settings()
    model = MiniLMEmbedding(embed_batch_size=32)
    articles = load_folder(ROOT / "corpus")
    chunks = chunk_corpus(articles, settings.chunk_tokens, model.count_tokens)
    texts = {
        "chunks": [r.text for r in chunk_records(chunks, {a.source: a for a in articles})],
        "sentences": [r.text for r in sentence_records(chunks)],
    }
    out: dict[str, Any] = {}
    for kind, items in texts.items():
        model.embed(items[:32])  # warm-up
        batch = items * REPEAT
        started = time.perf_counter()
        vectors = model.embed(batch)
        seconds = time.perf_counter() - started
        assert vectors.shape == (len(batch), 384)
        out[kind] = {
            "unique": len(items),
            "texts": len(batch),
            "seconds": seconds,
            "per_second": len(batch) / seconds,
        }
    return out


def retrieval_latency(home: Path) -> dict[str, Any]:
    """p50/p95 milliseconds of Engine.retrieve over the Q&A questions, per mode."""
    from evals.dataset import load_items
    from rag.config import Settings
    from rag.engine import Engine

    questions = [item.question for item in load_items()]
    configs: dict[str, dict[str, Any]] = {
        "default": {},
        "vector": {"retrieval": "vector"},
        "bm25": {"retrieval": "bm25"},
        "hybrid": {"retrieval": "hybrid"},
    }
    engines = {name: Engine(Settings(home=home, **kw)) for name, kw in configs.items()}
    for engine in engines.values():
        for question in questions[:3]:  # warm-up: loads model, Chroma client, BM25 index
            engine.retrieve(question, TOP_K)
    times: dict[str, list[float]] = {name: [] for name in engines}
    for question in questions:  # modes interleaved, so machine drift hits them all alike
        for name, engine in engines.items():
            started = time.perf_counter()
            engine.retrieve(question, TOP_K)
            times[name].append((time.perf_counter() - started) * 1000)
    out: dict[str, Any] = {}
    for name, ms in times.items():
        out[name] = {
            "mode": engines[name].settings.retrieval,
            "questions": len(ms),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "mean_ms": float(np.mean(ms)),
            "ms": ms,
        }
    return out


def summary(runs: list[float]) -> dict[str, Any]:
    """Median and raw runs (seconds)."""
    return {"median_s": float(np.median(runs)), "runs_s": runs}


def table(r: dict[str, Any]) -> str:
    """The Markdown table of one result dict."""

    def fmt_runs(s: dict[str, Any]) -> str:
        return "runs " + ", ".join(f"{x:.2f}" for x in s["runs_s"]) + " s"

    rows = [("Measure", "Value", "Details"), ("---", "---", "---")]
    for kind in ("chunks", "sentences"):
        e = r["embedding"][kind]
        rows.append(
            (
                f"MiniLM embed, {kind}",
                f"{e['per_second']:.1f} {kind}/s",
                f"{e['texts']} texts ({e['unique']} x{REPEAT}) in {e['seconds']:.2f} s",
            )
        )
    for key, label in (("index_cold", "cold (empty RAG_HOME)"), ("index_warm", "warm (no-op)")):
        s = r[key]
        rows.append((f"`rag index -q` {label}", f"{s['median_s']:.2f} s median", fmt_runs(s)))
    for name, m in r["retrieve"].items():
        rows.append(
            (
                f"retrieve, {name} ({m['mode']})",
                f"p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms",
                f"{m['questions']} questions, top_k={TOP_K}, mean {m['mean_ms']:.1f} ms",
            )
        )
    s = r["search_cold"]
    rows.append(("`rag search` process", f"{s['median_s']:.2f} s median", fmt_runs(s)))
    s = r["import_rag"]
    rows.append(('`python -c "import rag"`', f"{s['median_s']:.2f} s median", fmt_runs(s)))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main() -> int:
    """Run every measurement, print the table, write the JSON."""
    started = time.perf_counter()
    result: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "embedding": embedding_throughput(),
    }
    rag_bin = str(BIN / "rag")
    with tempfile.TemporaryDirectory(prefix="index-bench-") as tmp:
        homes = [Path(tmp) / f"home{i}" for i in range(RUNS)]
        result["index_cold"] = summary([run_process([rag_bin, "index", "-q"], h) for h in homes])
        home = homes[-1]
        warm = [run_process([rag_bin, "index", "-q"], home) for _ in range(RUNS)]
        result["index_warm"] = summary(warm)
        search = [run_process([rag_bin, "search", QUERY], home) for _ in range(RUNS)]
        result["search_cold"] = summary(search)
        imports = [run_process([sys.executable, "-c", "import rag"], home) for _ in range(RUNS)]
        result["import_rag"] = summary(imports)
        result["retrieve"] = retrieval_latency(home)
    result["total_s"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nTotal {result['total_s']:.1f} s; raw timings in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
