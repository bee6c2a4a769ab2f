"""rag.add_files / remove_article / articles / article_text on a real Chroma index with MiniLM."""

from __future__ import annotations

import pytest

import rag
from tests.conftest import CORPUS
from tests.ingest_helpers import FIXTURES, bound_engine, make_image_pdf, snapshot

FRONT_MATTER_MD = """---
title: Talks resume in Istanbul
date: 16 May 2025
outlet: Wire Desk
url: https://example.com/talks
author: Ana Ruiz
---

Delegations from both countries met in Istanbul on Friday for the first direct talks in three
years, officials said.
"""


@pytest.fixture()
def library(tmp_path, embed_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "003.txt").write_bytes((CORPUS / "003_25123ef9c5ee8341.txt").read_bytes())
    with bound_engine(tmp_path / "home", corpus, embed_model) as engine:
        engine.index(progress=False)
        yield engine


def test_add_markdown_indexes_it_with_its_front_matter(library, tmp_path):
    path = tmp_path / "Talks in Genève!.md"
    path.write_text(FRONT_MATTER_MD, encoding="utf-8")
    report = rag.add_files([path])
    assert [name for name, _ in report.added] == ["Talks_in_Geneve.md"]
    assert "saved as" in report.added[0][1] and "1 added" in report.index
    info = {a.source: a for a in rag.articles()}["Talks_in_Geneve.md"]
    assert (info.title, info.outlet, info.date, info.format) == (
        "Talks resume in Istanbul",
        "Wire Desk",
        "2025-05-16",
        "md",
    )
    assert info.url == "https://example.com/talks" and info.chunks == 1
    text = rag.article_text("Talks_in_Geneve.md")
    assert text == FRONT_MATTER_MD  # a .md article's text is the file's own text
    passages = rag.retrieve("Where did the delegations meet for direct talks?", top_k=3)
    top = passages[0]
    assert top.source == "Talks_in_Geneve.md" and text[top.start : top.end] == top.text
    assert "title:" not in top.text and top.text.startswith("Delegations")


def test_existing_article_is_kept_unless_overwrite(library, tmp_path):
    path = tmp_path / "003.txt"
    path.write_text("A different article about ceasefire talks in Geneva this week.\n")
    before = snapshot(library)
    report = rag.add_files([path])
    assert not report.changed and "already exists" in report.skipped[0][1]
    assert snapshot(library) == before
    report = rag.add_files([path], overwrite=True)
    assert [n for n, _ in report.replaced] == ["003.txt"] and "1 updated" in report.index
    assert rag.article_text("003.txt") == path.read_text()


def test_bad_files_are_skipped_with_reasons_and_change_nothing(library, tmp_path):
    bad = {
        "notes.docx": b"PK\x03\x04 not an article",
        "empty.txt": b"",
        "blank.md": b"  \n\n",
        "binary.txt": b"\x00\x01\x02 binary",
        "..\\..\\escape.txt": b"A path in the name must not escape the corpus folder.",
        ".hidden.txt": b"A hidden file name is refused as well.",
    }
    paths = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 << 20)  # 50 MB, sparse
    paths += [huge, tmp_path / "missing.txt", tmp_path / "003.txt"]
    (tmp_path / "003.txt").write_bytes((library.settings.corpus / "003.txt").read_bytes())
    before = snapshot(library)
    report = rag.add_files(paths)
    reasons = dict(report.skipped)
    assert not report.changed and report.index == "" and len(reasons) == len(paths)
    assert "unsupported file type '.docx'" in reasons[str(tmp_path / "notes.docx")]
    assert "empty" in reasons[str(tmp_path / "empty.txt")]
    assert "empty" in reasons[str(tmp_path / "blank.md")]
    assert "binary" in reasons[str(tmp_path / "binary.txt")]
    assert "contains a path" in reasons[str(tmp_path / "..\\..\\escape.txt")]
    assert "starts with a dot" in reasons[str(tmp_path / ".hidden.txt")]
    assert "50.0 MiB, over the 1 MiB limit" in reasons[str(huge)]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert "identical to '003.txt'" in reasons[str(tmp_path / "003.txt")]
    assert snapshot(library) == before
    assert not (tmp_path.parent / "escape.txt").exists()


def test_too_many_files_is_refused_whole(library, tmp_path):
    paths = [tmp_path / f"a{i}.txt" for i in range(21)]
    before = snapshot(library)
    with pytest.raises(rag.LibraryError, match="at most 20 can be added at once"):
        rag.add_files(paths)
    with pytest.raises(rag.LibraryError, match="No file given"):
        rag.add_files([])
    assert snapshot(library) == before


def test_remove_article_drops_its_chunks(library, tmp_path):
    path = tmp_path / "talks.md"
    path.write_text(FRONT_MATTER_MD, encoding="utf-8")
    rag.add_files([path])
    assert "talks.md" in {a.source for a in rag.articles()}
    report = rag.remove_article("talks.md")
    assert report.removed == [("talks.md", "deleted from the corpus folder")]
    assert "1 removed" in report.index
    assert "talks.md" not in {a.source for a in rag.articles()}
    assert not (library.settings.corpus / "talks.md").exists()
    before = snapshot(library)
    for source in ("talks.md", "../pyproject.toml", "metadata.json"):
        with pytest.raises(rag.LibraryError, match="is not an article"):
            rag.remove_article(source)
    assert snapshot(library) == before


def test_bad_pages_pdfs_feeds_and_exports_change_nothing(library, tmp_path):
    files = {
        "scripts.html": b"<html><head><style>body{color:red}</style><script>var a=1;</script>"
        b"</head><body><script>track()</script></body></html>",
        "garbage.html": b"\x00\x01\x02\x03 not html",
        "corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> broken",
        "notes.xml": b"<?xml version='1.0'?><notes><note>Buy milk</note></notes>",
        "titles.xml": b"<rss version='2.0'><channel><title>T</title><item><title>Only a "
        b"title</title><link>https://example.com/a</link></item></channel></rss>",
        "rows.jsonl": b'{"title": "no text here"}\nnot json\n',
        "rows.csv": b"title,url\nA headline,https://example.com/a\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    scan = make_image_pdf(tmp_path / "scan.pdf")
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(50 << 20)
    paths = [tmp_path / n for n in files] + [scan, huge]
    before = snapshot(library)
    report = rag.add_files(paths)
    reasons = {name.rsplit("/", 1)[-1]: why for name, why in report.skipped}
    assert not report.changed and len(reasons) == len(paths)
    assert "no article text (only markup, scripts, styles" in reasons["scripts.html"]
    assert "binary" in reasons["garbage.html"]
    assert "not a readable PDF" in reasons["corrupt.pdf"]
    assert "no text layer (a scanned or image-only PDF)" in reasons["scan.pdf"]
    assert "not an RSS or Atom feed" in reasons["notes.xml"]
    assert "no item with text" in reasons["titles.xml"]
    assert "no row has article text" in reasons["rows.jsonl"]
    assert "no row has article text" in reasons["rows.csv"]
    assert "50.0 MiB, over the 20 MiB limit" in reasons["huge.html"]
    assert snapshot(library) == before


def test_add_a_page_and_a_feed(library):
    page = FIXTURES / "metro-daily-tram-extension.html"
    feed = FIXTURES / "world-desk-feed.xml"
    report = rag.add_files([page, feed])
    assert [n for n, _ in report.added] == [page.name, feed.name]
    sources = {a.source for a in rag.articles()}
    assert {page.name, feed.name + "#1", feed.name + "#2"} <= sources
    passage = rag.retrieve("How often will the airport trams run?", top_k=1)[0]
    assert passage.source == page.name
    assert rag.article_text(page.name)[passage.start : passage.end] == passage.text
    # A filter naming the feed file keeps its articles (feed#1, feed#2), as the user named it.
    in_feed = rag.retrieve("airport trams", top_k=3, filters={"sources": [feed.name]})
    assert in_feed and {p.source for p in in_feed} <= {feed.name + "#1", feed.name + "#2"}
    with pytest.raises(rag.LibraryError, match="items of a feed or export are removed"):
        rag.remove_article(feed.name + "#1")
    report = rag.remove_article(feed.name)
    assert "2 removed" in report.index  # both items of the feed
    assert not any(a.source.startswith(feed.name) for a in rag.articles())


def test_rag_add_command(library, tmp_path, monkeypatch, capsys):
    from rag.cli import main

    monkeypatch.setenv("RAG_HOME", str(library.settings.home))
    monkeypatch.setenv("RAG_CORPUS", str(library.settings.corpus))
    good, bad = tmp_path / "talks.md", tmp_path / "notes.docx"
    good.write_text(FRONT_MATTER_MD, encoding="utf-8")
    bad.write_bytes(b"PK\x03\x04")
    assert main(["add", str(good), str(bad)]) == 0
    out = capsys.readouterr().out
    assert "added talks.md: copied into the corpus" in out
    assert f"skipped {bad}: unsupported file type '.docx'" in out and "1 added" in out
    assert main(["add", str(bad)]) == 1  # nothing added: a failing exit status
    assert (library.settings.corpus / "talks.md").read_text() == FRONT_MATTER_MD
