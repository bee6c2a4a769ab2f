"""The articles of the synthetic news corpus: each generated from its own seeded
`random.Random` out of the word lists and templates in bench/data/synth_words.json, with the
facts it states (see bench/synth.py)."""

from __future__ import annotations

import hashlib
import json
import random
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
