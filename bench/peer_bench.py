"""Newsdesk vs the plain llama-index baseline (evals/baselines/plain_llamaindex.py), one machine.

Run from the project root (heavy: the baseline spends minutes per answer on 2 cores; serialize
with the other CPU-heavy jobs):

    RAG_MODEL_DIR=$PWD/.rag/models flock /tmp/newsdesk-cpu.lock \\
        .venv/bin/python bench/peer_bench.py [--questions 8] [--runs 3] [--llm-runs 2]

It prints a Markdown table (each number with the ratio baseline / Newsdesk) and writes
bench/results/peer-<timestamp>.json and .md. Index data goes to a throw-away temp folder; the
local model is read from RAG_MODEL_DIR (default .rag/models), never assembled elsewhere.

Both systems use the same int8 MiniLM embedding model and the same local LLM (Qwen2.5-Coder-1.5B
Q4_K_M) on a llama.cpp server started by rag.local_llm.shared_server from the same Settings
(threads, context, n_batch); the baseline gets it through compare_baseline.local_llm, as in its
evals. Each system is measured in its own process (this script re-run with --system), so its
peak memory is its own. What each number is (wall clock, time.perf_counter):

- index build, cold: in-process on an empty folder, embedding-model load included, the llama.cpp
  server already up and idle. Newsdesk: Engine.index() (chunk and sentence vectors in Chroma,
  BM25). Baseline: PlainLlamaIndex(...) (SimpleDirectoryReader, default SentenceSplitter,
  VectorStoreIndex on Chroma, CitationQueryEngine).
- retrieve p50/p95: every question of evals/qa.jsonl after 3 warm-up ones. Newsdesk:
  Engine.retrieve(q, 5) (configured mode, hybrid by default); baseline: its
  CitationQueryEngine.retrieve (top 5 chunk vectors).
- answer first output / total p50/p95: --questions N questions without chat history, stratified
  by type, the same for both, after one tiny warm-up completion on each server. Both streamed.
  Newsdesk: AnswerChain.stream; first output is the first text delta, or the refusal when it
  refuses before generating; total ends at the final, verified Answer. Baseline:
  CitationQueryEngine(streaming=True) with the recipe's LLM given a stream_chat that really
  streams (the recipe's OpenAILikeLLM streams nothing). Its compact/refine synthesizer may call
  the LLM more than once and drains every call but the last before the caller sees a token, so
  the first token of its first LLM call is reported too.
- peak RSS: ru_maxrss of the system's process plus VmHWM of its llama.cpp server child
  (/proc/<pid>/status; the model file is mmapped, its resident pages count), read after its run.
- cold start: wall time from spawn to exit, page cache warm. Newsdesk: `rag ask Q --llm none`
  and `rag ask Q --llm local` on its built index. Baseline: this script with --cold-start on the
  persisted baseline index: load it and retrieve the top 5 (the recipe has no answer without an
  LLM), or load it, start the server and answer Q with PlainLlamaIndex.ask.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

from bench.peer_measure import measure_baseline, measure_newsdesk, peak_memory, server_flags
from bench.peer_report import SYSTEMS, markdown, summarize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def positive(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (the --system / --cold-start modes are this script's own sub-runs)."""
    parser = argparse.ArgumentParser(
        prog="bench/peer_bench.py",
        description="Newsdesk vs the plain llama-index baseline: index build, retrieval and "
        "answer latency, peak memory, cold starts. See the module docstring.",
    )
    parser.add_argument(
        "--questions", type=positive, default=8, help="answers timed per system (default 8)"
    )
    parser.add_argument(
        "--runs", type=positive, default=3, help="runs of each cold start without LLM (default 3)"
    )
    parser.add_argument(
        "--llm-runs", type=positive, default=2, help="runs of each cold start with LLM (default 2)"
    )
    parser.add_argument("--system", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--cold-start", choices=("retrieve", "answer"), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (args.system or args.cold_start) and not args.home:
        parser.error("--system and --cold-start need --home")
    if args.system and not args.out:
        parser.error("--system needs --out")
    return args


def pick_questions(n: int) -> list[Any]:
    """`n` eval items without chat history, stratified by type and interleaved (one of each
    type in turn), the same every run."""
    from evals.dataset import load_items, stratified

    items = [i for i in load_items() if not i.history]
    kinds = list(dict.fromkeys(i.type for i in items))
    chosen = stratified(items, math.ceil(n / len(kinds)))
    groups = [[i for i in chosen if i.type == kind] for kind in kinds]
    return [i for turn in zip_longest(*groups) for i in turn if i is not None][:n]


def run_system(args: argparse.Namespace) -> int:
    """--system: measure one system in this process and write its JSON to --out."""
    from evals.dataset import load_items

    questions = [i.question for i in load_items()]
    items = pick_questions(args.questions)
    measure = measure_newsdesk if args.system == "newsdesk" else measure_baseline
    result = measure(args.home, questions, items)
    result["memory"] = peak_memory()
    result["server"] = server_flags(result["memory"])
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def run_cold_start(args: argparse.Namespace) -> int:
    """--cold-start: load the persisted baseline index, then retrieve or answer QUERY."""
    from bench.index_bench import QUERY
    from evals.baselines.plain_llamaindex import PlainLlamaIndex
    from index.embedding import MiniLMEmbedding
    from rag.config import Settings

    settings = Settings(home=args.home, llm="local")
    persisted = args.home / "index"
    if not persisted.is_dir():
        raise SystemExit(f"No baseline index in {persisted}.")
    embed_model = MiniLMEmbedding(embed_batch_size=32)
    if args.cold_start == "retrieve":
        from llama_index.core.llms import MockLLM
        from llama_index.core.schema import QueryBundle

        system = PlainLlamaIndex(settings.corpus, embed_model, MockLLM(), persist_dir=persisted)
        nodes = system.query_engine.engine.retrieve(QueryBundle(QUERY))
        print(json.dumps({"backend": "none", "sources": [n.node.node_id for n in nodes]}))
        return 0
    from evals.baselines.compare_baseline import local_llm

    system = PlainLlamaIndex(
        settings.corpus, embed_model, local_llm(settings), persist_dir=persisted
    )
    answer = system.ask(QUERY)
    print(json.dumps({"backend": answer.backend, "refused": answer.refused, "text": answer.text}))
    return 0


# --- the orchestrating run ----------------------------------------------------------------------


def spawn(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds from spawn to exit of `cmd` (from the project root) and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def cold_starts(homes: dict[str, Path], runs: int, llm_runs: int) -> dict[str, Any]:
    """Cold-start wall times of each system's one-shot process, runs interleaved."""
    from bench.index_bench import BIN, QUERY

    rag_ask = [str(BIN / "rag"), "ask", QUERY, "--json", "--llm"]
    baseline = [sys.executable, str(Path(__file__).resolve()), "--home", str(homes["baseline"])]
    plans = {  # name: (command, home, runs, backend it must report)
        "newsdesk_none": (rag_ask + ["none"], homes["newsdesk"], runs, "none"),
        "baseline_retrieve": (
            baseline + ["--cold-start=retrieve"],
            homes["baseline"],
            runs,
            "none",
        ),
        "newsdesk_local": (rag_ask + ["local"], homes["newsdesk"], llm_runs, "local"),
        "baseline_answer": (
            baseline + ["--cold-start=answer"],
            homes["baseline"],
            llm_runs,
            "plain-llamaindex",
        ),
    }
    out: dict[str, Any] = {name: {"runs_s": [], "command": plan[0]} for name, plan in plans.items()}
    for run in range(max(runs, llm_runs)):
        for name, (cmd, home, count, backend) in plans.items():
            if run >= count:
                continue
            seconds, stdout = spawn(cmd, {**os.environ, "RAG_HOME": str(home)})
            got = json.loads(stdout)["backend"]
            if got != backend:
                raise RuntimeError(f"{name}: answered by {got!r}, expected {backend!r}")
            out[name]["runs_s"].append(seconds)
            print(f"[cold start] {name} run {run + 1}: {seconds:.1f} s", file=sys.stderr)
    return out


def save(stem: Path, result: dict[str, Any]) -> None:
    """Write the result as <stem>.json."""
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def orchestrate(args: argparse.Namespace) -> int:
    """Measure both systems, each in its own process, then the cold starts; report."""
    started = time.perf_counter()
    result: dict[str, Any] = {
        "started": f"{datetime.now():%Y-%m-%d %H:%M}",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "questions": [i.id for i in pick_questions(args.questions)],
        "model_dir": os.environ["RAG_MODEL_DIR"],
        "systems": {},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"peer-{datetime.now():%Y%m%d-%H%M%S}"
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as tmp:
        homes = {name: Path(tmp) / name for name in SYSTEMS}
        for name in SYSTEMS:
            out = Path(tmp) / f"{name}.json"
            cmd = me + ["--system", name, "--home", str(homes[name]), "--out", str(out)]
            subprocess.run(cmd + ["--questions", str(args.questions)], cwd=ROOT, check=True)
            result["systems"][name] = json.loads(out.read_text(encoding="utf-8"))
            save(stem, result)  # what is measured so far survives a later failure
        result["cold_start"] = cold_starts(homes, args.runs, args.llm_runs)
    result["load_after"] = os.getloadavg()
    result["total_s"] = time.perf_counter() - started
    result["summary"] = summarize(result)
    report = markdown(result)
    save(stem, result)
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    print(report)
    print(f"Raw timings in {stem.with_suffix('.json').relative_to(ROOT)} (and .md).")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the requested part."""
    args = parse_args(argv)
    os.environ.setdefault("RAG_MODEL_DIR", str(ROOT / ".rag" / "models"))
    if args.system:
        return run_system(args)
    if args.cold_start:
        return run_cold_start(args)
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
