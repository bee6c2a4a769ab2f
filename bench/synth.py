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

FIRST = [
    "Anna",
    "Marco",
    "Elena",
    "Tomasz",
    "Sofia",
    "Daniel",
    "Amira",
    "Lukas",
    "Chloe",
    "Viktor",
    "Ines",
    "Hugo",
    "Maria",
    "Pavel",
    "Laura",
    "Omar",
    "Julia",
    "Andrei",
    "Clara",
    "Mateo",
    "Helena",
    "Jonas",
    "Irina",
    "Felix",
    "Nadia",
    "Rafael",
    "Olga",
    "Stefan",
    "Lena",
    "Diego",
    "Ewa",
    "Samuel",
    "Yara",
    "Henrik",
    "Alina",
    "Bruno",
    "Katarzyna",
    "Nikolai",
    "Marta",
    "Pierre",
    "Zeynep",
    "Ivan",
    "Greta",
    "José",
    "Łukasz",
    "Noor",
    "Emil",
    "Dalia",
    "Oskar",
    "Beatriz",
    "Kenji",
    "Aisha",
    "Tobias",
    "Mirela",
    "Karim",
    "Sanne",
    "Radu",
    "Lucía",
    "Aleksander",
]
LAST = [
    "Kowalski",
    "Moreau",
    "Petrov",
    "Lindqvist",
    "Haddad",
    "Novak",
    "Rossi",
    "Schneider",
    "Ionescu",
    "Varga",
    "Costa",
    "Brennan",
    "Okafor",
    "Yilmaz",
    "Horvat",
    "Dubois",
    "Kaminski",
    "Fischer",
    "Marin",
    "Sokolova",
    "Nilsen",
    "Ferreira",
    "Weber",
    "Popescu",
    "Jansen",
    "Castillo",
    "Mazur",
    "Albrecht",
    "Demir",
    "Kovac",
    "Laurent",
    "Berg",
    "Ortega",
    "Wójcik",
    "Müller",
    "Andersen",
    "Sato",
    "Hoffmann",
    "Rahman",
    "Dumitru",
    "Santos",
    "Lehmann",
    "Nowak",
    "Bianchi",
    "Eriksen",
    "Vasquez",
    "Kraus",
    "Romero",
    "Olsen",
    "Pavlov",
    "Marchetti",
    "Blanco",
    "Keller",
    "Tanaka",
    "Zielinski",
    "Gallo",
    "Hansen",
    "Meyer",
    "Lungu",
    "Ramos",
]
CITIES = [
    ("Lyon", "France"),
    ("Gdansk", "Poland"),
    ("Porto", "Portugal"),
    ("Graz", "Austria"),
    ("Cluj", "Romania"),
    ("Tampere", "Finland"),
    ("Bilbao", "Spain"),
    ("Leipzig", "Germany"),
    ("Bari", "Italy"),
    ("Aarhus", "Denmark"),
    ("Brno", "Czech Republic"),
    ("Ghent", "Belgium"),
    ("Malmo", "Sweden"),
    ("Kaunas", "Lithuania"),
    ("Split", "Croatia"),
    ("Thessaloniki", "Greece"),
    ("Izmir", "Turkey"),
    ("Odesa", "Ukraine"),
    ("Tartu", "Estonia"),
    ("Cork", "Ireland"),
    ("Bergen", "Norway"),
    ("Utrecht", "the Netherlands"),
    ("Kosice", "Slovakia"),
    ("Plovdiv", "Bulgaria"),
    ("Debrecen", "Hungary"),
    ("Ljubljana", "Slovenia"),
    ("Riga", "Latvia"),
    ("Nantes", "France"),
    ("Valencia", "Spain"),
    ("Turin", "Italy"),
    ("Hamburg", "Germany"),
    ("Krakow", "Poland"),
    ("Glasgow", "Scotland"),
    ("Leeds", "England"),
    ("Basel", "Switzerland"),
    ("Salzburg", "Austria"),
    ("Iasi", "Romania"),
    ("Wroclaw", "Poland"),
    ("Seville", "Spain"),
    ("Genoa", "Italy"),
]
ORG_HEAD = [
    "Northbridge",
    "Altavia",
    "Meridian",
    "Baltica",
    "Corvus",
    "Helvion",
    "Danube",
    "Solstice",
    "Arcadia",
    "Vantor",
    "Kestrel",
    "Orion",
    "Lumora",
    "Brightwater",
    "Falkner",
    "Ostrava",
    "Silverline",
    "Tidewell",
    "Granite",
    "Westmark",
    "Pallas",
    "Aurora",
    "Redcliff",
    "Nordhavn",
    "Castellan",
    "Ironwood",
    "Seabright",
    "Halcyon",
    "Vireo",
    "Tessaro",
]
ORG_TAIL = [
    "Energy",
    "Logistics",
    "Rail",
    "Holdings",
    "Telecom",
    "Water",
    "Steel",
    "Shipping",
    "Capital",
    "Foods",
    "Pharma",
    "Motors",
    "Airways",
    "Construction",
    "Insurance",
    "Grid",
    "Chemicals",
    "Mining",
]
PUBLIC_BODIES = [
    "the regional council",
    "the transport ministry",
    "the interior ministry",
    "the finance ministry",
    "the European Commission",
    "the city council",
    "the national audit office",
    "the energy regulator",
    "the health ministry",
    "the port authority",
    "the central bank",
    "the competition authority",
]
PARTIES = [
    "the Social Democrats",
    "the Greens",
    "the Liberal Party",
    "the Conservative Union",
    "the Farmers' Alliance",
    "the Civic Platform",
    "the People's Movement",
]
ROLES = [
    "chief executive",
    "finance director",
    "spokeswoman",
    "spokesman",
    "chairman",
    "head of operations",
    "managing director",
    "head of strategy",
]
POSTS = [
    "deputy mayor",
    "regional governor",
    "economy minister",
    "transport minister",
    "opposition leader",
    "union representative",
    "senior economist",
    "council member",
]
TOPICS = [
    ("flood defences", "flooding"),
    ("a new tram line", "public transport"),
    ("offshore wind farms", "renewable energy"),
    ("hospital staffing", "health care"),
    ("port expansion", "shipping"),
    ("grain storage", "food exports"),
    ("a battery factory", "electric cars"),
    ("rail electrification", "rail transport"),
    ("social housing", "housing costs"),
    ("school repairs", "education"),
    ("a desalination plant", "water shortages"),
    ("broadband coverage", "rural internet access"),
    ("district heating", "energy prices"),
    ("airport modernisation", "air travel"),
    ("bridge repairs", "road safety"),
    ("a steel plant upgrade", "industrial emissions"),
    ("cyber security", "online attacks"),
    ("solar panels on public buildings", "electricity bills"),
    ("a cancer research centre", "medical research"),
    ("forest restoration", "wildfires"),
    ("a new metro depot", "commuter traffic"),
    ("water pipes", "leaking networks"),
    ("a data centre", "digital services"),
    ("coastal erosion barriers", "rising sea levels"),
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TOKENIZER = "minilm-tokenizer.json"  # index.embedding.TOKENIZER_PATH
OUTLETS = [
    "Newsdesk Wire",
    "The Continental",
    "Harbour Post",
    "Daily Ledger",
    "Eastern Herald",
    "Morning Courier",
    "Regional Observer",
]
QUOTES = [
    "We cannot afford to wait another year on {topic}",
    "This is the largest investment the region has seen in a decade",
    "People in {city} have been asking for this for a long time",
    "The numbers simply do not add up",
    "We will publish every contract so that taxpayers can see where the money goes",
    "Nobody should be surprised that costs have risen",
    "It is a good first step, but it is not enough",
    "Our priority is to finish on time and on budget",
    "We have learned from the mistakes of the past",
    "The decision was taken after months of consultation with residents",
    "I expect the first results to be visible by {month}",
    "There is still a lot of uncertainty about {issue}",
]
BACKGROUND = [
    "The plan comes after a year in which {issue} dominated local politics in {city}, where "
    "{party} lost {small} seats at the last election.",
    "{org2} reported a net profit of {money} for the last quarter, up {pct} percent "
    "from a year earlier.",
    "Critics, including {person2} of {party}, said the plan ignored the cost of {issue} "
    "for families in {city2}.",
    "Officials in {city2} have been following the debate closely since {month}, when a "
    "similar proposal was rejected by {body}.",
    "According to figures from {body}, spending on {issue} fell by {pct} percent "
    "between {year0} and {year1}.",
    "{person2}, a {post} in {city2}, told reporters that the timetable was unrealistic "
    "and that {count} households could be affected.",
    "A similar project in {city2} ran {pct} percent over budget and was finished "
    "{small} years late, an audit published in {month} found.",
    "The announcement was welcomed by {party}, which has campaigned on {issue} since {year0}.",
    "{body_cap} is expected to publish a review of the project in {month}, {person2} said.",
    "Shares in {org2} rose {pct} percent in early trading on {weekday} after the news.",
    "Residents of {city} will be able to comment on the plans at {small} public meetings "
    "before the end of {month}.",
    "The government in {country} has promised to match every euro raised locally "
    "for {issue} until {year1}.",
    "{person2} said in a statement that {org2} would bid for part of the work worth {money}.",
    "Some {count} people signed a petition in {year1} calling for action on {issue} in {city2}.",
    "The last comparable investment, in {year0}, was cancelled after a change of government "
    "in {country}.",
    "Analysts at {org2} estimate that {city2} needs {money} a year to keep up with demand.",
    "Talks between {body} and the unions are due to resume on {weekday}, according to {person2}.",
    "The opposition has asked {body} to explain why the tender for {issue} was not "
    "published before {month}.",
    "Unemployment in {country} stood at {pct_small} percent in {month}, according to "
    "the statistics office.",
    "Engineers warned in a report last {month} that {issue} would get worse in {city2} "
    "without new investment.",
    "{person2}, who chairs the budget committee, said the money would come from "
    "{year1} funds already set aside by {body}.",
    "Local businesses in {city} have complained to {person2} about delays caused by {issue}.",
    "The European Investment Bank is reported to be considering a loan of {money} to {org2}.",
    "Neither {org2} nor {body} would comment on the size of the contracts signed in {month}.",
    "About {count} protesters gathered outside the town hall in {city2} on {weekday} evening.",
    "Inflation in {country} slowed to {pct_small} percent in {month}, easing pressure "
    "on public budgets.",
    "Mr. {last2}, who ran {org2} until {year0}, has called the plan a gamble with "
    "{money} of public money.",
    "Investors from the U.S. and Japan hold about {pct} percent of {org2}, according "
    "to its annual report for {year0}.",
    "{org2} lost a similar contract in {city2} in {year1} after a dispute with {body}.",
    "The cost of {issue} in {country} has doubled since {year0}, a study by the "
    "University of {city2} found.",
    "Dr. {last2} of the University of {city2} said that {issue} was a problem {small} "
    "regions had ignored for too long.",
    "{body_cap} approved a first payment of {money} on {weekday}, {person2} confirmed.",
    "Police said {small} people were detained after a demonstration against the plan "
    "in {city2} in {month}.",
    "A poll by {org2} found that {pct} percent of residents in {city} support the project.",
    "{person2} of {party} called for a public inquiry into {issue} in {city2}.",
    "The contract includes penalties of up to {money} if the work in {city} is late, "
    "{person2} said.",
    "{party} said it would vote against the budget in {month} unless {body} cut the "
    "cost of {issue}.",
    "The {city2} plant of {org2} was closed for {small} weeks in {year1} after a fire.",
    "Construction prices in {country} rose {pct_small} percent in the year to {month}, "
    "data from {body} showed.",
    "{person2}, a {post}, said on social media that the decision was taken "
    "without consulting {city2}.",
]


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
