"""Hostile corpus folders: empty, binary, oddly encoded, huge, duplicated and changing files.

Already covered elsewhere, not repeated here: a file deleted (or changed) between runs
(tests/test_indexing.py::test_rerun_change_and_delete), the loader's basic skip cases
(tests/test_loading.py::test_bad_files_are_skipped_with_a_warning).
"""

from __future__ import annotations

import gzip
import logging
import random
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.loading import MAX_FILE_BYTES, CorpusError, load_folder
from rag.api import chain_for
from rag.cli import main
from rag.engine import Engine
from tests.fakes import engine_for
from tests.helpers import assert_citations_valid
from tests.reliability.corpora import ARTICLES, BRIDGE_QUESTION, write_articles
from tests.test_indexing import _assert_consistent


def sources(engine: Engine) -> set[str]:
    """The files the chunk collection holds."""
    return {m["source"] for m in engine.collection.get(include=["metadatas"])["metadatas"]}


def test_empty_files_are_skipped_by_name_and_the_rest_indexed(
    tiny_corpus, tmp_path, embed_model, caplog
):
    (tiny_corpus / "empty.txt").write_bytes(b"")
    (tiny_corpus / "blank.md").write_text(" \n\t\n\n", encoding="utf-8")
    (tiny_corpus / "bom-only.txt").write_bytes(b"\xef\xbb\xbf\r\n")
    engine = engine_for(tmp_path / "home", tiny_corpus, embed_model)
    with caplog.at_level(logging.WARNING):
        report = engine.index(progress=False)
    assert report.files == len(ARTICLES)
    assert sources(engine) == set(ARTICLES)
    for name in ("empty.txt", "blank.md", "bom-only.txt"):
        assert f"{name}: the file is empty" in caplog.text
    _assert_consistent(engine)


BINARIES = {
    "png.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "gzip.txt": gzip.compress(ARTICLES["bridge.txt"].encode() * 20),
    "no-nul.txt": random.Random(7).randbytes(4000).replace(b"\x00", b"\x01"),
    "elf.md": b"\x7fELF\x02\x01\x01\x00" + random.Random(8).randbytes(900),
}


@pytest.mark.parametrize("name", sorted(BINARIES))
def test_binary_file_with_a_text_name_is_skipped_with_a_warning(name, tmp_path, caplog):
    corpus = write_articles(tmp_path / "corpus")
    (corpus / name).write_bytes(BINARIES[name])
    with caplog.at_level(logging.WARNING):
        articles = load_folder(corpus)
    assert sorted(a.source for a in articles) == sorted(ARTICLES)
    assert f"Skipping {corpus / name}: it looks binary" in caplog.text


ENCODED = {  # file name: (encoding, bytes, question)
    "cp1252.txt": (
        "cp1252",
        "Pastry prize for Genève café\n\nCafé owner Zoë Müller won the Genève pastry prize "
        "for her crème brûlée on Sunday.\n".encode("cp1252"),
        "Who won the pastry prize in Geneva?",
    ),
    "utf16.txt": (
        "utf-16",
        "Valletta harbour closed\n\nThe harbour master of Valletta, Joseph Camilleri, closed "
        "the port for two days because of the storm.\n".encode("utf-16"),
        "Who closed the port of Valletta?",
    ),
    "bom.txt": (
        "utf-8",
        "\ufeffLighthouse restored in Cornwall\n\nVolunteers restored the Godrevy lighthouse "
        "in Cornwall with a grant of 300,000 pounds.\n".encode(),
        "Which lighthouse did the volunteers restore?",
    ),
    "crlf.txt": (
        "utf-8",
        b"Glacier retreat measured\r\n\r\nScientists measured that the Rhone glacier "
        b"retreated by 62 metres last year.\r\nThe survey used drones for the first time.\r\n",
        "How far did the Rhone glacier retreat?",
    ),
    "cr.txt": (
        "utf-8",
        b"Chess final in Tbilisi\r\rGrandmaster Nana Dzagnidze won the chess final in "
        b"Tbilisi after a long endgame.\rThe match lasted six hours.\r",
        "Who won the chess final in Tbilisi?",
    ),
}


def test_odd_encodings_and_line_endings_are_indexed_and_cited_exactly(
    tmp_path, embed_model, caplog
):
    """Non-UTF-8 text is decoded with a warning (UTF-16 by its BOM, anything else as cp1252),
    and line endings read as `open()` reads them, so for every file
    `open(path, encoding=its encoding).read()[start:end] == quote`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (_, data, _) in ENCODED.items():
        (corpus / name).write_bytes(data)
    engine = engine_for(tmp_path / "home", corpus, embed_model)
    with caplog.at_level(logging.WARNING):
        assert engine.index(progress=False).files == len(ENCODED)
    assert "cp1252.txt is not valid UTF-8; decoded as cp1252" in caplog.text
    assert "utf16.txt is UTF-16 text" in caplog.text
    for name, (encoding, _, question) in ENCODED.items():
        answer = chain_for(engine).ask(question)
        assert not answer.refused, (name, answer)
        assert {c.source for c in answer.citations} == {name}
        text = (corpus / name).open(encoding=encoding, errors="replace").read()
        for citation in answer.citations:
            assert text[citation.start : citation.end] == citation.quote


def test_a_50_mb_file_is_skipped_by_size_and_the_rest_indexed(
    tiny_corpus, tmp_path, embed_model, caplog
):
    """Decision: a file over MAX_FILE_BYTES (1 MiB) is skipped, unread, with a warning naming it,
    its size and the limit, and saying to split it. A news article is rarely over 100 KB;
    embedding runs at a few KB of text a second on this 2-core CPU (several minutes per MiB, for
    chunks and again for sentences), so a 50 MB dump would take hours and swamp retrieval."""
    block = (ARTICLES["bridge.txt"] * 100).encode()
    (tiny_corpus / "dump.txt").write_bytes(block * (50_000_000 // len(block) + 1))
    engine = engine_for(tmp_path / "home", tiny_corpus, embed_model)
    with caplog.at_level(logging.WARNING):
        report = engine.index(progress=False)
    assert report.files == len(ARTICLES) and sources(engine) == set(ARTICLES)
    assert re.search(r"dump\.txt: it is 4\d\.\d MiB, over the 1 MiB limit", caplog.text)
    assert "Split it into one file per article" in caplog.text


def test_a_file_at_the_size_limit_is_still_read(tmp_path):
    line = "The council met on Tuesday and approved the budget for the new school.\n"
    text = (line * (MAX_FILE_BYTES // len(line) + 1))[:MAX_FILE_BYTES]
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    assert [len(a.text) for a in load_folder(tmp_path)] == [MAX_FILE_BYTES]


def test_duplicate_files_are_indexed_once_and_a_removed_original_hands_over(
    tiny_corpus, tmp_path, embed_model, caplog
):
    """Decision: byte-identical files are indexed once, under the first name in path order,
    with a warning naming both; otherwise the same sentence fills two evidence slots and the
    answer repeats it. Deleting that first copy makes the next run index the other one."""
    (tiny_corpus / "archive").mkdir()
    shutil.copy(tiny_corpus / "bridge.txt", tiny_corpus / "archive" / "bridge.txt")
    shutil.copy(tiny_corpus / "bridge.txt", tiny_corpus / "bridge copy.txt")
    engine = engine_for(tmp_path / "home", tiny_corpus, embed_model)
    with caplog.at_level(logging.WARNING):
        engine.index(progress=False)
    assert "bridge.txt: it is a byte-for-byte copy of archive/bridge.txt" in caplog.text
    assert "bridge copy.txt: it is a byte-for-byte copy of archive/bridge.txt" in caplog.text
    assert sources(engine) == set(ARTICLES) - {"bridge.txt"} | {"archive/bridge.txt"}
    answer = chain_for(engine).ask(BRIDGE_QUESTION)
    assert {c.source for c in answer.citations} == {"archive/bridge.txt"}
    assert len({c.quote for c in answer.citations}) == len(answer.citations)
    assert_citations_valid(answer, tiny_corpus)

    (tiny_corpus / "archive" / "bridge.txt").unlink()
    report = engine.index(progress=False)
    assert (report.added, report.removed) == (1, 1)
    answer = chain_for(engine).ask(BRIDGE_QUESTION)
    assert {c.source for c in answer.citations} == {"bridge copy.txt"}
    assert_citations_valid(answer, tiny_corpus)
    _assert_consistent(engine)


class ChangesFileMidRun:
    """The session's embedding model, except that the first embedding call also runs `change`
    in another thread (and waits for it): a file saved while `rag index` is embedding."""

    def __init__(self, model: object, change: Callable[[], None]) -> None:
        self._model = model
        self._change: Callable[[], None] | None = change
        self.model_name = model.model_name  # type: ignore[attr-defined]

    def count_tokens(self, text: str) -> int:
        return self._model.count_tokens(text)  # type: ignore[attr-defined]

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._change is not None:
            worker = threading.Thread(target=self._change)
            worker.start()
            worker.join()
            self._change = None
        return self._model.embed(texts)  # type: ignore[attr-defined]


def _rewrite(path: Path) -> None:  # shifts every offset in the file
    path.write_text("Update: the opening was moved.\n" + path.read_text(encoding="utf-8"))


CHANGES: dict[str, Callable[[Path], None]] = {
    "rewritten": _rewrite,
    "emptied": lambda path: path.write_text(""),
    "deleted": Path.unlink,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_file_changed_during_a_run_is_consistent_after_the_next_run(
    change, tiny_corpus, tmp_path, embed_model
):
    """A run indexes the text it read; the next run swaps exactly that file's chunks, leaving no
    duplicates and every chunk equal to file_text[start:end]."""
    bridge = tiny_corpus / "bridge.txt"
    changing = ChangesFileMidRun(embed_model, lambda: CHANGES[change](bridge))
    engine = engine_for(tmp_path / "home", tiny_corpus, changing)
    first = engine.index(progress=False)
    assert first.files == len(ARTICLES)  # the run finished with what it had read
    ids = engine.collection.get()["ids"]
    assert len(ids) == len(set(ids))

    second = engine.index(progress=False)
    _assert_consistent(engine)
    if change == "rewritten":
        assert (second.updated, second.embedded > 0) == (1, True)
        assert any("moved" in d for d in engine.collection.get(include=["documents"])["documents"])
    else:
        assert second.removed == 1 and "bridge.txt" not in sources(engine)


def test_a_corpus_left_with_nothing_readable_is_a_clear_error_and_keeps_the_index(
    tiny_engine, tiny_corpus, capsys, monkeypatch
):
    count = tiny_engine.collection.count()
    for path in tiny_corpus.iterdir():
        path.write_bytes(b"")
    (tiny_corpus / "photo.txt").write_bytes(BINARIES["png.txt"])
    with pytest.raises(CorpusError, match="holds no readable article"):
        tiny_engine.index(progress=False)
    assert tiny_engine.collection.count() == count  # nothing deleted on a bad run

    monkeypatch.setenv("RAG_HOME", str(tiny_engine.settings.home))
    assert main(["index", "-q", "--corpus", str(tiny_corpus)]) == 1
    err = capsys.readouterr().err
    assert "holds no readable article" in err and "then run `rag index`" in err
    assert "Traceback" not in err
