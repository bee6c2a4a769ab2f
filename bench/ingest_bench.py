"""Ingestion throughput for synthetic HTML news pages: pages/s, and where the time goes
(extraction vs embedding vs the rest: chunking, Chroma and BM25 writes). A script, not a test.

Reproduce: `.venv/bin/python bench/ingest_bench.py [--pages 1000]` (throw-away temp folders).
Pages are bench/synth.py articles in the page template bench/data/news_page.html (nav, cookie
banner, ad, share bar, newsletter box, related list, comments, footer around the article).
- extraction: index.loading.load_folder on the pages with an empty text store (trafilatura,
  metadata, line cleaning, text store writes); "extraction, stored" is the same call again,
  when every text comes from the store.
- embedding: time spent inside embed_model.embed (MiniLM, batch 32 as Engine builds it) during
  index.pipeline.update_index, measured by passing update_index a timing wrapper of the model.
- rest: update_index's remaining time (chunking, Chroma writes, BM25 build).
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402
from index.loading import load_folder  # noqa: E402

TEMPLATE = (ROOT / "bench" / "data" / "news_page.html").read_text(encoding="utf-8")


class TimedEmbedding:
    """The embedding model, with the seconds spent in embed() added up."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.seconds = 0.0
        self.texts = 0

    def embed(self, texts: list[str]) -> Any:
        started = time.perf_counter()
        try:
            return self.model.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


def write_pages(folder: Path, count: int, seed: int = 7) -> int:
    """`count` synthetic pages; returns their total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(count):
        article = synth.generate_article(seed, number)
        paragraphs = "\n".join(
            f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip()
        )
        slug = article.name.removesuffix(".txt")
        page = TEMPLATE.format(
            title=html.escape(article.title),
            outlet=html.escape(article.outlet),
            date=article.date,
            slug=slug,
            paragraphs=paragraphs,
        )
        data = page.encode("utf-8")
        (folder / f"{slug}.html").write_bytes(data)
        total += len(data)
    return total


def run(pages: int, index_pages: int) -> dict[str, float]:
    """Time one cold extraction of `pages` pages and the indexing of the first `index_pages`."""
    from index.pipeline import update_index
    from rag.config import Settings
    from rag.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = write_pages(root / "corpus", pages)
        engine = Engine(Settings(home=root / "home", corpus=root / "corpus"))
        texts = engine.settings.texts_path
        started = time.perf_counter()
        articles = load_folder(root / "corpus", texts_dir=texts)
        extract = time.perf_counter() - started
        started = time.perf_counter()
        load_folder(root / "corpus", texts_dir=texts)
        stored = time.perf_counter() - started
        model = TimedEmbedding(engine.embed_model)
        model.embed(["warm up"])
        model.seconds, model.texts = 0.0, 0
        started = time.perf_counter()
        report = update_index(
            articles[:index_pages],
            engine.collection,
            engine.sentences,
            model,
            engine.settings.keyword_path,
            engine.settings.chunk_tokens,
            progress=False,
        )
        index = time.perf_counter() - started
    return {
        "pages": pages,
        "indexed": min(index_pages, len(articles)),
        "articles": len(articles),
        "mb": size / 1e6,
        "chunks": report.chunks,
        "embedded": model.texts,
        "extract": extract,
        "stored": stored,
        "embed": model.seconds,
        "rest": index - model.seconds,
        "index": index,
    }


def main() -> None:
    """Print the figures as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="pages extracted")
    parser.add_argument(
        "--index-pages", type=int, help="pages indexed (default: all; fewer on a busy machine)"
    )
    args = parser.parse_args()
    r = run(args.pages, args.index_pages or args.pages)
    n, k = r["pages"], r["indexed"]
    print(
        f"{n} pages ({r['mb']:.1f} MB HTML) -> {r['articles']} articles; the first {k} indexed: "
        f"{r['chunks']} chunks, {r['embedded']} texts embedded (chunks + sentences)\n"
    )
    print("| stage | pages | seconds | pages/s |\n|---|---:|---:|---:|")
    rows = [
        ("extraction (empty text store)", n, r["extract"]),
        ("extraction again (stored texts)", n, r["stored"]),
        ("embedding (MiniLM)", k, r["embed"]),
        ("rest of indexing (chunking, Chroma, BM25)", k, r["rest"]),
        ("extraction + indexing", k, r["extract"] * k / n + r["index"]),
    ]
    for label, count, seconds in rows:
        print(f"| {label} | {count} | {seconds:.2f} | {count / seconds:.1f} |")
    print(
        f"\nReproduce: .venv/bin/python bench/ingest_bench.py --pages {n} --index-pages {k} "
        "(the last row counts extraction pro rata)"
    )


if __name__ == "__main__":
    main()
