"""Shared fixtures: a real index of the shipped corpus in a temporary data folder."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

import rag
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from tests.fakes import restored_generator

CORPUS = PROJECT_ROOT / "corpus"


class CountingTokens:
    """A whitespace token counter, enough to drive chunking in unit tests."""

    def __call__(self, text: str) -> int:
        return len(text.split())


@pytest.fixture(scope="session")
def embed_model():
    """The real shipped MiniLM model (loaded once per session)."""
    from index.embedding import MiniLMEmbedding

    return MiniLMEmbedding(embed_batch_size=32)


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory, embed_model) -> Engine:
    """An Engine over a copy of the shipped corpus, indexed once for the session."""
    home = tmp_path_factory.mktemp("rag-home")
    engine = Engine(Settings(home=home, corpus=CORPUS), embed_model=embed_model)
    engine.index(progress=False)
    return engine


@pytest.fixture()
def api_engine(corpus_engine):
    """The public rag.* functions bound to the session's indexed engine."""
    with rag.using(corpus_engine):
        yield corpus_engine


@pytest.fixture(autouse=True)
def restored_api():
    """Whatever engine a test binds to the public API (a CLI run configures its own) is undone
    afterwards."""
    with rag.using():
        yield


@pytest.fixture()
def bind_api():
    """`bind_api(engine)`: the public API uses `engine` for the rest of the test."""
    with contextlib.ExitStack() as stack:
        yield lambda engine: stack.enter_context(rag.using(engine))


@pytest.fixture()
def chain(api_engine):
    """The session engine's answer chain; `tests.fakes.use(chain, generator)` scripts it."""
    with restored_generator(rag.api.chain_for(api_engine)) as chain:
        yield chain


@pytest.fixture()
def small_corpus(tmp_path) -> Path:
    """A writable copy of two shipped articles."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("003_25123ef9c5ee8341.txt", "004_a06f00912a43195f.txt"):
        shutil.copy(CORPUS / name, folder / name)
    shutil.copy(CORPUS / "metadata.json", folder / "metadata.json")
    return folder
