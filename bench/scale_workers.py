"""The scaling benchmark's worker processes: index a corpus, probe a fresh start-up, and time
retrieval per mode (each writes one JSON result for bench/scale_bench.py)."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Timers, peak_rss_mb, percentile
from bench.scale_embedding import cached_embedding, timed_minilm

SEED = 1
TOP_K = 5
MODES = ("hybrid", "vector", "bm25")
SAMPLE_CHUNKS = 256  # real-model rate sample in cached mode
SAMPLE_SENTENCES = 1024
PROGRESS_EVERY_S = 60.0


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


TIMERS = Timers()
STATE: dict[str, Any] = {"phase": "chunks", "done": 0, "last_log": 0.0}


def _progress(n: int) -> None:
    STATE["done"] += n
    now = time.perf_counter()
    if now - STATE["last_log"] > PROGRESS_EVERY_S:
        STATE["last_log"] = now
        log(f"embedded {STATE['done']} records (now: {STATE['phase']})")


# The indexer's step names (index.pipeline.IndexStep) -> the timer names of the results.
STEP_TIMERS = {"records_chunks": "records", "records_sentences": "records"}


def record_steps(captured: dict[str, Any]) -> Any:
    """An on_step callback for Engine.index: times every step, keeps the chunks and sentence
    records for the real-model rate sample, and logs progress now and then."""

    def on_step(name: str, seconds: float, items: Any) -> None:
        if name.startswith("chroma_read_"):
            name = "chroma_read"
        TIMERS.add(STEP_TIMERS.get(name, name), seconds)
        if name == "chunking":
            captured["chunks"] = items
        elif name == "records_sentences":
            captured["sentences"] = items
            captured["records_sentences"] = len(items)
        elif name.startswith("embed_"):
            STATE["phase"] = name.removeprefix("embed_")
            _progress(len(items))

    return on_step


def real_rates(model: Any, captured: dict[str, Any]) -> dict[str, Any]:
    """Texts/s of the real model on a sample of this corpus's chunk and sentence texts."""
    import random

    rng = random.Random(SEED)
    out: dict[str, Any] = {}
    for kind, items, n in (
        ("chunks", [c.text for c in captured["chunks"]], SAMPLE_CHUNKS),
        ("sentences", [r.text for r in captured["sentences"]], SAMPLE_SENTENCES),
    ):
        sample = rng.sample(items, min(n, len(items)))
        model.embed(sample[:32])  # warm-up
        started = time.perf_counter()
        for i in range(0, len(sample), 64):  # the pipeline's batch size
            model.embed(sample[i : i + 64])
        seconds = time.perf_counter() - started
        out[kind] = {"texts": len(sample), "seconds": seconds, "per_second": len(sample) / seconds}
    return out


def worker_index(home: Path, corpus: Path, vectors: str) -> dict[str, Any]:
    """Index `corpus` into `home` with the project's Engine; timings, counts, RSS."""
    from index.embedding import MiniLMEmbedding
    from rag.config import Settings
    from rag.engine import Engine

    captured: dict[str, Any] = {}
    started = time.perf_counter()
    real = timed_minilm(embed_batch_size=32) if vectors == "real" else None
    if real is None:
        real = MiniLMEmbedding(embed_batch_size=32)
    model = real if vectors == "real" else cached_embedding(real, TIMERS)
    model_load_s = time.perf_counter() - started
    engine = Engine(Settings(home=home, corpus=corpus), embed_model=model)
    log(f"indexing {corpus} into {home} ({vectors} vectors)")
    started = time.perf_counter()
    report = engine.index(progress=False, on_step=record_steps(captured))
    index_s = time.perf_counter() - started
    rss_index = peak_rss_mb()
    log(report.summary())
    result: dict[str, Any] = {
        "vectors": vectors,
        "files": report.files,
        "chunks": report.chunks,
        "sentences": captured.get("records_sentences", 0),
        "records": report.chunks + captured.get("records_sentences", 0),
        "embedded": report.embedded,
        "model_load_s": model_load_s,
        "index_s": index_s,
        "timers_s": dict(TIMERS.seconds),
        "timer_calls": dict(TIMERS.calls),
        "peak_rss_mb": rss_index,
    }
    if vectors == "cached":
        result["word_pool"] = len(model._rows)
        result["real_rates"] = real_rates(real, captured)
        result["peak_rss_mb_after_rate_sample"] = peak_rss_mb()
    return result


def open_engine(home: Path, corpus: Path, first_question: str) -> tuple[Any, dict[str, Any]]:
    """A fresh Engine on a built folder, timed part by part up to the first retrieve."""
    marks = {"python_ready": time.time()}
    keyword_files = sorted((home / "keyword").glob("**/*"))
    before = {str(p): p.stat().st_mtime_ns for p in keyword_files if p.is_file()}
    started = time.perf_counter()
    from rag.config import Settings
    from rag.engine import Engine

    parts = {"imports_s": time.perf_counter() - started}
    engine = Engine(Settings(home=home, corpus=corpus))
    for name, step in (
        ("embed_model_s", lambda: engine.embed_model),
        ("chroma_open_s", lambda: engine.collection.count()),
        ("keyword_load_s", engine.keyword),
        ("retriever_s", lambda: engine.retriever),
        ("first_retrieve_s", lambda: engine.retrieve(first_question, TOP_K)),
    ):
        started = time.perf_counter()
        step()
        parts[name] = time.perf_counter() - started
    marks["first_retrieve_done"] = time.time()
    after = {
        str(p): p.stat().st_mtime_ns for p in sorted((home / "keyword").glob("**/*")) if p.is_file()
    }
    probe = {
        "parts_s": parts,
        "marks": marks,
        "keyword_files_unchanged": before == after and bool(before),
        "keyword_chunks": len(engine.keyword().ids),
    }
    # A read never builds the index (Engine.keyword raises instead), so only the files can say.
    probe["keyword_rebuilt"] = not probe["keyword_files_unchanged"]
    return engine, probe


def worker_startup(home: Path, corpus: Path, questions_file: Path) -> dict[str, Any]:
    """Start-up probe: open, load BM25, first retrieve; then exit."""
    facts = json.loads(questions_file.read_text(encoding="utf-8"))
    _, probe = open_engine(home, corpus, facts[0]["question"])
    probe["peak_rss_mb"] = peak_rss_mb()
    return probe


def worker_latency(home: Path, corpus: Path, questions_file: Path) -> dict[str, Any]:
    """In-process retrieval latency per mode after warm-up, hybrid per component, hit@5."""
    facts = json.loads(questions_file.read_text(encoding="utf-8"))
    engine, probe = open_engine(home, corpus, facts[0]["question"])
    from rag.retrieval import HybridRetriever

    s = engine.settings
    retrievers = {
        mode: HybridRetriever(
            engine.collection,
            engine.sentences,
            engine.embed_model,
            engine.keyword(),
            mode=mode,
            candidates=s.candidates,
            rrf_k=s.rrf_k,
        )
        for mode in MODES
    }
    parts = Timers()
    hybrid = retrievers["hybrid"]
    for attr in ("_vector_ids", "_sentence_chunk_ids"):
        setattr(hybrid, attr, parts.wrap(attr.strip("_"), getattr(hybrid, attr)))

    class TimedKeyword:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def search(self, query: str, top_k: int) -> Any:
            with parts.time("bm25_search"):
                return self.inner.search(query, top_k)

    hybrid.keyword = TimedKeyword(hybrid.keyword)  # type: ignore[assignment]
    warm = [f["question"] for f in facts[-5:]]
    for question in warm:
        for retriever in retrievers.values():
            retriever.retrieve(question, TOP_K)
    parts.seconds.clear()
    times: dict[str, list[float]] = {m: [] for m in MODES}
    hits: dict[str, int] = dict.fromkeys(MODES, 0)
    embed_ms: list[float] = []
    component_ms: dict[str, list[float]] = defaultdict(list)
    for fact in facts:
        question = fact["question"]
        for mode, retriever in retrievers.items():
            before = dict(parts.seconds)
            started = time.perf_counter()
            passages = retriever.retrieve(question, TOP_K)
            times[mode].append((time.perf_counter() - started) * 1000)
            hits[mode] += any(p.source == fact["source"] for p in passages)
            if mode == "hybrid":
                for name, total in parts.seconds.items():
                    component_ms[name].append((total - before.get(name, 0.0)) * 1000)
        started = time.perf_counter()
        engine.embed_model.embed([question])
        embed_ms.append((time.perf_counter() - started) * 1000)
    component_ms["query_embed"] = embed_ms
    out: dict[str, Any] = {"startup": probe, "questions": len(facts), "modes": {}}
    for mode, ms in times.items():
        out["modes"][mode] = {
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "mean_ms": float(np.mean(ms)),
            "hit_at_5": hits[mode] / len(facts),
            "ms": ms,
        }
    out["hybrid_components_p50_ms"] = {
        name: percentile(ms, 50) for name, ms in component_ms.items()
    }
    out["peak_rss_mb"] = peak_rss_mb()
    return out
