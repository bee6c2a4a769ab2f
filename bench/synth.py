"""A deterministic synthetic news corpus, sized by the number of chunks the project makes of it.

    python -m bench.synth --chunks 10000 --out DIR --seed 1

Each article is generated from its own `random.Random` seeded with (seed, article number), so the
same seed always gives the same bytes, and a smaller corpus is a prefix of a larger one. Articles
look like the shipped corpus: optional page chrome ("NEWS", "Updated", an image URL), a headline
line, a dateline, one paragraph a line made of templated sentences about generated people,
places, organisations, amounts and dates, quotes ("..., X said."), and scraper boilerplate at the
end ("Source link", "Leave a Reply"). Every article states a few facts (an amount, who announced
it, a job count, a start date) that `questions()` turns into paraphrased questions with the
article they come from, for retrieval benchmarks.

The number of articles for a target chunk count is calibrated empirically: the first articles are
chunked with the project's own chunker and MiniLM token counter (index.chunking, 200 tokens), and
the corpus gets target / (chunks per article) articles.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from bench.synth_articles import Article, Fact, generate_article

TOKENIZER = "minilm-tokenizer.json"  # index.embedding.TOKENIZER_PATH


@functools.cache
def token_counter() -> Callable[[str], int]:
    """MiniLM word-piece counts as index.embedding.MiniLMEmbedding.count_tokens gives them (same
    tokenizer file, truncation at its max_length of 256, padding to the longest), without
    importing llama-index or loading the ONNX model."""
    from tokenizers import Tokenizer

    import index

    tokenizer = Tokenizer.from_file(str(Path(index.__file__).parent / "assets" / TOKENIZER))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def count_chunks(articles: list[Article], max_tokens: int = 200) -> int:
    """Chunks the project's chunker makes of `articles` (index.chunking.chunk_article)."""
    from index.chunking import chunk_article
    from index.loading import Article as LoadedArticle

    count = token_counter()
    return sum(
        len(chunk_article(LoadedArticle(a.name, a.text, a.title), max_tokens, count))
        for a in articles
    )


def articles_for_chunks(
    chunks: int, seed: int, max_tokens: int = 200, sample: int = 200
) -> tuple[int, float]:
    """(articles needed for about `chunks` chunks, measured chunks per article), calibrated on
    the first `sample` articles of the corpus."""
    sample = max(1, min(sample, chunks))
    per_article = count_chunks([generate_article(seed, i) for i in range(sample)], max_tokens)
    ratio = per_article / sample
    return max(1, math.ceil(chunks / ratio)), ratio


def write_corpus(out: Path, articles: int, seed: int) -> list[Path]:
    """Write articles 0..articles-1 as UTF-8 .txt files plus metadata.json into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    metadata = {}
    paths = []
    for number in range(articles):
        article = generate_article(seed, number)
        path = out / article.name
        path.write_bytes(article.text.encode("utf-8"))
        paths.append(path)
        metadata[article.name] = {
            "title": article.title,
            "outlet": article.outlet,
            "date": article.date,
            "url": f"https://example-news.net/{seed}/{article.name[:-4]}",
        }
    (out / "metadata.json").write_text(json.dumps(metadata, indent=1), encoding="utf-8")
    return paths


def questions(seed: int, articles: int, count: int = 100) -> list[Fact]:
    """`count` questions about articles spread over the corpus (deterministic for a seed)."""
    rng = random.Random(f"newsdesk-synth-questions:{seed}:{articles}")
    numbers = [rng.randrange(articles) for _ in range(count)]
    return [rng.choice(generate_article(seed, n).facts) for n in numbers]


def main(argv: list[str] | None = None) -> int:
    """CLI: write a corpus of about --chunks chunks into --out."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, required=True, help="target number of chunks")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk-tokens", type=int, default=200, help="chunk size to calibrate")
    args = parser.parse_args(argv)
    n, ratio = articles_for_chunks(args.chunks, args.seed, args.chunk_tokens)
    write_corpus(args.out, n, args.seed)
    print(
        f"Wrote {n} articles to {args.out} ({ratio:.2f} chunks per article measured on the "
        f"first {min(200, args.chunks)}: about {round(n * ratio)} chunks)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
