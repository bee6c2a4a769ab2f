"""A Chroma server lost mid-session (stalled, stopped, restarted) behind one running Engine."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import pytest

import rag
from index.store import StoreError
from rag.api import chain_for
from rag.config import PROJECT_ROOT, Settings
from rag.engine import ChromaUnavailableError, Engine
from rag.errors import IndexMissingError
from tests.helpers import ChromaServer, assert_citations_valid

QUESTION = "Who did Putin appoint to lead the Russian delegation?"
CHROMA_TIMEOUT = 3.0  # seconds before a stalled server counts as down (the default is 30)
HANG_LIMIT = 60.0  # a call still running after this is a hang, reported as a failure


def bounded(call: Callable[[], Any], limit: float = HANG_LIMIT) -> Any:
    """`call()`, failing the test instead of hanging when it has not returned after `limit` s."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(call).result(timeout=limit)
    except FutureTimeout:
        pytest.fail(f"the call still had not returned after {limit:.0f} s")
    finally:
        pool.shutdown(wait=False)


def assert_unreachable(error: BaseException, url: str) -> None:
    """A clear error: a Newsdesk error naming the URL, the problem and what to do."""
    assert isinstance(error, ChromaUnavailableError), repr(error)
    assert isinstance(error, rag.RagError) and isinstance(error, StoreError)
    message = str(error)
    assert url in message and "Chroma server is unreachable" in message, message
    assert "chroma run" in message and "RAG_CHROMA_URL" in message, message


def copy_articles(folder: Path, names: list[str]) -> Path:
    """A writable corpus folder with these shipped articles and the metadata file."""
    folder.mkdir(parents=True)
    for name in [*names, "metadata.json"]:
        (folder / name).write_bytes((PROJECT_ROOT / "corpus" / name).read_bytes())
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ChromaServer]:
    """One real `chroma run` for the module; each test leaves it running."""
    chroma = ChromaServer(tmp_path_factory.mktemp("chroma") / "server-data")
    chroma.start()
    yield chroma
    chroma.stop()


@pytest.fixture(scope="module")
def engine(tmp_path_factory, embed_model, server) -> Engine:
    """An Engine over two shipped articles, indexed into the server once, answering with `none`."""
    home = tmp_path_factory.mktemp("home")
    articles = ["003_25123ef9c5ee8341.txt", "004_a06f00912a43195f.txt"]
    corpus = copy_articles(home / "corpus", articles)
    settings = Settings(
        home=home, corpus=corpus, chroma_url=server.url, llm="none", chroma_timeout=CHROMA_TIMEOUT
    )
    built = Engine(settings, embed_model=embed_model)
    assert built.index(progress=False).embedded > 0
    return built


@pytest.fixture()
def no_reindex(engine, monkeypatch) -> list[str]:
    """Records any re-indexing of `engine` (there must be none: the server kept its data)."""
    calls: list[str] = []
    original = engine.index

    def index(progress: bool = True) -> object:
        calls.append("index")
        return original(progress=progress)

    monkeypatch.setattr(engine, "index", index)
    return calls


def test_stopped_server_is_a_clear_error_and_the_same_engine_reconnects(engine, server, no_reindex):
    before = engine.retrieve(QUESTION)
    assert before[0].source.startswith("003")

    server.stop()  # SIGTERM, then wait for the process to exit
    for call in (lambda: engine.retrieve(QUESTION), lambda: chain_for(engine).ask(QUESTION)):
        with pytest.raises(ChromaUnavailableError) as caught:
            bounded(call)
        assert_unreachable(caught.value, server.url)

    server.start()  # same port, same data folder
    assert bounded(lambda: engine.retrieve(QUESTION)) == before
    answer = bounded(lambda: chain_for(engine).ask(QUESTION))
    assert not answer.refused and "Medinsky" in answer.text
    assert_citations_valid(answer, engine.settings.corpus)
    assert no_reindex == []


def test_stalled_server_times_out_instead_of_hanging(engine, server, no_reindex):
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)  # accepts connections, never answers
    try:
        with pytest.raises(ChromaUnavailableError) as caught:
            bounded(lambda: engine.retrieve(QUESTION))
        assert_unreachable(caught.value, server.url)
        assert "Timeout" in str(caught.value)
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert bounded(lambda: engine.retrieve(QUESTION))[0].source.startswith("003")
    assert no_reindex == []


def test_chat_and_api_say_the_chroma_server_is_down(engine, server, bind_api):
    """The user sees the Chroma message, not an extractive answer made from nothing."""
    import gradio as gr

    from ui import chat
    from ui.history import strip_html

    bind_api(engine)
    server.stop()
    try:
        update = bounded(lambda: list(chat.respond(QUESTION, [], [])))[-1]
        reply = strip_html(update[1][-1]["content"])
        assert f"Cannot reach the Chroma server at {server.url}" in reply, reply
        assert "could not be answered" in update[4] and "nd-cite" not in update[1][-1]["content"]
        with pytest.raises(gr.Error, match="Chroma server is unreachable"):
            bounded(lambda: chat.ask_api(QUESTION))
    finally:
        server.start()
    assert not bounded(lambda: rag.ask(QUESTION)).refused


def test_server_down_at_start_then_up_then_emptied(tmp_path: Path, embed_model):
    """A first question while the server is down fails clearly; once it is up, a question
    says to run `rag index` (a read never builds the index), and after that one it is
    answered; a server that comes back without its data is a clear error, and after `rag
    index` the same engine answers again."""
    corpus = copy_articles(tmp_path / "corpus", ["003_25123ef9c5ee8341.txt"])
    chroma = ChromaServer(tmp_path / "first-data")
    settings = Settings(
        home=tmp_path / "home",
        corpus=corpus,
        chroma_url=chroma.url,
        llm="none",
        chroma_timeout=CHROMA_TIMEOUT,
    )
    fresh = Engine(settings, embed_model=embed_model)
    with pytest.raises(ChromaUnavailableError) as caught:
        bounded(lambda: fresh.retrieve(QUESTION))
    assert_unreachable(caught.value, chroma.url)

    chroma.start()
    try:
        with pytest.raises(IndexMissingError, match="Run `rag index`"):
            bounded(lambda: fresh.retrieve(QUESTION))
        bounded(lambda: fresh.index(progress=False))
        assert bounded(lambda: fresh.retrieve(QUESTION))[0].source.startswith("003")
        chroma.stop()
        chroma.path = tmp_path / "empty-data"  # same port, none of the data
        chroma.start()
        with pytest.raises(ChromaUnavailableError, match="no longer has Newsdesk's collections"):
            bounded(lambda: fresh.retrieve(QUESTION))
        with pytest.raises(IndexMissingError, match="Run `rag index`"):
            bounded(lambda: fresh.retrieve(QUESTION))
        bounded(lambda: fresh.index(progress=False))
        assert bounded(lambda: fresh.retrieve(QUESTION))[0].source.startswith("003")
    finally:
        chroma.stop()
