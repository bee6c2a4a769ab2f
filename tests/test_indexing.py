"""Incremental indexing against a real Chroma folder and the real embedding model."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import state as index_state
from index.chunking import chunk_article
from index.keyword import KeywordIndex
from index.loading import load_folder
from rag.config import Settings
from rag.engine import Engine
from rag.errors import IndexWriteError


def _engine(home: Path, corpus: Path, embed_model) -> Engine:
    return Engine(Settings(home=home, corpus=corpus), embed_model=embed_model)


def _expected_ids(engine: Engine) -> set[str]:
    articles = load_folder(engine.settings.corpus)
    return {
        c.id
        for a in articles
        for c in chunk_article(a, engine.settings.chunk_tokens, engine.embed_model.count_tokens)
    }


def _assert_consistent(engine: Engine) -> None:
    stored = engine.collection.get(include=["metadatas", "documents"])
    assert len(stored["ids"]) == len(set(stored["ids"]))
    assert set(stored["ids"]) == _expected_ids(engine)
    corpus = engine.settings.corpus
    for doc, meta in zip(stored["documents"], stored["metadatas"], strict=True):
        text = (corpus / meta["source"]).read_text(encoding="utf-8")
        assert text[meta["start"] : meta["end"]] == doc
    sentences = engine.sentences.get(include=["metadatas"])
    assert {m["chunk_id"] for m in sentences["metadatas"]} == set(stored["ids"])
    keyword = KeywordIndex.load(engine.settings.keyword_path)
    assert keyword is not None and set(keyword.ids) == set(stored["ids"])
    rows = zip(sentences["ids"], sentences["metadatas"], strict=True)
    owners = {s: m["chunk_id"] for s, m in rows}
    assert keyword.sentences is not None  # filtered questions search among these ids
    kept = {s: c for c, ids in zip(keyword.ids, keyword.sentences, strict=True) for s in ids}
    assert kept == owners


def test_rerun_change_and_delete(tmp_path, small_corpus, embed_model):
    engine = _engine(tmp_path / "home", small_corpus, embed_model)
    first = engine.index(progress=False)
    assert first.added == 2 and first.embedded > first.chunks
    _assert_consistent(engine)
    count = engine.collection.count()

    again = engine.index(progress=False)
    assert (again.embedded, again.deleted, again.added, again.updated) == (0, 0, 0, 0)
    assert engine.collection.count() == count

    other = sorted(small_corpus.glob("004*"))[0]
    before_other = set(engine.collection.get(where={"source": other.name})["ids"])
    assert before_other
    changed = sorted(small_corpus.glob("003*"))[0]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nA new closing paragraph about Medinsky.\n",
        encoding="utf-8",
    )
    update = engine.index(progress=False)
    assert (update.updated, update.added, update.removed) == (1, 0, 0)
    assert update.embedded > 0
    _assert_consistent(engine)
    stored = engine.collection.get(where={"source": other.name})
    assert set(stored["ids"]) == before_other  # the other file was not touched

    changed.unlink()
    removal = engine.index(progress=False)
    assert removal.removed == 1 and removal.embedded == 0
    assert engine.collection.get(where={"source": changed.name})["ids"] == []
    assert engine.sentences.get(where={"source": changed.name})["ids"] == []
    _assert_consistent(engine)


def test_killed_run_is_finished_without_duplicates(tmp_path, embed_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shipped = load_folder(Path(__file__).resolve().parent.parent / "corpus")
    for n in range(3):  # enough text that embedding takes a few seconds
        for a in shipped:
            (corpus / f"{n}_{a.source}").write_text(f"Copy {n}.\n" + a.text, encoding="utf-8")
    home = tmp_path / "home"
    env = dict(os.environ, RAG_HOME=str(home), RAG_CORPUS=str(corpus))
    log = tmp_path / "index.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "index"],
            env=env,
            stderr=err,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if re.search(r"Embedding chunks:\s+\d+%\S* *\|[^|]*\| *[1-9]\d*/", log.read_text()):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "indexing finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    engine = _engine(home, corpus, embed_model)
    partial = engine.collection.count()
    report = engine.index(progress=False)
    assert partial < report.chunks
    assert report.embedded > 0
    _assert_consistent(engine)


def _rag_index(home: Path, corpus: Path, *args: str) -> str:
    env = dict(os.environ, RAG_HOME=str(home), RAG_CORPUS=str(corpus))
    code = (
        "import sys; from rag.cli import main; code = main(['index', '-q', *sys.argv[1:]]); "
        "heavy = sorted(m for m in ('llama_index.core', 'chromadb', 'onnxruntime') "
        "if m in sys.modules); print('HEAVY', heavy); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_unchanged_corpus_is_confirmed_without_loading_models(tmp_path, small_corpus, embed_model):
    """`rag index` on an unchanged corpus answers from the record of the last complete run,
    without importing llama-index, Chroma or onnxruntime; anything that may have changed the
    index sends it through the full incremental path again."""
    home = tmp_path / "home"
    first = _rag_index(home, small_corpus)
    assert "Indexed 2 files" in first and "HEAVY ['chromadb', 'llama_index.core'" in first
    again = _rag_index(home, small_corpus)
    assert again.startswith("Index up to date: 2 files,") and "HEAVY []" in again
    assert "Indexed 2 files" in _rag_index(home, small_corpus, "--full")

    engine = _engine(home, small_corpus, embed_model)
    settings = engine.settings
    assert index_state.unchanged(settings.index_place()) is not None
    # A touched file (same bytes, new mtime), another setting, a lost keyword index or Chroma
    # database, or a Chroma server: no shortcut.
    path = small_corpus / "003_25123ef9c5ee8341.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert index_state.unchanged(settings.index_place()) is None
    engine.index(progress=False)
    assert index_state.unchanged(settings.index_place()) is not None
    assert (
        index_state.unchanged(settings.model_copy(update={"chunk_tokens": 128}).index_place())
        is None
    )
    assert (
        index_state.unchanged(
            settings.model_copy(update={"chroma_url": "http://x:1"}).index_place()
        )
        is None
    )
    (small_corpus / "new.txt").write_text("A new article about the talks.\n", encoding="utf-8")
    assert index_state.unchanged(settings.index_place()) is None
    engine.index(progress=False)
    for lost in (settings.keyword_path, settings.chroma_path / index_state.LOCAL_DATABASE):
        assert index_state.unchanged(settings.index_place()) is not None
        moved = lost.with_name(lost.name + ".moved")
        lost.rename(moved)
        assert index_state.unchanged(settings.index_place()) is None
        moved.rename(lost)


def test_a_run_that_fails_leaves_no_record(tmp_path, small_corpus, embed_model, monkeypatch):
    engine = _engine(tmp_path / "home", small_corpus, embed_model)
    engine.index(progress=False)
    assert index_state.unchanged(engine.settings.index_place()) is not None

    def fail(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rag.engine.update_index", fail)
    with pytest.raises(IndexWriteError):
        engine.index(progress=False)
    assert index_state.unchanged(engine.settings.index_place()) is None
