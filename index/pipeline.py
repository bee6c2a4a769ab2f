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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore
from tqdm import tqdm

from index.chunking import Chunk
from index.duplicates import StoryConfig, group_stories
from index.keyword import FIELDS, KeywordIndex, fingerprint
from index.loading import Article
from index.records import (
    Record,
    chunk_corpus,
    chunk_records,
    sentence_ids_by_chunk,
    sentence_records,
)

log = logging.getLogger(__name__)

# on_step(name, seconds, items): told after each step of a run what it handled and how long it
# took (benchmarks time the indexer through it). Names: chunking, records_chunks,
# records_sentences, chroma_read_<label>, chroma_delete_<label>, embed_<label>,
# chroma_add_<label> (once per batch), bm25_build, bm25_save; Engine.index adds load_files.
IndexStep = Callable[[str, float, Sequence[Any]], None]


@contextmanager
def step(on_step: IndexStep | None, name: str) -> Iterator[list[Any]]:
    """Time the block and tell `on_step` about it with the items the block put in the list."""
    items: list[Any] = []
    started = time.perf_counter()
    yield items
    if on_step is not None:
        on_step(name, time.perf_counter() - started, items)


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
            f"{self.embedded} records embedded, "
            f"{self.deleted} deleted in {self.seconds:.1f} s."
        )


def stored_metadata(collection: chromadb.Collection, page: int = 5000) -> dict[str, dict]:
    """{record id: metadata} as the collection holds them now."""
    stored: dict[str, dict] = {}
    offset = 0
    while True:
        got = collection.get(include=["metadatas"], limit=page, offset=offset)
        for record_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
            stored[record_id] = dict(meta or {})
        if len(got["ids"]) < page:
            return stored
        offset += page


def update_metadata(collection: chromadb.Collection, records: list[Record], stored: dict) -> int:
    """Rewrite the metadata of stored records whose text is unchanged but whose metadata is not
    (a sidecar edit, a new copy of a story, an index made before a field existed): no
    re-embedding. Returns how many records changed."""
    stale = [
        r
        for r in records
        if r.id in stored and any(stored[r.id].get(k) != v for k, v in r.metadata.items())
    ]
    for i in range(0, len(stale), 5000):
        batch = stale[i : i + 5000]
        collection.update(ids=[r.id for r in batch], metadatas=[r.metadata for r in batch])
    return len(stale)


def _node(record: Record, embedding: list[float]) -> TextNode:
    keys = list(record.metadata)
    return TextNode(
        id_=record.id,
        text=record.text,
        embedding=embedding,
        metadata=record.metadata,
        excluded_embed_metadata_keys=keys,
        excluded_llm_metadata_keys=keys,
    )


@dataclass
class SyncResult:
    """What syncing one collection changed, per file and per record."""

    added_files: int
    updated_files: int
    removed_files: int
    embedded: int
    deleted: int


def sync_collection(
    collection: chromadb.Collection,
    records: list[Record],
    embed_model: Any,
    label: str,
    progress: bool,
    batch: int = 64,
    on_step: IndexStep | None = None,
) -> SyncResult:
    """Delete the records that should not exist, then embed and add only the missing ones,
    `batch` records at a time."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records:
        wanted[record.source].add(record.id)
    with step(on_step, f"chroma_read_{label}") as read:
        metadata = stored_metadata(collection)
        stored: dict[str, set[str]] = defaultdict(set)
        for record_id, meta in metadata.items():
            stored[str(meta.get("source", ""))].add(record_id)
        read.extend(stored)
    to_delete = [i for src, ids in stored.items() for i in ids - wanted.get(src, set())]
    missing = [r for r in records if r.id not in stored.get(r.source, ())]
    with step(on_step, f"chroma_delete_{label}") as deleted:
        for i in range(0, len(to_delete), 5000):
            collection.delete(ids=to_delete[i : i + 5000])
        deleted.extend(to_delete)
    with step(on_step, f"chroma_metadata_{label}"):
        update_metadata(collection, records, metadata)
    store = ChromaVectorStore(chroma_collection=collection)
    bar = tqdm(
        total=len(missing),
        desc=f"Embedding {label}",
        unit=label,
        disable=not (progress and missing),
    )
    for i in range(0, len(missing), batch):
        part = missing[i : i + batch]
        with step(on_step, f"embed_{label}") as embedded:
            vectors = embed_model.embed([r.text for r in part])
            embedded.extend(part)
        with step(on_step, f"chroma_add_{label}") as added:
            store.add([_node(r, v.tolist()) for r, v in zip(part, vectors, strict=True)])
            added.extend(part)
        bar.update(len(part))
    bar.close()
    return SyncResult(
        added_files=sum(1 for src in wanted if not stored.get(src)),
        updated_files=sum(1 for src in wanted if stored.get(src) and stored[src] != wanted[src]),
        removed_files=sum(1 for src in stored if src not in wanted),
        embedded=len(missing),
        deleted=len(to_delete),
    )


def update_index(
    articles: list[Article],
    chunks_collection: chromadb.Collection,
    sentences_collection: chromadb.Collection,
    embed_model: Any,
    keyword_dir: Path,
    max_tokens: int,
    progress: bool = True,
    batch: int = 64,
    on_step: IndexStep | None = None,
    stories: StoryConfig | None = None,
) -> IndexReport:
    """Make both collections and the keyword index in `keyword_dir` match `articles` exactly.

    Args:
        batch: records embedded and written per step.
        on_step: told each step's name, seconds and items (see IndexStep); None: nobody.
        stories: near-duplicate articles share a `story` id (index/duplicates.py); None: off.
    """
    started = time.perf_counter()
    with step(on_step, "chunking") as chunks:
        chunks.extend(chunk_corpus(articles, max_tokens, embed_model.count_tokens))
    by_source = {a.source: a for a in articles}
    with step(on_step, "stories") as grouped:
        story_ids = group_stories(articles, stories) if stories else None
        grouped.extend(story_ids or ())
    with step(on_step, "records_chunks") as chunk_rows:
        chunk_rows.extend(chunk_records(chunks, by_source, story_ids))
    with step(on_step, "records_sentences") as sentence_rows:
        sentence_rows.extend(sentence_records(chunks, by_source))
    result = sync_collection(
        chunks_collection, chunk_rows, embed_model, "chunks", progress, batch, on_step
    )
    sentences = sync_collection(
        sentences_collection, sentence_rows, embed_model, "sentences", progress, batch, on_step
    )
    update_keyword_index(keyword_dir, chunks, chunk_rows, on_step, sentence_rows)

    return IndexReport(
        files=len(articles),
        chunks=len(chunks),
        added=result.added_files,
        updated=result.updated_files,
        removed=result.removed_files,
        embedded=result.embedded + sentences.embedded,
        deleted=result.deleted + sentences.deleted,
        seconds=time.perf_counter() - started,
    )


def update_keyword_index(
    keyword_dir: Path,
    chunks: list[Chunk],
    records: list[Record],
    on_step: IndexStep | None = None,
    sentences: list[Record] | None = None,
) -> None:
    """Rebuild the keyword index in `keyword_dir` unless it already holds exactly `chunks` with
    the filter fields of their `records` and the ids of their `sentences` records."""
    ids = [c.id for c in chunks]
    fields = {f: [r.metadata[f] for r in records] for f in FIELDS}
    sentence_ids = sentence_ids_by_chunk(chunks, sentences) if sentences is not None else None
    saved = KeywordIndex.load(keyword_dir)
    if saved is not None and saved.fingerprint == fingerprint(ids, fields, sentence_ids):
        return
    with step(on_step, "bm25_build") as built:
        keyword = KeywordIndex.build(ids, [c.text for c in chunks], fields, sentence_ids)
        built.extend(ids)
    with step(on_step, "bm25_save") as saved_ids:
        keyword.save(keyword_dir)
        saved_ids.extend(ids)
