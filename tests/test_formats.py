"""Extraction of the hand-written news fixtures (HTML, PDF, feed, exports) through a real index:
no boilerplate indexed, every expected span present, metadata right, citations verbatim."""

from __future__ import annotations

import json
import shutil

import pytest

import rag
from rag.config import Settings
from tests.ingest_helpers import FIXTURES, PDF_CASES, bound_engine, make_pdf

EXPECTED = {
    k: v
    for k, v in json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")).items()
    if not k.startswith("_")
}
for _name, _title, _author, _date, _paras in PDF_CASES:
    EXPECTED[_name] = {
        "title": _title,
        "author": _author,
        "date": "{:04d}-{:02d}-{:02d}".format(*_date),
        "outlet": "",
        "url": "",
        "spans": _paras,
        "boilerplate": [_title],  # the heading is the title, not article text
    }
SIDECAR = {
    "coastal-times-flood-defences.html": {"outlet": "Coastal Times (sidecar)"},
    "world-desk-feed.xml": {"outlet": "World Desk Wire"},
    "world-desk-feed.xml#2": {"author": "Desk Editor"},
}


@pytest.fixture(scope="module")
def news(tmp_path_factory, embed_model):
    root = tmp_path_factory.mktemp("news")
    corpus = root / "corpus"
    shutil.copytree(FIXTURES, corpus, ignore=shutil.ignore_patterns("expected.json"))
    for name, title, author, date, paras in PDF_CASES:
        make_pdf(corpus / name, title, author, date, paras)
    (corpus / "metadata.json").write_text(json.dumps(SIDECAR), encoding="utf-8")
    with bound_engine(root / "home", corpus, embed_model, llm="none") as engine:
        engine.index(progress=False)
        yield engine


def _chunks(engine) -> dict[str, list[dict]]:
    got = engine.collection.get(include=["documents", "metadatas"])
    by_source: dict[str, list[dict]] = {}
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        by_source.setdefault(meta["source"], []).append({**meta, "text": text})
    return by_source


def test_every_article_and_only_those_is_indexed(news):
    assert sorted(_chunks(news)) == sorted(EXPECTED)


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_spans_present_boilerplate_absent_offsets_exact(news, source):
    text = rag.article_text(source)
    expected = EXPECTED[source]
    for span in expected["spans"]:
        assert span in text, f"{source}: missing {span!r}"
    chunks = _chunks(news)[source]
    indexed = "\n".join(c["text"] for c in chunks)
    for line in expected["boilerplate"]:
        assert line not in indexed, f"{source}: boilerplate {line!r} indexed"
    for chunk in chunks:
        assert text[chunk["start"] : chunk["end"]] == chunk["text"]


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_metadata_with_sidecar_precedence(news, source):
    info = {a.source: a for a in rag.articles()}[source]
    want = {k: EXPECTED[source][k] for k in ("title", "outlet", "date", "url")}
    file_name = source.partition("#")[0]
    want.update({k: v for k, v in SIDECAR.get(file_name, {}).items() if k in want})
    want.update({k: v for k, v in SIDECAR.get(source, {}).items() if k in want})
    assert {k: getattr(info, k) for k in want} == want
    assert info.format == file_name.rsplit(".", 1)[1] and info.chunks >= 1
    author = SIDECAR.get(source, {}).get("author", EXPECTED[source]["author"])
    assert _chunks(news)[source][0]["author"] == author


def test_answers_cite_extracted_text_verbatim(news):
    questions = {
        "How many dock workers returned to work at the Port of Hull?": "northern-ledger",
        "How much lithium carbonate did Chile produce, a record?": "world-desk-feed.xml#1",
        "How many cars can the replacement ferry to Arran carry?": "calmac-arran-sailings.pdf",
        "How many passengers did Spain's high-speed trains carry?": "newswire-export.jsonl#2",
    }
    for question, source in questions.items():
        answer = rag.ask(question)
        assert not answer.refused and answer.citations, question
        assert any(c.source.startswith(source) for c in answer.citations), question
        for c in answer.citations:
            assert rag.article_text(c.source)[c.start : c.end] == c.quote
        assert rag.validate_answer(answer) == [], question


def test_extracted_text_is_kept_by_file_hash(news):
    import hashlib

    page = news.settings.corpus / "metro-daily-tram-extension.html"
    digest = hashlib.sha256(page.read_bytes()).hexdigest()
    stored = news.settings.texts_path / f"{digest}.json"
    assert json.loads(stored.read_text())["items"][0]["text"] == rag.article_text(page.name)
    # A reader with an empty text store extracts the same text again (deterministic).
    other = Settings(home=news.settings.home / "elsewhere", corpus=news.settings.corpus)
    with bound_engine(other.home, other.corpus, news.embed_model):
        assert rag.article_text(page.name) == json.loads(stored.read_text())["items"][0]["text"]


def test_a_feed_item_is_removed_only_with_its_file(news):
    with pytest.raises(rag.LibraryError, match="remove 'world-desk-feed.xml'"):
        rag.remove_article("world-desk-feed.xml#2")
    with pytest.raises(rag.LibraryError, match="not a readable article"):
        rag.article_text("world-desk-feed.xml#3")  # the item without text


def test_a_scanned_pdf_in_the_corpus_is_skipped_with_a_warning(tmp_path, caplog):
    """At index time (not only when added): a PDF without text is skipped, saying why."""
    import logging

    from index.loading import load_folder
    from tests.ingest_helpers import make_image_pdf

    (tmp_path / "kept.txt").write_text("The harbour reopened after repairs.\n", encoding="utf-8")
    make_image_pdf(tmp_path / "scan.pdf")
    with caplog.at_level(logging.WARNING, logger="index.loading"):
        articles = load_folder(tmp_path)
    assert [a.source for a in articles] == ["kept.txt"]
    warned = [r.getMessage() for r in caplog.records if "scan.pdf" in r.getMessage()]
    assert warned and "no text layer (a scanned or image-only PDF)" in warned[0], warned
