"""Secrets come from Settings wherever they were set (a real `.env` included) and are redacted;
OpenAI embedding errors are redacted; a read never builds the index; collections open once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rag
from rag.cli import main
from rag.config import Settings
from rag.embedders import EmbeddingBackendError
from rag.engine import Engine
from rag.errors import IndexMissingError
from rag.redaction import REDACTED, redact
from tests.fakes import HashingEmbedding, engine_for
from tests.reliability.corpora import BRIDGE_QUESTION, write_articles
from tests.reliability.fake_openai import FakeOpenAIServer, Handler, send_body

KEY = "sk-from-dotenv-0123456789abcdef"
TOKEN = "chroma-token-from-dotenv-42"
PASSWORD = "ui-password-from-dotenv-7"
SECRET_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_CHROMA_TOKEN", "RAG_UI_PASSWORD")


@pytest.fixture()
def dotenv_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder whose `.env` holds the three secrets; none is in the environment."""
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text(
        f"OPENAI_API_KEY={KEY}\nRAG_CHROMA_TOKEN={TOKEN}\nRAG_UI_PASSWORD={PASSWORD}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_secrets_in_dotenv_reach_settings_and_are_redacted(dotenv_folder: Path) -> None:
    settings = Settings()
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == KEY
    assert settings.llm_backend == "openai"  # the usual variable name works from .env
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
    leaked = f"401: bad key {KEY}; token {TOKEN}; password {PASSWORD}."
    assert redact(leaked) == f"401: bad key {REDACTED}; token {REDACTED}; password {REDACTED}."


def test_a_secret_given_only_to_an_engine_is_redacted(tmp_path: Path) -> None:
    only_here = "tok-given-in-code-only-31337"
    Engine(Settings(home=tmp_path, chroma_token=only_here, _env_file=None))
    assert redact(f"server said: {only_here}") == f"server said: {REDACTED}"


def quote_the_key(handler: Handler) -> None:
    """A proxy whose 401 error message quotes the key it was given."""
    message = f"Invalid key: {handler.headers.get('Authorization', '')}"
    send_body(handler, 401, json.dumps({"error": {"message": message}}), "application/json")


def test_openai_embedding_errors_are_redacted(tmp_path: Path) -> None:
    server = FakeOpenAIServer(quote_the_key)
    try:
        settings = Settings(
            home=tmp_path,
            embed="openai",
            openai_base_url=server.url,
            openai_api_key="sk-embedding-secret-abcdef0123456789",
            _env_file=None,
        )
        with pytest.raises(EmbeddingBackendError) as caught:
            Engine(settings).embed_model.embed(["a question"])
    finally:
        server.close()
    message = str(caught.value)
    assert server.requests, "the request reached the server"
    assert "sk-embedding-secret" not in message and REDACTED in message
    assert "OPENAI_API_KEY" in message and "RAG_EMBED=minilm" in message
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_read_never_builds_the_index(tmp_path: Path) -> None:
    corpus = write_articles(tmp_path / "corpus")
    engine = engine_for(tmp_path / "home", corpus, HashingEmbedding())
    with pytest.raises(IndexMissingError, match="Run `rag index`") as caught:
        engine.retrieve(BRIDGE_QUESTION)
    assert str(corpus) in str(caught.value)
    assert engine.collection.count() == 0 and not (tmp_path / "home" / "keyword").exists()

    assert engine.ensure_index() is not None  # the deliberate write
    assert engine.ensure_index() is None  # once
    assert engine.retrieve(BRIDGE_QUESTION)[0].source == "bridge.txt"


def test_collections_are_opened_once(tmp_path: Path) -> None:
    engine = engine_for(tmp_path / "home", write_articles(tmp_path / "corpus"), HashingEmbedding())
    assert engine.collection is engine.collection
    assert engine.sentences is engine.sentences and engine.sentences is not engine.collection


def test_rag_search_on_a_fresh_folder_builds_the_index_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_articles(tmp_path / "corpus")
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    assert main(["search", BRIDGE_QUESTION, "--corpus", str(corpus), "-k", "2"]) == 0
    out, err = capsys.readouterr()
    assert "No index yet, built it first: Indexed 3 files" in err
    assert out.startswith("1. Springfield opens its new river bridge")
    assert main(["search", BRIDGE_QUESTION, "--corpus", str(corpus)]) == 0
    assert "No index yet" not in capsys.readouterr().err
    assert rag.get_engine().settings.home == tmp_path / "home"
