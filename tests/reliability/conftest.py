"""Fixtures of the reliability suite: tiny corpora indexed with the session's real MiniLM model
(a few sentences embed in well under a second), and engines whose `openai` backend talks to a
fake OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rag.config import Settings
from rag.engine import Engine
from tests.fakes import engine_for, engine_like
from tests.reliability.corpora import write_articles
from tests.reliability.fake_openai import FakeOpenAIServer, Script


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    """Three short articles with distinct facts, in a writable folder."""
    return write_articles(tmp_path / "corpus")


@pytest.fixture()
def tiny_engine(tmp_path: Path, tiny_corpus: Path, embed_model: object) -> Engine:
    """An indexed Engine over `tiny_corpus`."""
    engine = engine_for(tmp_path / "home", tiny_corpus, embed_model)
    engine.index(progress=False)
    return engine


@pytest.fixture()
def openai_engine(
    corpus_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Engine]]:
    """`start(script, **settings)`: an Engine over the shipped corpus's index whose `openai`
    backend is a fake server playing `script` (1 s timeout unless `llm_timeout` says otherwise)."""
    servers: list[FakeOpenAIServer] = []

    def start(script: Script, **updates: object) -> Engine:
        server = FakeOpenAIServer(script)
        servers.append(server)
        env = Settings()  # the OPENAI_* variables as the test set them (e.g. a secret key)
        engine = engine_like(
            corpus_engine,
            **{"llm": "openai", "llm_model": "fake", "llm_timeout": 1.0, **updates},
            openai_base_url=server.url,
            openai_api_key=env.openai_api_key,
        )
        engine.server = server  # type: ignore[attr-defined] - for the test to inspect
        return engine

    yield start
    for server in servers:
        server.close()
