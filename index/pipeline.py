"""Bring a Chroma collection and the keyword index in line with a corpus, incrementally.

Chunk ids are derived from content and place, so the set of ids a corpus should have is known
before anything is embedded: a run deletes the ids that should no longer exist and embeds only the
ids that are missing. Re-runs embed nothing, a changed file swaps exactly its chunks, and a run
killed half-way is finished by the next one without duplicates.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore
from tqdm import tqdm

from index.chunking import Chunk, chunk_article
from index.keyword import KeywordIndex, fingerprint
from index.loading import Article

log = logging.getLogger(__name__)

EMBED_BATCH = 64


@dataclass
class IndexReport:
    """What one indexing run did."""

    files: int
    chunks: int
    added: int
    updated: int
    removed: int
    embedded: int
    deleted: int
    seconds: float

    def summary(self) -> str:
        """One line for people."""
        return (
            f"Indexed {self.files} files, {self.chunks} chunks: {self.added} added, "
            f"{self.updated} updated, {self.removed} removed files; "
            f"{self.embedded} chunks embedded, "
            f"{self.deleted} deleted in {self.seconds:.1f} s."
        )


def chunk_corpus(articles: list[Article], max_tokens: int, count_tokens: Any) -> list[Chunk]:
    """All chunks of all articles, in corpus order."""
    return [c for a in articles for c in chunk_article(a, max_tokens, count_tokens)]


def stored_ids_by_source(collection: chromadb.Collection, page: int = 5000) -> dict[str, set[str]]:
    """{source: chunk ids} as the collection holds them now."""
    by_source: dict[str, set[str]] = defaultdict(set)
    offset = 0
    while True:
        got = collection.get(include=["metadatas"], limit=page, offset=offset)
        for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
            by_source[str((meta or {}).get("source", ""))].add(chunk_id)
        if len(got["ids"]) < page:
            return by_source
        offset += page


def chunk_node(chunk: Chunk, article: Article, embedding: list[float]) -> TextNode:
    """The llama-index node stored in Chroma for one chunk."""
    metadata = {
        "source": chunk.source,
        "title": chunk.title,
        "start": chunk.start,
        "end": chunk.end,
        "outlet": article.outlet or "",
        "date": article.date or "",
        "file_hash": article.content_hash,
    }
    return TextNode(
        id_=chunk.id,
        text=chunk.text,
        embedding=embedding,
        metadata=metadata,
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=list(metadata),
    )


def _embed_and_add(
    chunks: list[Chunk],
    articles: dict[str, Article],
    embed_model: Any,
    store: ChromaVectorStore,
    progress: bool,
) -> None:
    bar = tqdm(total=len(chunks), desc="Embedding", unit="chunk", disable=not (progress and chunks))
    for i in range(0, len(chunks), EMBED_BATCH):
        batch = chunks[i : i + EMBED_BATCH]
        vectors = embed_model.embed([c.text for c in batch])
        store.add(
            [
                chunk_node(c, articles[c.source], v.tolist())
                for c, v in zip(batch, vectors, strict=True)
            ]
        )
        bar.update(len(batch))
    bar.close()


def update_index(
    articles: list[Article],
    collection: chromadb.Collection,
    embed_model: Any,
    keyword_dir: Path,
    max_tokens: int,
    progress: bool = True,
) -> IndexReport:
    """Make `collection` and the keyword index in `keyword_dir` match `articles` exactly."""
    started = time.perf_counter()
    chunks = chunk_corpus(articles, max_tokens, embed_model.count_tokens)
    wanted: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        wanted[chunk.source].add(chunk.id)
    stored = stored_ids_by_source(collection)

    to_delete = [i for src, ids in stored.items() for i in ids - wanted.get(src, set())]
    missing = {i for src, ids in wanted.items() for i in ids - stored.get(src, set())}
    added = sum(1 for src in wanted if not stored.get(src))
    updated = sum(1 for src in wanted if stored.get(src) and stored[src] != wanted[src])
    removed = sum(1 for src in stored if src not in wanted)

    if to_delete:
        collection.delete(ids=to_delete)
    store = ChromaVectorStore(chroma_collection=collection)
    by_source = {a.source: a for a in articles}
    _embed_and_add([c for c in chunks if c.id in missing], by_source, embed_model, store, progress)

    saved = KeywordIndex.load(keyword_dir)
    if saved is None or saved.fingerprint != fingerprint([c.id for c in chunks]):
        KeywordIndex.build([c.id for c in chunks], [c.text for c in chunks]).save(keyword_dir)

    return IndexReport(
        files=len(articles),
        chunks=len(chunks),
        added=added,
        updated=updated,
        removed=removed,
        embedded=len(missing),
        deleted=len(to_delete),
        seconds=time.perf_counter() - started,
    )
