"""The synthetic corpus generator of the scaling benchmark (bench/synth.py)."""

from __future__ import annotations

from pathlib import Path

from bench import synth
from index.loading import load_folder
from index.records import chunk_corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    synth.write_corpus(tmp_path / "a", 12, seed=7)
    synth.write_corpus(tmp_path / "b", 12, seed=7)
    synth.write_corpus(tmp_path / "c", 12, seed=8)
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert len(a) == 13  # 12 articles + metadata.json
    assert a != c


def test_articles_are_utf8_text_with_facts(tmp_path):
    paths = synth.write_corpus(tmp_path, 10, seed=1)
    assert all(p.suffix == ".txt" for p in paths)
    for path in paths:
        text = path.read_bytes().decode("utf-8")  # raises when not valid UTF-8
        assert text.strip()
    facts = synth.questions(seed=1, articles=10, count=8)
    names = {p.name for p in paths}
    assert len(facts) == 8
    for fact in facts:
        assert fact.source in names
        assert fact.question.endswith("?")
        assert fact.answer in (tmp_path / fact.source).read_text(encoding="utf-8")


def test_chunk_count_near_target(tmp_path):
    target = 60
    n, _ = synth.articles_for_chunks(target, seed=3)
    synth.write_corpus(tmp_path, n, seed=3)
    chunks = chunk_corpus(load_folder(tmp_path), 200, synth.token_counter())
    assert target * 0.6 <= len(chunks) <= target * 1.6
