"""The corpus tab's handlers (no browser) over a real, writable index: add, replace, remove,
list, and the messages for what cannot be done."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import rag
from rag.config import Settings
from rag.engine import Engine
from ui import corpus, library
from ui.history import strip_html

PAGE = Path(__file__).parent / "fixtures" / "ui" / "harbour-desalination.html"
QUESTION = "How much will the Alcântara desalination plant cost?"


@pytest.fixture()
def engine(small_corpus, tmp_path, embed_model):
    """The public API bound to an indexed copy of two shipped articles."""
    engine = Engine(
        Settings(home=tmp_path / "home", corpus=small_corpus, llm="none"), embed_model=embed_model
    )
    engine.index(progress=False)
    with rag.using(engine):
        yield engine


def last(updates):
    return list(updates)[-1]


def state(engine: Engine) -> tuple[set[str], int]:
    return {p.name for p in engine.settings.corpus.iterdir()}, engine.collection.count()


def test_an_upload_is_indexed_listed_and_answerable_at_once(engine):
    retriever = engine.retriever  # built before the upload, as an open tab's engine has it
    updates = list(library.add_uploads([str(PAGE)], False, ["gone.txt"], ["BMC"]))
    assert "Checking and indexing 1 file" in updates[0][0]
    report, box, table, remove_choice, sources, outlets = updates[-1]
    assert f"Added {PAGE.name}: " in strip_html(report) and box is None
    assert "Harbour Gazette" in table and "3 articles" in strip_html(table)
    assert "2025-06-02" in strip_html(table)
    titled = {value: label for label, value in remove_choice["choices"]}
    title = "Lisbon approves Alcântara desalination plant"
    assert titled[PAGE.name] == f"{title} (Harbour Gazette, 2025-06-02)"
    assert sources["value"] == [] and outlets["value"] == []  # filters on what is gone are dropped
    assert "Harbour Gazette" in outlets["choices"]
    assert engine.retriever is not retriever
    assert rag.retrieve(QUESTION)[0].source == PAGE.name


def test_an_existing_article_is_replaced_only_when_asked(engine, tmp_path):
    list(library.add_uploads([str(PAGE)], False))
    edited = tmp_path / "upload" / PAGE.name
    edited.parent.mkdir()
    edited.write_text(PAGE.read_text(encoding="utf-8").replace("84 million", "91 million"))
    before = state(engine)
    kept = strip_html(last(library.add_uploads([str(edited)], False))[0])
    assert f"Not added {PAGE.name}: " in kept and "already exists" in kept
    assert state(engine) == before
    replaced = strip_html(last(library.add_uploads([str(edited)], True))[0])
    assert f"Replaced {PAGE.name}" in replaced
    assert "91 million" in rag.article_text(PAGE.name)


def test_removing_an_article_takes_its_chunks_out(engine):
    list(library.add_uploads([str(PAGE)], False))
    message = library.remove_selected(None)[0]
    assert "Choose an article to remove first" in message
    report, table, *_ = library.remove_selected(PAGE.name, [PAGE.name], ["Harbour Gazette"])
    assert f"Removed {PAGE.name}" in strip_html(report) and "Harbour Gazette" not in table
    assert all(p.source != PAGE.name for p in rag.retrieve(QUESTION, top_k=10))
    missing = library.remove_selected(PAGE.name)[0]
    assert "is not an article" in strip_html(missing)


def test_too_many_files_or_none_are_refused_and_change_nothing(engine):
    before = state(engine)
    limit = rag.add_limits().max_files
    too_many = last(library.add_uploads([str(PAGE)] * (limit + 1), False))[0]
    assert f"at most {limit} can be added at once" in strip_html(too_many)
    assert "Choose or drop files" in last(library.add_uploads([], False))[0]
    assert state(engine) == before


def test_unexpected_failures_are_a_message_not_a_traceback(monkeypatch):
    def broken(paths, overwrite=False):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(rag, "add_files", broken)
    report = strip_html(last(library.add_uploads(["/tmp/x.html"], False))[0])
    assert "Adding the files failed inside Newsdesk (RuntimeError)" in report
    assert "secret internals" not in report


def test_article_table_escapes_untrusted_metadata():
    hostile = SimpleNamespace(
        source="a.html", title="<script>x</script>", outlet="<b>O</b>", date="2025-01-02", chunks=3
    )
    html = corpus.article_table([hostile])
    assert "<script>" not in html and "<b>O" not in html and "1 article \u00b7 3 chunks" in html
    assert "The corpus is empty" in corpus.article_table([])


def test_limits_are_said_in_words():
    assert corpus.format_bytes(20 << 20) == "20 MB" and corpus.format_bytes(1536) == "1.5 KB"
    text = corpus.limits_text((".html", ".txt"), 20 << 20, 20)
    assert text == "Types: .html, .txt \u00b7 up to 20 MB per file, 20 per upload"
    assert library.upload_limits()[0] == rag.add_limits().suffixes
    plain = corpus.limits_text((".html", ".txt"), 20 << 20, 20, ((".txt", ".md"), 1 << 20))
    assert plain == (
        "Types: .html, .txt \u00b7 up to 20 MB per file (.txt, .md: 1 MB), 20 per upload"
    )
    suffixes, cap = library.plain_limit()
    assert set(suffixes) == {".txt", ".md"} and cap < rag.add_limits().max_bytes
