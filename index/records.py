"""The records an index holds: one per chunk (with the metadata retrieval returns and filters
compare) and one per sentence of each chunk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from index.chunking import Chunk, article_sentences, chunk_article, split_sentences, statements
from index.duplicates import story_copies
from index.loading import Article, date_number


@dataclass(frozen=True)
class Record:
    """One entry of a Chroma collection: a chunk, or one sentence of a chunk."""

    id: str
    source: str
    text: str
    metadata: dict[str, Any]


def chunk_corpus(articles: list[Article], max_tokens: int, count_tokens: Any) -> list[Chunk]:
    """All chunks of all articles, in corpus order."""
    return [c for a in articles for c in chunk_article(a, max_tokens, count_tokens)]


def filter_metadata(article: Article | None) -> dict[str, Any]:
    """The fields a filter compares, kept on chunk and sentence records alike."""
    if article is None:
        return {}
    return {"outlet": article.outlet or "", "date_num": date_number(article.date)}


def chunk_records(
    chunks: list[Chunk], articles: dict[str, Article], stories: dict[str, str] | None = None
) -> list[Record]:
    """One record per chunk, with the metadata retrieval returns; `stories` maps a source to
    its story id (see index/duplicates.py), each article its own story when it is None."""
    stories = stories or {}
    copies = story_copies({s: stories.get(s, s) for s in articles})
    records = []
    for c in chunks:
        article = articles[c.source]
        also_in = [
            {"source": o, "outlet": articles[o].outlet or "", "date": articles[o].date or ""}
            for o in copies[c.source]
        ]
        meta = {
            "source": c.source,
            "title": c.title,
            "start": c.start,
            "end": c.end,
            "outlet": article.outlet or "",
            "date": article.date or "",
            "url": article.url or "",
            "author": article.author or "",
            "format": article.format,
            **filter_metadata(article),
            "story": stories.get(c.source, c.source),
            "also_in": json.dumps(also_in),  # Chroma metadata holds scalars only
        }
        records.append(Record(c.id, c.source, c.text, meta))
    return records


def sentence_records(
    chunks: list[Chunk], articles: dict[str, Article] | None = None
) -> list[Record]:
    """One record per sentence of each chunk; offsets are absolute in the article. A sentence
    of a short quotation of several sentences (index.chunking.statements) also holds the whole
    quotation's offsets, `quote_start` and `quote_end`."""
    articles = articles or {}
    records = []
    quotes_of: dict[str, list[tuple[int, int]]] = {}
    for c in chunks:
        article = articles.get(c.source)
        fields = filter_metadata(article)
        quotes: list[tuple[int, int]] = []
        if article is not None and article.text[c.start : c.end] == c.text:
            if c.source not in quotes_of:
                quotes_of[c.source] = _quotations(article)
            quotes = quotes_of[c.source]
        for s, e in split_sentences(c.text):
            start, end = c.start + s, c.start + e
            sid = hashlib.sha256(f"{c.id}\x00{start}\x00{end}".encode()).hexdigest()[:32]
            meta = {"source": c.source, "chunk_id": c.id, "start": start, "end": end, **fields}
            quote = next(((a, b) for a, b in quotes if a <= start and end <= b), None)
            if quote:
                meta.update(quote_start=quote[0], quote_end=quote[1])
            records.append(Record(sid, c.source, c.text[s:e], meta))
    return records


def _quotations(article: Article) -> list[tuple[int, int]]:
    """The article's joined quotations (index.chunking.statements), as chunk_article packs them."""
    sentences = article_sentences(article)
    plain = set(sentences)
    return [span for span in statements(article.text, sentences) if span not in plain]


def sentence_ids_by_chunk(chunks: list[Chunk], sentences: list[Record]) -> list[list[str]]:
    """The ids of each chunk's sentence records, in the order of `chunks`."""
    by_chunk: dict[str, list[str]] = {c.id: [] for c in chunks}
    for record in sentences:
        by_chunk[str(record.metadata["chunk_id"])].append(record.id)
    return [by_chunk[c.id] for c in chunks]
