"""A broken index: a full disk mid-write, the Chroma folder deleted under a running app.

A run killed mid-write (SIGKILL of a real `rag index`) is covered by
tests/test_indexing.py::test_killed_run_is_finished_without_duplicates.

A real full disk was tried once on a 3 MB tmpfs: chromadb then raises
`chromadb.errors.InternalError: Error in compaction: Failed to apply logs to the metadata
segment` from `Collection.add`, and after the disk is grown a second run completes the index
with no duplicates. The tests below raise that same error (and OSError ENOSPC) by monkeypatching,
which works on any machine without mounting anything.
"""

from __future__ import annotations

import errno
import logging
import shutil

import bm25s
import pytest
from chromadb.api.models.Collection import Collection
from chromadb.errors import InternalError

import rag
from rag.api import chain_for
from rag.cli import main
from rag.errors import IndexMissingError, IndexWriteError
from tests.fakes import engine_for
from tests.helpers import assert_citations_valid
from tests.reliability.corpora import BRIDGE_QUESTION
from tests.test_indexing import _assert_consistent

ENOSPC = OSError(errno.ENOSPC, "No space left on device")
CHROMA_FULL = InternalError("Error in compaction: Failed to apply logs to the metadata segment")


def fail_after(calls: int, error: BaseException):  # noqa: ANN201 - a monkeypatch replacement
    """A Collection.add that works `calls` times, then raises `error` (the disk filled up)."""
    real = Collection.add
    count = {"n": 0}

    def add(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        count["n"] += 1
        if count["n"] > calls:
            raise error
        return real(self, *args, **kwargs)

    return add


def assert_write_error_is_clear(error: IndexWriteError, cause: BaseException) -> None:
    """What went wrong (with the cause and the free space) and what to do."""
    message = str(error)
    assert "Writing the index to" in message and str(cause) in message
    assert "MB are free" in message and "Free disk space" in message
    assert "run `rag index` again" in message


@pytest.mark.parametrize("error", [CHROMA_FULL, ENOSPC], ids=["chroma-internal", "enospc"])
def test_disk_full_while_adding_vectors_is_clear_and_the_next_run_repairs(
    error, tmp_path, tiny_corpus, embed_model, monkeypatch
):
    monkeypatch.setattr(Collection, "add", fail_after(2, error))
    # index_batch=4: several batches from a tiny corpus
    engine = engine_for(tmp_path / "home", tiny_corpus, embed_model, index_batch=4)
    with pytest.raises(IndexWriteError) as caught:
        engine.index(progress=False)
    assert_write_error_is_clear(caught.value, error)
    assert engine.collection.count() > 0  # the batches written before the failure are kept

    monkeypatch.undo()  # space freed
    report = engine.index(progress=False)
    assert report.embedded > 0 and report.deleted == 0  # resumed, nothing redone
    _assert_consistent(engine)


def test_disk_full_while_saving_the_keyword_index_keeps_the_old_one(
    tmp_path, tiny_engine, tiny_corpus, monkeypatch
):
    keyword_files = sorted(p.name for p in tiny_engine.settings.keyword_path.rglob("*"))
    (tiny_corpus / "harvest.txt").write_text("Late frost ruined the Loire vineyards in April.\n")

    def full_disk(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise ENOSPC

    monkeypatch.setattr(bm25s.BM25, "save", full_disk)
    with pytest.raises(IndexWriteError) as caught:
        tiny_engine.index(progress=False)
    assert_write_error_is_clear(caught.value, ENOSPC)
    assert sorted(p.name for p in tiny_engine.settings.keyword_path.rglob("*")) == keyword_files

    monkeypatch.undo()
    tiny_engine.index(progress=False)
    _assert_consistent(tiny_engine)


def test_rag_index_on_a_full_disk_prints_the_error_without_a_traceback(
    tmp_path, tiny_corpus, monkeypatch, capsys
):
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(Collection, "add", fail_after(0, CHROMA_FULL))
    assert main(["index", "-q", "--corpus", str(tiny_corpus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Writing the index to") and "Traceback" not in err
    assert "run `rag index` again" in err


@pytest.mark.parametrize("deleted", ["chroma", "whole-home"])
def test_index_folder_deleted_while_running_says_to_run_rag_index(
    deleted, tiny_engine, tiny_corpus, caplog
):
    """chromadb keeps one client per folder for the life of the process, so without care a
    deleted folder goes on being read (and written) as ghost files, and `rag index` in the same
    process reports success while writing nothing to disk. A question never rebuilds the index
    itself: it says to run `rag index`, and the same engine then uses what that wrote."""
    home = tiny_engine.settings.home
    assert not chain_for(tiny_engine).ask(BRIDGE_QUESTION).refused
    shutil.rmtree(home / "chroma" if deleted == "chroma" else home)

    with caplog.at_level(logging.WARNING), pytest.raises(IndexMissingError) as caught:
        rag.api.chain_for(tiny_engine).ask(BRIDGE_QUESTION)
    assert "was deleted or replaced; reopening it" in caplog.text
    assert "Run `rag index`" in str(caught.value) and str(home) in str(caught.value)
    assert tiny_engine.collection.count() == 0  # the read wrote nothing

    assert tiny_engine.index(progress=False).embedded > 0  # what `rag index` does
    answer = rag.api.chain_for(tiny_engine).ask(BRIDGE_QUESTION)
    assert not answer.refused and "Kowalski" in answer.text
    assert_citations_valid(answer, tiny_corpus)
    assert (home / "chroma" / "chroma.sqlite3").is_file()
    _assert_consistent(tiny_engine)
    assert tiny_engine.index(progress=False).embedded == 0  # nothing left to do


def test_index_folder_deleted_then_rebuilt_by_rag_index_is_picked_up(
    tiny_engine, tiny_corpus, embed_model, monkeypatch, caplog
):
    home = tiny_engine.settings.home
    assert tiny_engine.retrieve(BRIDGE_QUESTION)
    shutil.rmtree(home / "chroma")
    monkeypatch.setenv("RAG_HOME", str(home))
    assert main(["index", "-q", "--corpus", str(tiny_corpus)]) == 0
    fresh = engine_for(home, tiny_corpus, embed_model)
    _assert_consistent(fresh)

    with caplog.at_level(logging.WARNING):
        passages = tiny_engine.retrieve(BRIDGE_QUESTION)
    assert "building it" not in caplog.text  # the running engine uses the rebuilt index
    assert passages and passages[0].source == "bridge.txt"
    _assert_consistent(tiny_engine)
