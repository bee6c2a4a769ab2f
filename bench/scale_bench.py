"""How Newsdesk scales: indexing, retrieval, memory, disk and start-up at 1k, 10k and 100k chunks.

Run from the project root (heavy: serialise it with the other CPU jobs of the machine):

    flock /tmp/newsdesk-cpu.lock .venv/bin/python -m bench.scale_bench --sizes 1000,10000,100000

It prints Markdown tables and writes bench/results/scale-<timestamp>.json and .png (throughput,
latency, memory, disk, start-up and the indexing time split versus chunk count, log x). Sizes run
one by one; `--render A.json B.json ...` merges earlier result files into one table and plot
without measuring anything.

Per size, in a fresh temporary folder:
1. bench.synth writes a synthetic news corpus calibrated to about that many chunks (seed 1).
2. Index process: rag.engine.Engine(Settings(home=tmp, corpus=tmp)).index(progress=False), the
   code path of `rag index`: load -> clean -> chunk -> embed -> two Chroma collections (chunks,
   and every sentence of every chunk) -> BM25 (bm25s) saved with its fingerprint. The project's
   run is timed through its own hook (Engine.index(on_step=...), see index.pipeline.IndexStep):
   time in embed() calls, Chroma adds (Chroma writes, HNSW included), BM25 build / save,
   loading, chunking and record building; "other" is the rest (node construction, Chroma
   reads and deletes, ...). Throughput is
   chunks / indexing seconds; records/s counts chunk + sentence records (both are embedded and
   written). Peak RSS of that process: resource.getrusage ru_maxrss.
3. Start-up processes (`--startup-runs`, default 2): a new Python process opens an Engine on the
   built folder, loads the persisted BM25 index and answers one retrieve(); the number is wall
   time from just before the parent spawns it to the first passages returned (interpreter start,
   imports, model load, BM25 load, Chroma open, HNSW load, first query). The probe reports
   whether the keyword index was rebuilt (KeywordIndex.build or Engine.index called, or the saved
   files rewritten): it must not be.
4. Serving process: after its own start-up and warm-up, `--questions` (100) questions generated
   from the synthetic facts ("How much is X going to invest in Y in Z?") are retrieved (top 5) in
   hybrid, vector and bm25 mode, interleaved; p50/p95 in-process latency per mode, the hybrid
   time per component (query embedding, chunk HNSW, sentence HNSW, BM25, final get), article
   hit@5 as a sanity check, and the process's peak RSS.
5. Disk: bytes allocated under the RAG_HOME folder (chroma/ and keyword/).

Vectors. `--vectors real` embeds every chunk and sentence with the shipped MiniLM int8 ONNX
model. On 2 cores that runs at about 20 chunks/s and 190 sentences/s, so 100k chunks (+ about
630k sentences) would take hours; `--vectors cached` (the default above `--real-embed-max`, 10k)
writes the same records through the same Chroma and BM25 code path but makes each vector
cheaply: every distinct word (lower-cased, stop words dropped) is embedded once with the real
model and cached; a sentence's vector is the normalised mean of its words' vectors and a chunk's
the normalised mean of its sentences' vectors (CachedVectorEmbedding, a llama-index
BaseEmbedding passed to the unchanged pipeline). Store size, HNSW, BM25, retrieval latency (the
question is embedded with the real model), memory, disk and start-up are then real; indexing
throughput is measured (cheap vectors) and also extrapolated to real embeddings from the real
model's rate measured in the same run on a sample of that corpus's chunks and sentences, and
labelled so. Retrieval quality (hit@5) in cached mode says little about MiniLM.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import Timers, disk_bytes, peak_rss_mb, percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
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


# ---------------------------------------------------------------------------------------------
# Embedding models handed to the unchanged pipeline


def timed_minilm(**kwargs: Any) -> Any:
    """The real MiniLM model (as Engine builds it), its embed() calls timed per phase."""
    from index.embedding import MiniLMEmbedding

    return MiniLMEmbedding(**kwargs)


def cached_embedding(real: Any) -> Any:
    """A BaseEmbedding with the real model's name and token counter whose vectors are composed
    from real MiniLM word vectors (see the module doc): cheap, deterministic, 384-d, unit norm."""
    import re

    from pydantic import PrivateAttr

    from index.chunking import split_sentences
    from index.embedding import ArrayEmbedding
    from index.keyword import STOPWORDS

    word_re = re.compile(r"[\w’']+")

    class CachedVectorEmbedding(ArrayEmbedding):
        _real: Any = PrivateAttr()
        _rows: dict[str, int] = PrivateAttr()
        _matrix: np.ndarray = PrivateAttr()

        def __init__(self, real_model: Any) -> None:
            super().__init__(model_name=real_model.model_name, embed_batch_size=64)
            self._real = real_model
            self._rows = {}
            self._matrix = np.zeros((0, 384), dtype=np.float32)

        @classmethod
        def class_name(cls) -> str:
            return "CachedVectorEmbedding"

        def count_tokens(self, text: str) -> int:
            return self._real.count_tokens(text)

        @staticmethod
        def _words(sentence: str) -> list[str]:
            words = [w.strip("’'").lower() for w in word_re.findall(sentence)]
            kept = [w for w in words if w and w not in STOPWORDS]
            return kept or [sentence.strip().lower()[:64] or "empty"]

        def _ensure(self, words: set[str]) -> None:
            missing = sorted(w for w in words if w not in self._rows)
            if not missing:
                return
            with TIMERS.time("embed_word_pool"):
                vectors = self._real.embed(missing)
            start = len(self._rows)
            for i, word in enumerate(missing):
                self._rows[word] = start + i
            self._matrix = np.concatenate([self._matrix, vectors.astype(np.float32)])

        def embed(self, texts: list[str]) -> np.ndarray:
            split = [
                [self._words(t[s:e]) for s, e in split_sentences(t)] or [self._words(t)]
                for t in texts
            ]
            self._ensure({w for sentences in split for ws in sentences for w in ws})
            out = np.empty((len(texts), 384), dtype=np.float32)
            for i, sentences in enumerate(split):
                vectors = [
                    self._matrix[[self._rows[w] for w in ws]].mean(axis=0) for ws in sentences
                ]
                vectors = [v / max(float(np.linalg.norm(v)), 1e-12) for v in vectors]
                v = np.mean(vectors, axis=0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
            return out

    return CachedVectorEmbedding(real)


# ---------------------------------------------------------------------------------------------
# Worker processes


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
    model = real if vectors == "real" else cached_embedding(real)
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


# ---------------------------------------------------------------------------------------------
# Orchestration


def run_worker(kind: str, out: Path, **kwargs: Any) -> tuple[dict[str, Any], float]:
    """Run one worker in a new process; (its JSON result, wall time of spawn at time.time())."""
    cmd = [sys.executable, "-m", "bench.scale_bench", "--worker", kind, "--result", str(out)]
    for key, value in kwargs.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    spawned = time.time()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"worker {kind} exited {done.returncode}: {' '.join(cmd)}")
    return json.loads(out.read_text(encoding="utf-8")), spawned


def measure_size(
    target: int, vectors: str, n_questions: int, startup_runs: int, work: Path
) -> tuple[dict[str, Any], Path]:
    """Every measurement for one corpus size."""
    from bench import synth

    folder = Path(tempfile.mkdtemp(prefix=f"scale-{target}-", dir=work))
    corpus, home = folder / "corpus", folder / "home"
    started = time.perf_counter()
    n_articles, per_article = synth.articles_for_chunks(target, SEED)
    synth.write_corpus(corpus, n_articles, SEED)
    facts = synth.questions(SEED, n_articles, n_questions)
    questions_file = folder / "questions.json"
    questions_file.write_text(json.dumps([f.__dict__ for f in facts]), encoding="utf-8")
    generate_s = time.perf_counter() - started
    log(f"{target}: wrote {n_articles} articles in {generate_s:.1f} s; indexing ({vectors})")
    result: dict[str, Any] = {
        "target_chunks": target,
        "vectors": vectors,
        "articles": n_articles,
        "calibrated_chunks_per_article": per_article,
        "generate_s": generate_s,
        "folder": str(folder),
    }
    result["index"], _ = run_worker(
        "index", folder / "index.json", home=home, corpus=corpus, vectors=vectors
    )
    result["disk"] = {
        "total_mb": disk_bytes(home) / 2**20,
        "chroma_mb": disk_bytes(home / "chroma") / 2**20,
        "keyword_mb": disk_bytes(home / "keyword") / 2**20,
    }
    startups = []
    for i in range(startup_runs):
        probe, spawned = run_worker(
            "startup", folder / f"startup{i}.json", home=home, corpus=corpus,
            questions_file=questions_file,
        )  # fmt: skip
        probe["startup_s"] = probe["marks"]["first_retrieve_done"] - spawned
        startups.append(probe)
        log(f"{target}: start-up {probe['startup_s']:.2f} s, rebuilt={probe['keyword_rebuilt']}")
    result["startup"] = {
        "runs": startups,
        "median_s": float(np.median([p["startup_s"] for p in startups])),
        "keyword_rebuilt": any(p["keyword_rebuilt"] for p in startups),
    }
    log(f"{target}: retrieval latency over {len(facts)} questions")
    result["retrieve"], _ = run_worker(
        "latency", folder / "latency.json", home=home, corpus=corpus, questions_file=questions_file
    )
    return result, folder


def derived(r: dict[str, Any]) -> dict[str, Any]:
    """Throughput and time split of one size's result (measured, and extrapolated if cached)."""
    ix = r["index"]
    t = ix["timers_s"]
    embed = t.get("embed_chunks", 0.0) + t.get("embed_sentences", 0.0)
    chroma = t.get("chroma_add_chunks", 0.0) + t.get("chroma_add_sentences", 0.0)
    bm25 = t.get("bm25_build", 0.0) + t.get("bm25_save", 0.0)
    prep = t.get("load_files", 0.0) + t.get("chunking", 0.0) + t.get("records", 0.0)
    d: dict[str, Any] = {
        "chunks": ix["chunks"],
        "sentences": ix["sentences"],
        "records": ix["records"],
        "index_s": ix["index_s"],
        "chunks_per_s": ix["chunks"] / ix["index_s"],
        "records_per_s": ix["records"] / ix["index_s"],
        "split_s": {
            "embed": embed,
            "chroma_write": chroma,
            "bm25": bm25,
            "load_chunk_records": prep,
            "other": ix["index_s"] - embed - chroma - bm25 - prep,
        },
    }
    if r["vectors"] == "real":
        d["embed_chunks_per_s"] = ix["chunks"] / max(t.get("embed_chunks", 0.0), 1e-9)
        d["embed_sentences_per_s"] = ix["sentences"] / max(t.get("embed_sentences", 0.0), 1e-9)
    else:
        rates = ix["real_rates"]
        extrap_embed = (
            ix["chunks"] / rates["chunks"]["per_second"]
            + ix["sentences"] / rates["sentences"]["per_second"]
        )
        extrap_total = ix["index_s"] - embed + extrap_embed
        d["embed_chunks_per_s"] = rates["chunks"]["per_second"]
        d["embed_sentences_per_s"] = rates["sentences"]["per_second"]
        d["extrapolated_real"] = {
            "embed_s": extrap_embed,
            "index_s": extrap_total,
            "chunks_per_s": ix["chunks"] / extrap_total,
            "records_per_s": ix["records"] / extrap_total,
        }
    return d


def tables(results: list[dict[str, Any]]) -> str:
    """Markdown tables of all sizes."""

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = [
        "Indexing (one `Engine.index()` on an empty RAG_HOME):",
        "",
        row(
            [
                "chunks",
                "files",
                "sentences",
                "vectors",
                "index s",
                "chunks/s",
                "records/s",
                "embed s",
                "Chroma write s",
                "BM25 s",
                "load+chunk s",
                "other s",
                "MiniLM chunks/s, sent./s",
                "peak RSS MB",
            ]
        ),
        row(["---"] * 14),
    ]
    for r in results:
        d = derived(r)
        sp = d["split_s"]
        cps, rps, idx = (
            f"{d['chunks_per_s']:.1f}",
            f"{d['records_per_s']:.1f}",
            f"{d['index_s']:.0f}",
        )
        vec = "real MiniLM"
        if "extrapolated_real" in d:
            x = d["extrapolated_real"]
            vec = "cached word vectors"
            idx += f" (real: ~{x['index_s']:.0f} extrapolated)"
            cps += f" (real: ~{x['chunks_per_s']:.1f} extrapolated)"
            rps += f" (real: ~{x['records_per_s']:.1f} extrapolated)"
        out.append(
            row(
                [
                    f"{d['chunks']:,}",
                    f"{r['index']['files']:,}",
                    f"{d['sentences']:,}",
                    vec,
                    idx,
                    cps,
                    rps,
                    f"{sp['embed']:.0f}",
                    f"{sp['chroma_write']:.0f}",
                    f"{sp['bm25']:.1f}",
                    f"{sp['load_chunk_records']:.0f}",
                    f"{sp['other']:.0f}",
                    f"{d['embed_chunks_per_s']:.1f}, {d['embed_sentences_per_s']:.0f}"
                    + ("" if r["vectors"] == "real" else " (sample)"),
                    f"{r['index']['peak_rss_mb']:.0f}",
                ]
            )
        )
    out += [
        "",
        "Serving (fresh process; latency in-process after warm-up, top 5; ms p50 / p95):",
        "",
        row(
            [
                "chunks",
                "vectors",
                "hybrid",
                "vector",
                "bm25",
                "hybrid parts p50 (embed/chunk HNSW/sent. HNSW/BM25)",
                "hit@5 h/v/b",
                "start-up s (runs)",
                "BM25 rebuilt",
                "serve RSS MB",
                "disk MB (chroma + keyword)",
            ]
        ),
        row(["---"] * 11),
    ]
    for r in results:
        m = r["retrieve"]["modes"]
        c = r["retrieve"]["hybrid_components_p50_ms"]
        su = r["startup"]
        dk = r["disk"]
        out.append(
            row(
                [
                    f"{r['index']['chunks']:,}",
                    "real" if r["vectors"] == "real" else "cached",
                    *(f"{m[x]['p50_ms']:.1f} / {m[x]['p95_ms']:.1f}" for x in MODES),
                    " / ".join(
                        f"{c.get(k, float('nan')):.1f}"
                        for k in ("query_embed", "vector_ids", "sentence_chunk_ids", "bm25_search")
                    ),
                    "/".join(f"{m[x]['hit_at_5']:.2f}" for x in MODES),
                    f"{su['median_s']:.2f} ("
                    + ", ".join(f"{p['startup_s']:.2f}" for p in su["runs"])
                    + ")",
                    "yes" if su["keyword_rebuilt"] else "no",
                    f"{r['retrieve']['peak_rss_mb']:.0f}",
                    f"{dk['total_mb']:.0f} ({dk['chroma_mb']:.0f} + {dk['keyword_mb']:.1f})",
                ]
            )
        )
    return "\n".join(out)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Six panels versus chunk count (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["index"]["chunks"] for r in results]
    ds = [derived(r) for r in results]
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    ax = axes[0][0]
    ax.plot(xs, [d["chunks_per_s"] for d in ds], "o-", label="chunks/s (measured)")
    ax.plot(xs, [d["records_per_s"] for d in ds], "s-", label="records/s (measured)")
    ex = [
        (x, d["extrapolated_real"]) for x, d in zip(xs, ds, strict=True) if "extrapolated_real" in d
    ]
    if ex:
        ax.plot([x for x, _ in ex], [e["chunks_per_s"] for _, e in ex], "o", mfc="none",
                label="chunks/s, real MiniLM (extrapolated)")  # fmt: skip
        ax.plot([x for x, _ in ex], [e["records_per_s"] for _, e in ex], "s", mfc="none",
                label="records/s, real MiniLM (extrapolated)")  # fmt: skip
    ax.set_title("Indexing throughput")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax = axes[0][1]
    for mode in MODES:
        ax.plot(xs, [r["retrieve"]["modes"][mode]["p50_ms"] for r in results], "o-",
                label=f"{mode} p50")  # fmt: skip
        ax.plot(xs, [r["retrieve"]["modes"][mode]["p95_ms"] for r in results], "x--",
                label=f"{mode} p95")  # fmt: skip
    ax.axhline(50, color="grey", lw=0.8, ls=":")
    ax.set_title("Retrieval latency, ms (in-process, top 5)")
    ax.legend(fontsize=7)
    ax = axes[0][2]
    ax.plot(xs, [r["index"]["peak_rss_mb"] for r in results], "o-", label="indexing process")
    ax.plot(xs, [r["retrieve"]["peak_rss_mb"] for r in results], "s-", label="serving process")
    ax.set_title("Peak RSS, MB")
    ax.legend(fontsize=7)
    ax = axes[1][0]
    ax.plot(xs, [r["disk"]["total_mb"] for r in results], "o-", label="RAG_HOME total")
    ax.plot(xs, [r["disk"]["keyword_mb"] for r in results], "s-", label="keyword (BM25)")
    ax.set_yscale("log")
    ax.set_title("Disk, MB")
    ax.legend(fontsize=7)
    ax = axes[1][1]
    ax.plot(xs, [r["startup"]["median_s"] for r in results], "o-", label="to first retrieve")
    for part in ("imports_s", "embed_model_s", "keyword_load_s", "first_retrieve_s"):
        ax.plot(xs, [np.median([p["parts_s"][part] for p in r["startup"]["runs"]])
                     for r in results], ".--", label=part[:-2])  # fmt: skip
    ax.set_title("Fresh-process start-up, s")
    ax.legend(fontsize=7)
    ax = axes[1][2]
    bottom = np.zeros(len(xs))
    labels = [
        f"{x:,}" + ("*" if r["vectors"] != "real" else "") for x, r in zip(xs, results, strict=True)
    ]
    for part in ("embed", "chroma_write", "bm25", "load_chunk_records", "other"):
        vals = np.array([d["split_s"][part] / d["index_s"] for d in ds])
        ax.bar(labels, vals, bottom=bottom, label=part)
        bottom += vals
    ax.set_title("Indexing time split (* = cached vectors)")
    ax.legend(fontsize=7)
    for a in axes.flat[:5]:
        a.set_xscale("log")
        a.set_xlabel("chunks")
        a.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(
    results: list[dict[str, Any]], meta: dict[str, Any], stamp: str | None = None
) -> Path:
    """JSON + PNG in bench/results; prints the tables. Returns the JSON path."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS / f"scale-{stamp}.json"
    payload = {**meta, "sizes": [{**r, "derived": derived(r)} for r in results]}
    json_path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    plot(results, json_path.with_suffix(".png"))
    print(tables(results))
    print(f"\nResults: {json_path.relative_to(ROOT)} and {json_path.with_suffix('.png').name}")
    return json_path


def main(argv: list[str] | None = None) -> int:
    """CLI (see the module doc)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="target chunk counts")
    parser.add_argument(
        "--vectors", choices=("auto", "real", "cached"), default="auto",
        help="auto: real MiniLM up to --real-embed-max chunks, cached word vectors above",
    )  # fmt: skip
    parser.add_argument("--real-embed-max", type=int, default=10000)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--startup-runs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None, help="temp parent folder")
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    parser.add_argument("--render", nargs="+", type=Path, help="merge result JSON files only")
    # Worker processes (internal).
    parser.add_argument("--worker", choices=("index", "startup", "latency"), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--questions-file", dest="questions_file", type=Path, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.worker:
        if args.worker == "index":
            out = worker_index(args.home, args.corpus, args.vectors)
        elif args.worker == "startup":
            out = worker_startup(args.home, args.corpus, args.questions_file)
        else:
            out = worker_latency(args.home, args.corpus, args.questions_file)
        args.result.write_text(json.dumps(out), encoding="utf-8")
        return 0

    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "seed": SEED,
        "top_k": TOP_K,
    }
    if args.render:
        results = []
        for path in args.render:
            results += json.loads(path.read_text(encoding="utf-8"))["sizes"]
        results.sort(key=lambda r: r["index"]["chunks"])
        write_outputs(results, {**meta, "merged_from": [str(p) for p in args.render]})
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    started = time.perf_counter()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for size in sizes:
        vectors = args.vectors
        if vectors == "auto":
            vectors = "real" if size <= args.real_embed_max else "cached"
        result, folder = measure_size(
            size,
            vectors,
            args.questions,
            args.startup_runs,
            args.work or Path(tempfile.gettempdir()),
        )
        results.append(result)
        if not args.keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        meta["total_s"] = time.perf_counter() - started
        write_outputs(results, meta, stamp)  # after every size: a stopped run keeps what it has
    return 0


if __name__ == "__main__":
    sys.exit(main())
