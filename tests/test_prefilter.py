"""Filtered vector search among the ids the keyword index says match (rag/prefilter.py) ranks
exactly as a Chroma `where` does, on a real Chroma store; the ids follow articles added and
removed, and a store that lacks some of them falls back to the `where`."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import rag
from bench import synth
from index.keyword import KeywordIndex
from rag.engine import Engine
from rag.filters import Filters, check_filters, matches
from rag.retrieval import HybridRetriever
from tests.fakes import HashingEmbedding, engine_for

SEED = 3
ARTICLES = 16
K = 5
UNDATED = "undated.txt"


def write_corpus(folder: Path) -> list[synth.Article]:
    """Synthetic dated articles of several outlets, plus one undated article."""
    synth.write_corpus(folder, ARTICLES, SEED)
    articles = [synth.generate_article(SEED, n) for n in range(ARTICLES)]
    sidecar = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    sidecar[UNDATED] = {"title": "Undated", "outlet": articles[0].outlet}
    (folder / "metadata.json").write_text(json.dumps(sidecar), encoding="utf-8")
    (folder / UNDATED).write_text(synth.generate_article(SEED, ARTICLES).text, encoding="utf-8")
    return articles


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Engine, list[synth.Article]]:
    folder = tmp_path_factory.mktemp("prefilter-corpus")
    articles = write_corpus(folder)
    engine = engine_for(tmp_path_factory.mktemp("prefilter-home"), folder, HashingEmbedding())
    engine.index(progress=False)
    return engine, articles


def retrievers(engine: Engine, mode: str) -> tuple[HybridRetriever, HybridRetriever]:
    """(the engine's own retriever, one whose keyword index has no sentence ids: `where`)."""
    keyword = engine.keyword()
    legacy = KeywordIndex(keyword.ids, keyword.model, keyword.fields)
    make = [HybridRetriever(engine.collection, engine.sentences, engine.embed_model, k, mode)
            for k in (keyword, legacy)]  # fmt: skip
    assert make[0].prefilter.usable and not make[1].prefilter.usable
    return make[0], make[1]


def filter_cases(articles: list[synth.Article]) -> dict[str, Filters]:
    outlets = sorted({a.outlet for a in articles})
    dates = sorted(a.date for a in articles)
    first, middle, last = dates[0], dates[len(dates) // 2], dates[-1]
    names = [a.name for a in articles]
    return {
        "source": Filters(sources=(names[5],)),
        "sources": Filters(sources=(names[2], names[7], names[11], UNDATED)),
        "outlet": Filters(outlets=(outlets[0],)),
        "outlets": Filters(outlets=(outlets[1], outlets[-1])),
        "since": Filters(since=middle),
        "until": Filters(until=middle),
        "since+until": Filters(since=dates[3], until=dates[-4]),
        "outlet+since": Filters(outlets=(outlets[0], outlets[1]), since=middle),
        "everything dated": Filters(since=first, until=last),
    }


def questions(articles: list[synth.Article]) -> list[str]:
    facts = synth.questions(SEED, ARTICLES, 4)
    return [f.question for f in facts] + ["What did officials say about the budget?"]


@pytest.mark.parametrize("mode", ["hybrid", "vector"])
def test_ids_rank_exactly_as_where_for_every_filter(corpus, mode):
    engine, articles = corpus
    fast, where = retrievers(engine, mode)
    for case, filters in filter_cases(articles).items():
        for question in questions(articles):
            vector = engine.embed_model.embed([question])[0]
            got = fast.fused_ids(question, vector, K, filters)
            assert got == where.fused_ids(question, vector, K, filters), (case, question)
            passages = fast.retrieve(question, K, vector, filters)
            reference = where.retrieve(question, K, vector, filters)
            assert [p.id for p in passages] == [p.id for p in reference], (case, question)
            kept = len(engine.collection.get(where=filters.where(), include=[])["ids"])
            assert len(passages) == min(K, kept) and kept > 0, case
            metadata = engine.collection.get(ids=[p.id for p in passages])["metadatas"]
            assert all(matches(m, filters) for m in metadata), case


@pytest.mark.parametrize("mode", ["hybrid", "vector", "bm25"])
def test_a_filter_keeping_fewer_chunks_than_k_returns_them_all(corpus, mode):
    engine, articles = corpus
    fast, where = retrievers(engine, mode)
    source = articles[5].name
    chunks = {i for i, s in zip(engine.keyword().ids, engine.keyword().fields["source"],
                                strict=True) if s == source}  # fmt: skip
    assert 1 < len(chunks) < 20
    question = "What will the money be spent on?"
    filters = Filters(sources=(source,))
    passages = fast.retrieve(question, 20, filters=filters)
    assert [p.id for p in passages] == [p.id for p in where.retrieve(question, 20, None, filters)]
    if mode != "bm25":  # BM25 ranks only chunks that share a word with the question
        assert {p.id for p in passages} == chunks


@pytest.mark.parametrize("mode", ["hybrid", "vector", "bm25"])
def test_a_filter_matching_nothing_retrieves_nothing(corpus, mode):
    engine, articles = corpus
    fast, _ = retrievers(engine, mode)
    latest = max(a.date for a in articles)
    year, rest = int(latest[:4]), latest[4:]
    for filters in (
        check_filters({"outlets": ["No Such Outlet"]}),
        check_filters({"since": f"{year + 1}{rest}"}),
        check_filters({"sources": [UNDATED], "since": "2000-01-01"}),  # undated never passes
    ):
        assert fast.retrieve("What did officials say?", K, filters=filters) == []


ADDED_MD = """---
title: Harbour ferry returns
date: 2031-03-04
outlet: Pier Chronicle
---

The harbour ferry returned to service on Tuesday after a month of repairs to its engines.
Passengers queued at the pier before dawn, the operator said.
"""


@pytest.fixture()
def library(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_corpus(folder)
    engine = engine_for(tmp_path / "home", folder, HashingEmbedding())
    engine.index(progress=False)
    with rag.using(engine):
        yield engine


def assert_sentence_ids_in_line(engine: Engine) -> None:
    stored = engine.sentences.get(include=["metadatas"])
    by_chunk: dict[str, set[str]] = {}
    for sentence_id, meta in zip(stored["ids"], stored["metadatas"], strict=True):
        by_chunk.setdefault(str(meta["chunk_id"]), set()).add(sentence_id)
    keyword = engine.keyword()
    assert keyword.sentences is not None
    assert dict(zip(keyword.ids, map(set, keyword.sentences), strict=True)) == by_chunk


def test_added_and_removed_articles_reach_filtered_questions(library, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    question = "When did the harbour ferry return to service?"
    harbour = {"outlets": ["Pier Chronicle"]}
    assert rag.retrieve(question, top_k=K, filters=harbour) == []
    path = tmp_path / "harbour-ferry.md"
    path.write_text(ADDED_MD, encoding="utf-8")
    assert "1 added" in rag.add_files([path]).index
    assert_sentence_ids_in_line(library)
    for filters in (harbour, {"since": "2031-03-04"}, {"sources": ["harbour-ferry.md"]}):
        passages = rag.retrieve(question, top_k=K, filters=filters)
        assert [p.source for p in passages] == ["harbour-ferry.md"], filters
    gone = synth.generate_article(SEED, 5).name
    assert rag.retrieve("officials", top_k=K, filters={"sources": [gone]})
    rag.remove_article(gone)
    rag.remove_article("harbour-ferry.md")
    assert_sentence_ids_in_line(library)
    assert rag.retrieve(question, top_k=K, filters=harbour) == []
    assert rag.retrieve("officials", top_k=K, filters={"sources": [gone]}) == []
    assert "lacks" not in caplog.text  # the ids never disagreed with the store


def test_records_missing_from_the_store_fall_back_to_where(library, caplog):
    # A keyword index that names records the store no longer holds (another process removed an
    # article since this one loaded it): Chroma refuses the ids, the `where` still answers.
    caplog.set_level(logging.WARNING)
    retriever = library.retriever
    dropped = synth.generate_article(SEED, 7).name
    library.collection.delete(where={"source": dropped})
    library.sentences.delete(where={"source": dropped})
    filters = Filters(sources=(dropped, synth.generate_article(SEED, 8).name))
    passages = retriever.retrieve("What did officials say?", K, filters=filters)
    assert passages and {p.source for p in passages} == {filters.sources[1]}
    assert "lacks" in caplog.text and "rag index" in caplog.text


def test_an_index_saved_before_sentence_ids_is_rebuilt_with_them(library, caplog):
    keyword = library.keyword()
    KeywordIndex(keyword.ids, keyword.model, keyword.fields).save(library.settings.keyword_path)
    old = KeywordIndex.load(library.settings.keyword_path)
    assert old is not None and old.sentences is None
    caplog.set_level(logging.WARNING)
    retriever = HybridRetriever(library.collection, library.sentences, library.embed_model, old)
    for _ in range(2):
        assert retriever.retrieve("officials", K, filters=Filters(since="2000-01-01"))
    assert caplog.text.count("rag index --full") == 1  # said once, then the `where` serves
    report = library.index(progress=False)
    assert report.embedded == 0
    assert_sentence_ids_in_line(library)
