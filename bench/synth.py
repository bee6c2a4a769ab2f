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
import hashlib
import json
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The word lists and sentence templates are data: bench/data/synth_words.json.
WORDS_FILE = Path(__file__).parent / "data" / "synth_words.json"
_WORDS: dict[str, list[Any]] = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
FIRST = _WORDS["first"]
LAST = _WORDS["last"]
CITIES = _WORDS["cities"]
ORG_HEAD = _WORDS["org_head"]
ORG_TAIL = _WORDS["org_tail"]
PUBLIC_BODIES = _WORDS["public_bodies"]
PARTIES = _WORDS["parties"]
ROLES = _WORDS["roles"]
POSTS = _WORDS["posts"]
TOPICS = _WORDS["topics"]
MONTHS = _WORDS["months"]
WEEKDAYS = _WORDS["weekdays"]
OUTLETS = _WORDS["outlets"]
QUOTES = _WORDS["quotes"]
BACKGROUND = _WORDS["background"]
TOKENIZER = "minilm-tokenizer.json"  # index.embedding.TOKENIZER_PATH


@dataclass(frozen=True)
class Fact:
    """One question a generated article answers: the expected answer and the article's file."""

    question: str
    answer: str
    source: str
    kind: str


@dataclass(frozen=True)
class Article:
    """One generated article: file name, text and metadata, and the facts it states."""

    name: str
    text: str
    title: str
    outlet: str
    date: str
    facts: tuple[Fact, ...]


def _rng(seed: int, number: int) -> random.Random:
    # A str seed is hashed with sha512 by `random`: stable across runs, platforms and versions.
    return random.Random(f"newsdesk-synth:{seed}:{number}")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _org(rng: random.Random) -> str:
    return f"{rng.choice(ORG_HEAD)} {rng.choice(ORG_TAIL)}"


def _money(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(12, 980)} million euros"
    return f"{rng.randint(1, 9)}.{rng.randint(1, 9)} billion euros"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def article_name(seed: int, number: int) -> str:
    """The file name of article `number` (a sortable number plus a short stable hash)."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()[:12]
    return f"{number:06d}_{digest}.txt"


def generate_article(seed: int, number: int) -> Article:
    """Article `number` of the corpus for `seed` (independent of every other article)."""
    rng = _rng(seed, number)
    name = article_name(seed, number)
    city, country = rng.choice(CITIES)
    topic, issue = rng.choice(TOPICS)
    org = _org(rng)
    person = _person(rng)
    role = rng.choice(ROLES)
    amount = _money(rng)
    jobs = f"{rng.randint(2, 60) * 50:,}"
    year = rng.randint(2024, 2027)
    month = rng.choice(MONTHS)
    start_month = rng.choice(MONTHS)
    weekday = rng.choice(WEEKDAYS)
    outlet = rng.choice(OUTLETS)
    day = rng.randint(1, 28)
    date = f"{year}-{MONTHS.index(month) + 1:02d}-{day:02d}"

    deck: list[str] = []

    def background(n: int) -> str:
        # Templates are dealt from a shuffled deck, so an article repeats none until it has
        # used them all.
        out = []
        for _ in range(n):
            if not deck:
                deck.extend(rng.sample(BACKGROUND, len(BACKGROUND)))
            out.append(fill(deck.pop()))
        return " ".join(out)

    def fill(template: str) -> str:
        city2, _ = rng.choice(CITIES)
        pct = f"{rng.randint(2, 45)}"
        year0 = rng.randint(2008, 2019)
        return template.format(
            topic=topic,
            issue=issue,
            city=city,
            city2=city2,
            country=country,
            org2=_org(rng),
            person2=_person(rng),
            last2=rng.choice(LAST),
            small=rng.randint(2, 9),
            party=rng.choice(PARTIES),
            post=rng.choice(POSTS),
            body=rng.choice(PUBLIC_BODIES),
            body_cap=_cap(rng.choice(PUBLIC_BODIES)),
            money=_money(rng),
            pct=pct,
            pct_small=f"{rng.randint(2, 11)}.{rng.randint(0, 9)}",
            month=rng.choice(MONTHS),
            weekday=rng.choice(WEEKDAYS),
            year0=year0,
            year1=year0 + rng.randint(2, 5),
            count=f"{rng.randint(3, 90) * 1000:,}",
        )

    title = rng.choice(
        [
            f"{org} to spend {amount} on {topic} in {city}",
            f"{city} wins {amount} for {topic} as {org} signs deal",
            f"{person.split()[-1]} defends {topic} plan as critics question costs",
            f"{org} bets on {topic} in {city}",
        ]
    )
    lead = (
        f"{city.upper()}, {month} {day} ({outlet}) - {org} will spend {amount} on {topic} in "
        f"{city}, its {role} {person} said on {weekday}, in a move that could reshape the "
        f"debate over {issue} in {country}."
    )
    quote = rng.choice(QUOTES).format(topic=topic, city=city, month=start_month, issue=issue)
    facts_paragraphs = [
        f"“{quote},” {person} said at a news conference in {city}. "
        + background(rng.randint(1, 3)),
        f"The project is expected to create about {jobs} jobs, according to {org}. "
        + background(rng.randint(1, 2)),
        f"Work on {topic} is due to begin in {start_month} {year + 1}, {person} added. "
        + background(rng.randint(1, 2)),
    ]
    paragraphs = [lead]
    body = facts_paragraphs + [background(rng.randint(2, 4)) for _ in range(rng.randint(6, 16))]
    first, rest = body[0], body[1:]
    rng.shuffle(rest)
    paragraphs += [first, *rest]
    if rng.random() < 0.4:
        second = rng.choice([_person(rng), rng.choice(POSTS).title() + " " + _person(rng)])
        paragraphs.insert(
            rng.randint(2, len(paragraphs)),
            f"“{rng.choice(QUOTES).format(topic=topic, city=city, month=month, issue=issue)},” "
            f"said {second}.",
        )

    lines: list[str] = []
    if rng.random() < 0.3:
        lines += ["NEWS", "NEWS", ""]
    lines += [title, ""]
    if rng.random() < 0.4:
        lines += ["Updated", ""]
    if rng.random() < 0.3:
        lines += [f"https://cdn.example-news.net/images/{number}/{rng.randint(1000, 9999)}.jpg", ""]
    if rng.random() < 0.5:
        lines += [f"By {_person(rng)}", ""]
    for i, paragraph in enumerate(paragraphs):
        lines += [paragraph, ""]
        if i and rng.random() < 0.08:
            lines += [rng.choice(["Advertisement", "Share this", "Continue reading"]), ""]
    lines += ["Source link", ""]
    lines += rng.choice(
        [["Leave a Reply"], ["Leave a Comment"], ["Leave a Reply", "", "Cancel reply"]]
    )
    text = "\n".join(lines) + "\n"

    facts = (
        Fact(f"How much is {org} going to invest in {topic} in {city}?", amount, name, "amount"),
        Fact(f"Who announced the {topic} spending by {org} in {city}?", person, name, "person"),
        Fact(
            f"How many jobs should the {org} {topic} project in {city} bring?", jobs, name, "jobs"
        ),
        Fact(
            f"When will {org} start work on {topic} in {city}?",
            f"{start_month} {year + 1}",
            name,
            "date",
        ),
    )
    return Article(name, text, title, outlet, date, facts)


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
