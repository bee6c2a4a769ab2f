"""Filtered against unfiltered retrieval latency at about 10k chunks, per filter kind and mode.

Run from the project root (builds its index in a temporary folder unless --home names one):

    .venv/bin/python -m bench.filter_bench [--chunks 10000] [--questions 100] [--home DIR]

bench/synth.py writes a deterministic (seed 1) news-like corpus with outlets and dates; the
unchanged Engine.index() indexes it (chunks, sentences, BM25). Vectors are STAND-INS
(bench.scale_embedding.cached_embedding: each distinct word embedded once by the real MiniLM model,
sentences and chunks as means), so Chroma's HNSW and metadata filtering, BM25 and the fusion run
at real size while indexing takes minutes, not an hour; hit rates say nothing about quality.

Each synthetic question is retrieved (top 5, query vector computed once, outside the timing) with
no filter and with each filter kind, built around the article the question is about:
source (that article), sources (it and 19 others), outlet (its outlet), month (since/until its
month), outlet+month, and since (a date that keeps about half of the corpus). Calls are
interleaved, warm-up first. It prints p50/p95 in ms, the share of chunks each filter keeps, and
the mean number of passages returned (5 means a filtered question still got its top-k).
"""

from __future__ import annotations

import argparse
import calendar
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import synth
from bench.common import percentile as pct
from bench.scale_embedding import cached_embedding
from index.embedding import MiniLMEmbedding
from rag.config import Settings
from rag.engine import Engine
from rag.filters import Filters
from rag.prefilter import filter_mask
from rag.retrieval import MODES, HybridRetriever

SEED = 1


def build(home: Path, chunks: int) -> tuple[Engine, list[synth.Article]]:
    """An engine over a synthetic corpus of about `chunks` chunks (indexed when not yet)."""
    corpus = home / "corpus"
    count, _ = synth.articles_for_chunks(chunks, SEED)
    articles = [synth.generate_article(SEED, n) for n in range(count)]
    if not corpus.exists():
        synth.write_corpus(corpus, count, SEED)
    engine = Engine(
        Settings(home=home / "rag", corpus=corpus),
        embed_model=cached_embedding(MiniLMEmbedding(embed_batch_size=32)),
    )
    started = time.perf_counter()
    report = engine.index(progress=False)
    print(f"{report.summary()} (wall {time.perf_counter() - started:.0f} s)")
    return engine, articles


def filter_kinds(fact: synth.Fact, by_name: dict[str, synth.Article], half: str) -> dict:
    """{kind: Filters or None} around the article a question is about."""
    article = by_name[fact.source]
    rng = random.Random(fact.question)
    others = rng.sample(sorted(by_name), 19)
    year, month = int(article.date[:4]), int(article.date[5:7])
    first = f"{year}-{month:02d}-01"
    last = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return {
        "none": None,
        "source": Filters(sources=(fact.source,)),
        "sources (20)": Filters(sources=(fact.source, *others)),
        "outlet": Filters(outlets=(article.outlet,)),
        "month": Filters(since=first, until=last),
        "outlet+month": Filters(outlets=(article.outlet,), since=first, until=last),
        "since (half)": Filters(since=half),
    }


def kept_share(engine: Engine, filters: Filters | None) -> float:
    """Share of the corpus' chunks that pass `filters`."""
    if filters is None:
        return 1.0
    return float(filter_mask(engine.keyword(), filters).mean())


def measure(engine: Engine, facts: list[synth.Fact], articles: list[synth.Article]) -> list:
    """Rows of (mode, kind, p50 ms, p95 ms, kept share, mean passages returned)."""
    by_name = {a.name: a for a in articles}
    half = sorted(a.date for a in articles)[len(articles) // 2]
    keyword = engine.keyword()
    retrievers = {
        m: HybridRetriever(engine.collection, engine.sentences, engine.embed_model, keyword, m)
        for m in MODES
    }
    vectors = engine.embed_model.embed([f.question for f in facts])
    cases = [(f, v, filter_kinds(f, by_name, half)) for f, v in zip(facts, vectors, strict=True)]
    ms: dict[tuple[str, str], list[float]] = {}
    got: dict[tuple[str, str], list[int]] = {}
    share: dict[str, list[float]] = {}
    for fact, vector, kinds in cases[:5]:  # warm-up: HNSW pages, BM25 arrays, sqlite cache
        for retriever in retrievers.values():
            for filters in kinds.values():
                retriever.retrieve(fact.question, 5, vector, filters)
    for fact, vector, kinds in cases:
        for kind, filters in kinds.items():
            share.setdefault(kind, []).append(kept_share(engine, filters))
            for mode, retriever in retrievers.items():
                t = time.perf_counter()
                passages = retriever.retrieve(fact.question, 5, vector, filters)
                ms.setdefault((mode, kind), []).append((time.perf_counter() - t) * 1000)
                got.setdefault((mode, kind), []).append(len(passages))
    return [
        (mode, kind, pct(v, 50), pct(v, 95), sum(share[kind]) / len(share[kind]),
         sum(got[mode, kind]) / len(got[mode, kind]))
        for (mode, kind), v in ms.items()
    ]  # fmt: skip


def table(rows: list[Any], chunks: int) -> str:
    """Markdown: one line per filter kind, p50/p95 per mode."""
    kinds = list(dict.fromkeys(r[1] for r in rows))
    cell = {(r[0], r[1]): r for r in rows}
    head = "| filter | chunks kept | " + " | ".join(f"{m} p50 / p95 ms" for m in MODES)
    lines = [head + " | passages returned |", "|" + "---|" * (len(MODES) + 3)]
    for kind in kinds:
        times = " | ".join(f"{cell[m, kind][2]:.1f} / {cell[m, kind][3]:.1f}" for m in MODES)
        returned = min(cell[m, kind][5] for m in MODES)
        kept = cell[MODES[0], kind][4]
        lines.append(f"| {kind} | {kept * chunks:,.0f} ({kept:.1%}) | {times} | {returned:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the index, time every filter kind in every mode, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=10000, help="corpus size in chunks")
    parser.add_argument("--questions", type=int, default=100, help="questions per filter kind")
    parser.add_argument("--home", type=Path, help="folder to build in or reuse (default: temp)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        engine, articles = build(args.home or Path(tmp), args.chunks)
        chunks = engine.collection.count()
        facts = synth.questions(SEED, len(articles), args.questions)
        rows = measure(engine, facts, articles)
    print(f"\n{chunks:,} chunks, {len(articles):,} articles, {len(facts)} questions, top 5, ")
    print("stand-in vectors (see the module doc); command: python -m bench.filter_bench\n")
    print(table(rows, chunks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
