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
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import disk_bytes
from bench.scale_report import ROOT, write_outputs
from bench.scale_workers import SEED, TOP_K, log, worker_index, worker_latency, worker_startup

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
