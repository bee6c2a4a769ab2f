import logging

import pytest

from index.loading import CorpusError, load_folder
from tests.conftest import CORPUS


def test_loads_shipped_corpus_with_titles():
    articles = load_folder(CORPUS)
    assert [a.source for a in articles] == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert all(a.title and a.content_hash for a in articles)
    bbc = next(a for a in articles if a.source.startswith("004"))
    assert bbc.outlet == "BBC"


def test_text_is_the_file_verbatim():
    for article in load_folder(CORPUS):
        assert article.text == (CORPUS / article.source).read_text(encoding="utf-8")


def test_missing_and_empty_folders_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_folder(tmp_path / "nope")
    with pytest.raises(CorpusError, match="no readable article"):
        load_folder(tmp_path)


def test_bad_files_are_skipped_with_a_warning(tmp_path, caplog):
    (tmp_path / "good.md").write_text("# Title\n\nA real article about talks in Istanbul.\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "binary.txt").write_bytes(b"abc\x00\x01\x02")
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 talks in Gen\xe8ve.".encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        articles = load_folder(tmp_path)
    assert sorted(a.source for a in articles) == ["good.md", "latin.txt"]
    assert "Café" in next(a for a in articles if a.source == "latin.txt").text
    for name in ("image.png", "binary.txt", "empty.txt", "latin.txt"):
        assert name in caplog.text
