"""Gather evidence: choose what the generator is shown from the retrieved passages.

What this step leaves out cannot be answered, so it is measured on its own (`rag eval` reports
evidence coverage next to passage coverage). Each sentence is scored in its context (its own
similarity and question-word overlap, its neighbours', its passage's rank; a rare name of the
question helps choose but is no part of the score); the best ones are taken as contiguous
blocks under a word budget, every relevant article first gets its best block, and the prompt
shows the blocks grouped by article under a one-line header (title, outlet, date). Every
evidence item is one verbatim sentence with exact offsets, so a citation to it is already the
tightest quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import chromadb
import numpy as np

from index.chunking import line_span, open_quote
from index.cleaning import is_photo_caption
from index.keyword import tokenize
from rag.answer_type import CALENDAR_WORDS, NUMBER_WORDS, vocab
from rag.config import EvidenceSettings
from rag.injection import addresses_the_model
from rag.rare_names import name_groups, names_held, rare_in
from rag.report_cues import spans_reports
from rag.types import Citation, Passage

SHORT_SENTENCE_WORDS = 8  # a shorter sentence is quoted together with the one before it

# Questions that ask for a number, a date, a time or a duration, and sentences that hold one:
# the answer to "How long did they wait?" is the sentence with "Eight hours later", which
# shares almost no word with the question.
_ASKS_NUMBER = re.compile(
    r"\b(when|what (date|day|year|month|time)|which (date|day|year|month)|how (long|many|much|"
    r"far|old|often|soon|deep|wide|tall|heavy)|what (percentage|share|number|age)|by how)\b",
    re.IGNORECASE,
)
_DURATION_WORDS = vocab(
    "minute minutes hour hours day days week weeks month months year years decade decades "
    "century centuries"
)
_HOLDS_NUMBER = re.compile(
    r"\d|\b("
    + "|".join(sorted(NUMBER_WORDS | CALENDAR_WORDS | _DURATION_WORDS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


# "How long ...?" is answered by a duration ("Eight hours later", "a 30-day ceasefire") or a
# length ("the 1,000-kilometer front line"): such a sentence gets the number bonus twice.
_ASKS_DURATION = re.compile(r"\bhow long\b|\bfor how many\b", re.IGNORECASE)
_LENGTH_WORDS = vocab(
    "kilometer kilometers kilometre kilometres km mile miles meter meters metre metres"
)
_NUMBER = (
    r"\b(?:\d+(?:[.,]\d+)*|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r"|a|an|several|few)"
)
_HOLDS_DURATION = re.compile(
    _NUMBER
    + r"[\s-]+(?:"
    + "|".join(sorted(_DURATION_WORDS | _LENGTH_WORDS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Evidence:
    """One numbered evidence sentence: `article_text(source)[start:end] == text`."""

    number: int
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    vector: np.ndarray
    outlet: str = ""
    date: str = ""
    url: str = ""
    also_in: tuple[dict[str, str], ...] = ()
    relevance: float = 0.0  # topical match alone (cosine + word overlap): the refusal gate's

    def citation(self, marker: int, support: float | None = None) -> Citation:
        """This sentence as the Citation numbered `marker` (its quote is the sentence)."""
        return Citation(
            marker, self.source, self.title, self.text, self.start, self.end,
            outlet=self.outlet, date=self.date, url=self.url, support=support,
            also_in=self.also_in,
        )  # fmt: skip

    def passage(self) -> Passage:
        """This sentence as a Passage (Answer.evidence: what the model was shown)."""
        return Passage(
            self.source, self.title, self.text, self.score, self.start, self.end,
            outlet=self.outlet, date=self.date, url=self.url,
        )  # fmt: skip

    def label(self) -> str:
        """How the prompt shows it: its number and its text on one line."""
        return f"[{self.number}] {' '.join(self.text.split())}"

    def header(self) -> str:
        """The line shown above this article's evidence: its outlet and date ("" when neither is
        known: a header without them cost prompt tokens and the 1.5B model then wrote its
        answers without markers, measured on the eval questions)."""
        parts = [p for p in (self.outlet, self.date) if p]
        return f"(Article from {', '.join(parts)})" if parts else ""


def lexical_overlap(query: str, text: str) -> float:
    """Share of the query's content words (stemmed) that occur in `text`."""
    wanted = set(tokenize(query))
    if not wanted:
        return 0.0
    return len(wanted & set(tokenize(text))) / len(wanted)


def sentence_rows(sentences: chromadb.Collection, passages: list[Passage]) -> list[dict]:
    """The stored sentences of the passages, with their vectors, in passage then file order."""
    if not passages:
        return []
    got = sentences.get(
        where={"chunk_id": {"$in": [p.id for p in passages]}},
        include=["documents", "metadatas", "embeddings"],
    )
    rank = {p.id: r for r, p in enumerate(passages)}
    rows = [
        {
            "passage": passages[rank[meta["chunk_id"]]],
            "text": doc,
            "start": int(meta["start"]),
            "end": int(meta["end"]),
            "vector": np.asarray(vec, dtype=np.float32),
            "rank": rank[meta["chunk_id"]],
            "quote": (int(meta.get("quote_start", -1)), int(meta.get("quote_end", -1))),
        }
        for doc, meta, vec in zip(
            got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    ]
    for row in rows:
        row["caption"] = is_photo_caption(_line_of(row))
    rows.sort(key=lambda r: (r["rank"], r["start"]))
    for previous, row in zip([None, *rows], rows, strict=False):
        _extend_short(previous, row)
    for row in rows:
        _extend_to_quotation(row)
    return rows


def _line_of(row: dict) -> str:
    """The line of the sentence's passage that the sentence starts in."""
    passage = row["passage"]
    at = max(0, row["start"] - passage.start)
    start, end = line_span(passage.text, at, at)
    return passage.text[start:end]


def _extend_short(previous: dict | None, row: dict) -> None:
    # A very short sentence ("The guard says.") means little alone: quote it together with the
    # sentence before it when both sit in the same paragraph of the same passage.
    if previous is None or previous["passage"] is not row["passage"]:
        return
    if len(row["text"].split()) >= SHORT_SENTENCE_WORDS:
        return
    passage = row["passage"]
    between = passage.text[previous["end"] - passage.start : row["start"] - passage.start]
    if "\n" in between:
        return
    row["text"] = passage.text[previous["start"] - passage.start : row["end"] - passage.start]
    row["start"] = previous["start"]


def _extend_to_quotation(row: dict) -> None:
    # A sentence of a short quotation of several sentences is shown and quoted as the whole
    # quotation, its speaker included (index.chunking.statements); its vector stays its own.
    # The same text shown twice is dropped in choose_evidence. It is scored on its own words
    # and costs the word budget those: scored and counted whole, quotations crowded out other
    # sentences that held the answer (2 of 93 eval questions).
    start, end = row["quote"]
    passage = row["passage"]
    if start < 0 or start < passage.start or end > passage.end:
        return
    start, end = min(start, row["start"]), max(end, row["end"])
    row["own"] = row["text"]
    row["text"] = passage.text[start - passage.start : end - passage.start]
    row["start"], row["end"] = start, end


def _own(row: dict) -> str:
    """The row's text before it was extended to its quotation: what it is scored and costed on."""
    return row.get("own", row["text"])


def relevance(question: str, query_vector: np.ndarray, row: dict, cfg: EvidenceSettings) -> float:
    """How much a sentence is about the question: cosine plus word overlap, without the rank,
    context and answer-type terms that only order sentences (a refusal is decided on this)."""
    overlap = lexical_overlap(question, _own(row))
    return float(np.dot(query_vector, row["vector"])) + cfg.lexical_weight * overlap


def score_rows(
    question: str, query_vector: np.ndarray, rows: list[dict], cfg: EvidenceSettings
) -> np.ndarray:
    """Each sentence's score in context: its own (cosine + word overlap - passage rank), plus a
    share of its best neighbour's own score (same passage), so a sentence that sits in a
    relevant paragraph outranks a lookalike in an unrelated one."""
    wants_number = bool(_ASKS_NUMBER.search(question))
    wants_duration = bool(_ASKS_DURATION.search(question))
    own = np.array(
        [
            float(np.dot(query_vector, r["vector"]))
            + cfg.lexical_weight * lexical_overlap(question, _own(r))
            - cfg.rank_weight * r["rank"]
            + (cfg.answer_type_weight if wants_number and _HOLDS_NUMBER.search(r["text"]) else 0)
            + (
                cfg.answer_type_weight
                if wants_duration and _HOLDS_DURATION.search(r["text"])
                else 0
            )
            for r in rows
        ]
    )
    context = np.zeros(len(rows))
    for i, row in enumerate(rows):
        near = [
            own[j]
            for j in (i - 1, i + 1)
            if 0 <= j < len(rows) and rows[j]["passage"] is row["passage"]
        ]
        context[i] = max(near) if near else 0.0
    return own + cfg.context_weight * context


def name_bonus(question: str, rows: list[dict], cfg: EvidenceSettings) -> np.ndarray:
    """`rare_name_weight` for each sentence holding a name of the question that at most a third
    of the retrieved passages hold (rag/rare_names.py), 0 for the others. It helps choose the
    evidence, and is not part of a sentence's score: the `none` backend quotes the best-scored
    sentences, and a sentence naming the subject is seldom the answer ("... Lesia Zaburanna,
    a member of the Ukrainian parliament, wrote" for how she described Putin). Nothing for a
    number question, led by the answer-type bonus: a sentence that names the subject without
    the number ("approved a plant on the Alcântara docks") would outrank the one with it."""
    groups = name_groups(question) if cfg.rare_name_weight else []
    if not groups or _ASKS_NUMBER.search(question):
        return np.zeros(len(rows))
    passages = [
        set(tokenize(p.text)) for p in {id(r["passage"]): r["passage"] for r in rows}.values()
    ]
    rare = rare_in([t for group in groups for t in group], passages)
    if not rare:
        return np.zeros(len(rows))
    seen = set().union(*passages)
    held = [names_held(groups, rare, set(tokenize(_own(r))), seen) for r in rows]
    return np.array([cfg.rare_name_weight if h else 0.0 for h in held])


def eligible(row: dict, cfg: EvidenceSettings) -> bool:
    """Long enough, no instruction to the model, and not in an image caption."""
    return (
        len(row["text"].split()) >= cfg.min_words
        and not addresses_the_model(row["text"])
        and not row["caption"]
    )


def _block(rows: list[dict], scores: np.ndarray, seed: int, cfg: EvidenceSettings) -> list[int]:
    """The seed sentence and its neighbours (same passage) that score within the block margin
    of it, at most `block_sentences` in all, in file order."""
    block = [seed]
    for step in (-1, 1):
        j = seed + step
        while (
            len(block) < cfg.block_sentences
            and 0 <= j < len(rows)
            and rows[j]["passage"] is rows[seed]["passage"]
            and scores[j] >= scores[seed] - cfg.block_margin
        ):
            block.append(j)
            j += step
    return sorted(block)


def _with_continuation(rows: list[dict], block: list[int], cfg: EvidenceSettings) -> list[int]:
    """`block` with the next sentence of a quotation its last sentence leaves open; `block`
    itself when there is none or the setting is off. A short next sentence is already read
    with this one (`_extend_short`) and is not shown again."""
    last = block[-1]
    if not cfg.continue_quotation or not _continues(rows, last):
        return block
    return [*block, last + 1]


def _continues(rows: list[dict], i: int) -> bool:
    """True when sentence `i` ends inside a quotation that goes on in the next sentence of its
    paragraph: 'Last month, he said: "... There was no reason for Putin to shoot missiles in
    civilian regions.' is followed by 'This makes me think that he may not want to stop the
    war, he only exploits me'. The speaker's point is in what follows."""
    if i + 1 >= len(rows) or rows[i + 1]["passage"] is not rows[i]["passage"]:
        return False
    text, offset = rows[i]["passage"].text, rows[i]["passage"].start
    end = rows[i]["end"] - offset
    return "\n" not in text[end : rows[i + 1]["start"] - offset] and open_quote(text, end)


def _seeds(
    rows: list[dict], scores: np.ndarray, cfg: EvidenceSettings, spans: bool = False
) -> list[int]:
    """Seed order: the best sentence of each of the first `articles` articles (by their best
    score, within `article_margin` of the overall best unless the question `spans` reports),
    then every sentence by score."""
    order = [int(i) for i in np.argsort(-scores) if eligible(rows[int(i)], cfg)]
    if not order:
        return []
    firsts: dict[str, int] = {}
    for i in order:
        firsts.setdefault(rows[i]["passage"].source, i)
    best = scores[order[0]]
    margin = np.inf if spans else cfg.article_margin
    leaders = [i for i in firsts.values() if scores[i] >= best - margin]
    leaders = leaders[: cfg.articles]
    return leaders + [i for i in order if i not in leaders]


def gather_evidence(
    question: str,
    query_vector: np.ndarray,
    sentences: chromadb.Collection,
    passages: list[Passage],
    cfg: EvidenceSettings,
) -> list[Evidence]:
    """The evidence the generator is shown, numbered from 1 in prompt order (articles by their
    best sentence, sentences in file order inside each); best-scored first in `score`.

    Args:
        question: the standalone question.
        query_vector: its embedding.
        sentences: the sentence collection (vectors of every chunk's sentences).
        passages: the retrieved passages, best first.
        cfg: the evidence section of Settings (word budget, weights, block shape).
    Returns:
        Evidence sentences; [] when the passages hold none.
    """
    return choose_evidence(question, query_vector, sentence_rows(sentences, passages), cfg)


def choose_evidence(
    question: str, query_vector: np.ndarray, rows: list[dict], cfg: EvidenceSettings
) -> list[Evidence]:
    """gather_evidence on sentence rows already read (benches reuse them across settings)."""
    if not rows:
        return []
    scores = score_rows(question, query_vector, rows, cfg)
    picking = scores + name_bonus(question, rows, cfg)
    chosen: set[int] = set()
    seen_text: set[str] = set()
    words = 0
    for seed in _seeds(rows, picking, cfg, spans_reports(question)):
        if seed in chosen or len(chosen) >= cfg.max_sentences:
            continue
        block = _block(rows, picking, seed, cfg)
        longer = _with_continuation(rows, block, cfg)
        # with the quotation's next sentence if it fits the budget, else without it
        for tried in [longer, block] if longer != block else [block]:
            kept, texts = _fresh(rows, tried, chosen, seen_text, cfg)
            cost = sum(len(_own(rows[i]).split()) for i in kept)
            if kept and (not chosen or words + cost <= cfg.words):
                chosen.update(kept)
                seen_text |= texts
                words += cost
                break
    topical = {i: relevance(question, query_vector, rows[i], cfg) for i in chosen}
    return _numbered(rows, scores, chosen, topical)


def _fresh(
    rows: list[dict], block: list[int], chosen: set[int], seen: set[str], cfg: EvidenceSettings
) -> tuple[list[int], set[str]]:
    """The sentences of `block` that may be shown, and their texts: eligible, and nothing shown
    twice (not a text already shown or repeated within the block, nor one overlapping a
    chosen sentence)."""
    kept: list[int] = []
    texts: set[str] = set()
    for i in block:
        if i in chosen or not eligible(rows[i], cfg):
            continue
        text = " ".join(rows[i]["text"].split())
        if text in seen or text in texts:
            continue
        if not any(_overlap(rows[i], rows[j]) for j in (*chosen, *kept)):
            kept.append(i)
            texts.add(text)
    return kept, texts


def _overlap(a: dict, b: dict) -> bool:
    """Whether two rows show some of the same article text (a short sentence is shown together
    with the one before it, a quotation's sentences as the whole of it)."""
    return (
        a["passage"].source == b["passage"].source
        and a["start"] < b["end"]
        and b["start"] < a["end"]
    )


def _numbered(
    rows: list[dict], scores: np.ndarray, chosen: set[int], topical: dict[int, float]
) -> list[Evidence]:
    """Evidence in prompt order: articles by their best chosen score, file order inside."""
    best: dict[str, float] = {}
    for i in chosen:
        source = rows[i]["passage"].source
        best[source] = max(best.get(source, -1e9), float(scores[i]))
    order = sorted(chosen, key=lambda i: (-best[rows[i]["passage"].source], rows[i]["start"]))
    return [
        evidence_of(rows[i], n, round(float(scores[i]), 4), round(topical[i], 4))
        for n, i in enumerate(order, 1)
    ]


def evidence_of(row: dict, number: int, score: float = 0.0, relevance: float = 0.0) -> Evidence:
    """A sentence row as the evidence item numbered `number`, with its passage's article
    fields."""
    passage = row["passage"]
    return Evidence(
        number, passage.source, passage.title, row["text"], row["start"], row["end"], score,
        row["vector"], outlet=passage.outlet, date=passage.date, url=passage.url,
        also_in=passage.also_in, relevance=relevance,
    )  # fmt: skip


def evidence_block(evidence: list[Evidence]) -> str:
    """The prompt's evidence: each article's header line (when it has an outlet or a date),
    then its numbered sentences."""
    lines: list[str] = []
    current = None
    for e in evidence:
        if e.source != current and e.header():
            lines.append(e.header())
        current = e.source
        lines.append(e.label())
    return "\n".join(lines)
