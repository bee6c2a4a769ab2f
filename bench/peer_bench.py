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
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SYSTEMS = ("newsdesk", "baseline")
WARMUP = 3
TOP_K = 5
WARMUP_PROMPT = "Say OK."
SERVER_FLAGS = ("--n_ctx", "--n_threads", "--n_threads_batch", "--n_batch")


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


# --- measurements inside one system's process -------------------------------------------------


def latencies_ms(call: Callable[[str], Any], questions: list[str]) -> list[float]:
    """Milliseconds of call(q) per question, after WARMUP untimed calls."""
    for question in questions[:WARMUP]:
        call(question)
    out = []
    for question in questions:
        started = time.perf_counter()
        call(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def peak_memory() -> dict[str, Any]:
    """Peak RSS (MB) of this process and of each live child process (the llama.cpp server)."""
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] != me:  # fields: state, ppid
                continue
            status = (stat.parent / "status").read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().decode().split("\0")
        except (OSError, IndexError):
            continue
        kib = {
            line.split(":")[0]: int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("VmHWM:", "RssAnon:", "RssFile:"))
        }
        children.append(
            {
                "pid": int(stat.parent.name),
                "cmd": cmdline,
                "peak_mb": kib["VmHWM"] / 1024,
                "now_anon_mb": kib["RssAnon"] / 1024,  # private memory (weights copy, KV, ...)
                "now_file_mb": kib["RssFile"] / 1024,  # mmapped files (the GGUF) now resident
            }
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"process_mb": own, "children": children}


def server_flags(memory: dict[str, Any]) -> dict[str, str]:
    """The llama.cpp server's n_ctx / n_threads / n_batch flags, from its command line."""
    for child in memory["children"]:
        cmd = child["cmd"]
        if "llama_cpp.server" in cmd:
            return {f.lstrip("-"): cmd[cmd.index(f) + 1] for f in SERVER_FLAGS if f in cmd}
    return {}


def log(system: str, message: str) -> None:
    """A progress line on stderr."""
    print(f"[{system}] {message}", file=sys.stderr, flush=True)


def measure_newsdesk(home: Path, questions: list[str], items: list[Any]) -> dict[str, Any]:
    """Index build, retrieval and streamed answers of Newsdesk in this process."""
    import rag
    from rag.config import Settings
    from rag.engine import Engine
    from rag.types import Answer

    engine = Engine(Settings(home=home, llm="local"))
    s = engine.settings
    started = time.perf_counter()
    generator = rag.api.chain_for(engine).generator()  # starts the llama.cpp server (shared_server)
    server_start = time.perf_counter() - started
    if generator is None:
        raise RuntimeError(
            f"The local LLM did not start: {rag.api.chain_for(engine).generator_error}"
        )
    log("newsdesk", f"server up in {server_start:.1f} s; building the index")
    started = time.perf_counter()
    engine.index(progress=False)
    build = time.perf_counter() - started
    contents = f"{engine.collection.count()} chunk + {engine.sentences.count()} sentence vectors"
    log("newsdesk", f"index built in {build:.1f} s ({contents}); timing retrieval")
    retrieve = latencies_ms(lambda q: engine.retrieve(q, TOP_K), questions)
    generator.complete([{"role": "user", "content": WARMUP_PROMPT}], max_tokens=4)
    rows = []
    for item in items:
        started = time.perf_counter()
        first = None
        for out in rag.api.chain_for(engine).stream(item.question):
            if first is None and (isinstance(out, Answer) or out):
                first = time.perf_counter() - started
            if isinstance(out, Answer):
                answer = out
        total = time.perf_counter() - started
        generated = "first_token" in answer.timings
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "first_output": first,
                "first_llm_token": first if generated else None,
                "total": total,
                "llm_calls": int(generated),
                "refused": answer.refused,
                "backend": answer.backend,
                "text": answer.text,
            }
        )
        log("newsdesk", f"{item.id}: first {first:.1f} s, total {total:.1f} s ({answer.backend})")
    return {
        "server_start_s": server_start,
        "build_s": build,
        "index_contents": contents + ", BM25",
        "retrieve_ms": retrieve,
        "answers": rows,
        "settings": {
            "retrieval": s.retrieval,
            "top_k": s.top_k,
            "chunk_tokens": s.chunk_tokens,
            "evidence_words": s.evidence.words,
            "max_tokens": s.llm_max_tokens,
            "llm_timeout_s": s.llm_timeout,
            "temperature": 0,
            "answer": "AnswerChain.stream (one LLM call; refusal before generating when the "
            "best evidence scores below relevance_min)",
        },
    }


def streaming_llm(llm: Any) -> Any:
    """A copy of the baseline's OpenAILikeLLM whose stream_chat really streams (the same chat
    request as its chat(), with stream=True) and records when each call starts and first
    yields text, in `_calls`."""
    from llama_index.core.base.llms.types import (
        ChatMessage,
        ChatResponse,
        ChatResponseGen,
        MessageRole,
    )
    from llama_index.core.llms.callbacks import llm_chat_callback
    from pydantic import PrivateAttr

    from evals.baselines.openai_like import OpenAILikeLLM

    class StreamingOpenAILikeLLM(OpenAILikeLLM):
        _calls: list[dict[str, float]] = PrivateAttr(default_factory=list)

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            call = {"start": time.perf_counter()}
            self._calls.append(call)
            stream = self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role.value, "content": m.content or ""} for m in messages],
                temperature=0,
                max_tokens=self.max_tokens,
                stream=True,
            )

            def deltas() -> ChatResponseGen:
                text = ""
                for chunk in stream:
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        call.setdefault("first", time.perf_counter())
                        text += delta
                        message = ChatMessage(role=MessageRole.ASSISTANT, content=text)
                        yield ChatResponse(message=message, delta=delta)
                call["end"] = time.perf_counter()

            return deltas()

    fields = ("model", "base_url", "max_tokens", "context_window", "timeout")
    return StreamingOpenAILikeLLM(**{f: getattr(llm, f) for f in fields})


def measure_baseline(home: Path, questions: list[str], items: list[Any]) -> dict[str, Any]:
    """Index build, retrieval and streamed answers of the plain llama-index recipe here."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core.query_engine import CitationQueryEngine
    from llama_index.core.schema import QueryBundle

    from evals.baselines.compare_baseline import local_llm
    from evals.baselines.plain_llamaindex import TOP_K as BASELINE_TOP_K
    from evals.baselines.plain_llamaindex import PlainLlamaIndex, to_answer
    from index.embedding import MiniLMEmbedding
    from rag.config import Settings

    settings = Settings(home=home, llm="local")
    started = time.perf_counter()
    llm = streaming_llm(local_llm(settings))  # starts the llama.cpp server (shared_server)
    server_start = time.perf_counter() - started
    log("baseline", f"server up in {server_start:.1f} s; building the index")
    started = time.perf_counter()
    embed_model = MiniLMEmbedding(embed_batch_size=32)
    system = PlainLlamaIndex(settings.corpus, embed_model, llm, persist_dir=home / "index")
    build = time.perf_counter() - started
    client = chromadb.PersistentClient(
        path=str(home / "index"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    contents = f"{client.get_collection('plain_llamaindex').count()} chunk vectors"
    log("baseline", f"index built in {build:.1f} s ({contents}); timing retrieval")
    citation = system.query_engine.engine
    retrieve = latencies_ms(lambda q: citation.retrieve(QueryBundle(q)), questions)
    streaming = CitationQueryEngine.from_args(
        system.index, llm=llm, similarity_top_k=BASELINE_TOP_K, streaming=True
    )
    llm.complete(WARMUP_PROMPT)
    rows = []
    for item in items:
        llm._calls.clear()
        started = time.perf_counter()
        response = streaming.query(item.question)
        first, text = None, ""
        for token in getattr(response, "response_gen", None) or [str(response)]:
            if first is None and token:
                first = time.perf_counter() - started
            text += token
        total = time.perf_counter() - started
        calls = list(llm._calls)
        first_call = calls[0].get("first") if calls else None
        answer = to_answer(text, list(response.source_nodes), settings.corpus, [])
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "first_output": first if first is not None else total,
                "first_llm_token": None if first_call is None else first_call - started,
                "total": total,
                "llm_calls": len(calls),
                "refused": answer.refused,
                "backend": "plain-llamaindex",
                "text": text,
            }
        )
        log("baseline", f"{item.id}: first {rows[-1]['first_output']:.1f} s, total {total:.1f} s")
    return {
        "server_start_s": server_start,
        "build_s": build,
        "index_contents": contents,
        "retrieve_ms": retrieve,
        "answers": rows,
        "settings": {
            "retrieval": "vector (Chroma, default l2 space)",
            "top_k": BASELINE_TOP_K,
            "chunk_tokens": "SentenceSplitter default (1024, overlap 200)",
            "max_tokens": llm.max_tokens,
            "llm_timeout_s": llm.timeout,
            "temperature": 0,
            "answer": "CitationQueryEngine(streaming=True), compact/refine: one or more LLM "
            "calls over 512-token citation chunks",
        },
    }


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


def stats(values: list[float]) -> dict[str, float]:
    """p50 / p95 (0 when empty)."""
    from bench.answer_bench import pct

    return {"p50": pct(values, 50), "p95": pct(values, 95), "n": len(values)}


def summarize(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The headline numbers of each system, from the raw measurements."""
    from bench.index_bench import summary

    out: dict[str, dict[str, Any]] = {}
    for name in SYSTEMS:
        r = result["systems"][name]
        answers = r["answers"]
        firsts = [a["first_llm_token"] for a in answers if a["first_llm_token"] is not None]
        servers = [c for c in r["memory"]["children"] if "llama_cpp.server" in c["cmd"]]
        out[name] = {
            "build_s": r["build_s"],
            "server_start_s": r["server_start_s"],
            "retrieve_ms": stats(r["retrieve_ms"]),
            "first_output_s": stats([a["first_output"] for a in answers]),
            "first_llm_token_s": stats(firsts),
            "total_s": stats([a["total"] for a in answers]),
            "llm_calls_mean": sum(a["llm_calls"] for a in answers) / len(answers),
            "refused": sum(a["refused"] for a in answers),
            "process_mb": r["memory"]["process_mb"],
            "server_mb": sum(c["peak_mb"] for c in servers),
            "server_anon_mb": sum(c.get("now_anon_mb", 0.0) for c in servers),
            "server_file_mb": sum(c.get("now_file_mb", 0.0) for c in servers),
            "total_mb": r["memory"]["process_mb"] + sum(c["peak_mb"] for c in servers),
        }
    cold = result["cold_start"]
    for name, keys in (
        ("newsdesk", ("newsdesk_none", "newsdesk_local")),
        ("baseline", ("baseline_retrieve", "baseline_answer")),
    ):
        out[name]["cold_none"] = summary(cold[keys[0]]["runs_s"])
        out[name]["cold_llm"] = summary(cold[keys[1]]["runs_s"])
    return out


def ratio(newsdesk: float | None, baseline: float | None) -> str:
    """baseline / Newsdesk, as '2.35x' ('-' when either is missing or Newsdesk is 0)."""
    if not newsdesk or baseline is None:
        return "-"
    return f"{baseline / newsdesk:.2f}x"


def markdown(result: dict[str, Any]) -> str:
    """The report: headline table with ratios, answers question by question, settings."""
    s = result["summary"]
    nd, bl = s["newsdesk"], s["baseline"]
    n_answers = nd["total_s"]["n"]
    n_retrieve = nd["retrieve_ms"]["n"]
    runs = f"median of {len(nd['cold_none']['runs_s'])}"
    llm_runs = f"median of {len(nd['cold_llm']['runs_s'])}"

    def pair(key: str, q: str, scale: float = 1.0) -> tuple[float, float]:
        return nd[key][q] * scale, bl[key][q] * scale

    rows: list[tuple[str, float | None, float | None, str]] = [
        ("index build, cold, in-process (s)", nd["build_s"], bl["build_s"], ".1f"),
        ("llama.cpp server start (s)", nd["server_start_s"], bl["server_start_s"], ".1f"),
        (f"retrieve p50 (ms, {n_retrieve} questions)", *pair("retrieve_ms", "p50"), ".1f"),
        (f"retrieve p95 (ms, {n_retrieve} questions)", *pair("retrieve_ms", "p95"), ".1f"),
        (
            f"answer first output p50 (s, {n_answers} questions)",
            *pair("first_output_s", "p50"),
            ".2f",
        ),
        ("answer first output p95 (s)", *pair("first_output_s", "p95"), ".2f"),
        ("first token of the first LLM call p50 (s)", *pair("first_llm_token_s", "p50"), ".2f"),
        ("first token of the first LLM call p95 (s)", *pair("first_llm_token_s", "p95"), ".2f"),
        ("answer total p50 (s)", *pair("total_s", "p50"), ".2f"),
        ("answer total p95 (s)", *pair("total_s", "p95"), ".2f"),
        ("LLM calls per answer (mean)", nd["llm_calls_mean"], bl["llm_calls_mean"], ".2f"),
        ("peak RSS, Python process (MB)", nd["process_mb"], bl["process_mb"], ".0f"),
        ("peak RSS, llama.cpp server (MB)", nd["server_mb"], bl["server_mb"], ".0f"),
        ("peak RSS, both (MB)", nd["total_mb"], bl["total_mb"], ".0f"),
        (
            "llama.cpp server RSS at the end, private (MB)",
            nd["server_anon_mb"],
            bl["server_anon_mb"],
            ".0f",
        ),
        (
            "llama.cpp server RSS at the end, mmapped files (MB)",
            nd["server_file_mb"],
            bl["server_file_mb"],
            ".0f",
        ),
        (
            f"cold start without LLM (s, {runs}): `rag ask --llm none` / load index + retrieve",
            nd["cold_none"]["median_s"],
            bl["cold_none"]["median_s"],
            ".2f",
        ),
        (
            f"cold start with local LLM (s, {llm_runs}): `rag ask` / load index + ask",
            nd["cold_llm"]["median_s"],
            bl["cold_llm"]["median_s"],
            ".2f",
        ),
    ]
    lines = [
        "# Newsdesk vs plain llama-index: speed and memory",
        "",
        f"{result['started']} on {result['machine']}, {result['cpus']} CPUs, Python "
        f"{result['python']}; load average {result['load_before'][0]:.2f} before, "
        f"{result['load_after'][0]:.2f} after; total {result['total_s'] / 60:.1f} min.",
        "",
        "| measure | Newsdesk | plain llama-index | baseline / Newsdesk |",
        "|---|---|---|---|",
    ]
    for label, a, b, f in rows:
        fa = "-" if a is None else format(a, f)
        fb = "-" if b is None else format(b, f)
        lines.append(f"| {label} | {fa} | {fb} | {ratio(a, b)} |")
    lines += [
        f"| index contents | {result['systems']['newsdesk']['index_contents']} | "
        f"{result['systems']['baseline']['index_contents']} | |",
        f"| answers refused (of {n_answers}) | {nd['refused']} | {bl['refused']} | |",
        "",
        "## Answers question by question (seconds)",
        "",
        "| id | type | Newsdesk first / total | Newsdesk | baseline first / total (LLM calls) "
        "| baseline |",
        "|---|---|---|---|---|---|",
    ]
    base = {a["id"]: a for a in result["systems"]["baseline"]["answers"]}
    for a in result["systems"]["newsdesk"]["answers"]:
        b = base[a["id"]]
        verdict_a = "refused" if a["refused"] else "answered"
        verdict_b = "refused" if b["refused"] else "answered"
        lines.append(
            f"| {a['id']} | {a['type']} | {a['first_output']:.1f} / {a['total']:.1f} | "
            f"{verdict_a} ({a['backend']}) | {b['first_output']:.1f} / {b['total']:.1f} "
            f"({b['llm_calls']}) | {verdict_b} |"
        )
    lines += ["", "## Settings", "", "| setting | Newsdesk | plain llama-index |", "|---|---|---|"]
    settings = {n: result["systems"][n]["settings"] for n in SYSTEMS}
    servers = {n: result["systems"][n]["server"] for n in SYSTEMS}
    for key in settings["newsdesk"]:
        values = " | ".join(str(settings[n].get(key, "-")) for n in SYSTEMS)
        lines.append(f"| {key} | {values} |")
    for key in sorted(set(servers["newsdesk"]) | set(servers["baseline"])):
        lines.append(
            f"| llama.cpp {key} | {servers['newsdesk'].get(key, '-')} | "
            f"{servers['baseline'].get(key, '-')} |"
        )
    same = "the same" if servers["newsdesk"] == servers["baseline"] else "DIFFERENT"
    lines += [
        "",
        f"llama.cpp server flags: {same} for both (llama-cpp-python server, one per system, "
        "model Qwen2.5-Coder-1.5B-Instruct Q4_K_M). Embedding: int8 all-MiniLM-L6-v2 (ONNX) for "
        "both. Method: see the docstring of bench/peer_bench.py.",
    ]
    return "\n".join(lines) + "\n"


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
