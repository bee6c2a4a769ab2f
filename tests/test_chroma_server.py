"""The RAG_CHROMA_URL path against a real `chroma run` server on 127.0.0.1."""

import pytest

from index.keyword import KeywordIndex
from index.store import StoreError, open_client
from rag.config import Settings
from rag.engine import Engine
from rag.filters import Filters
from rag.retrieval import HybridRetriever
from tests.fakes import free_port
from tests.helpers import ChromaServer


@pytest.fixture()
def chroma_server(tmp_path):
    server = ChromaServer(tmp_path / "server-data")
    yield server.start()
    server.stop()


def test_index_and_retrieve_through_a_chroma_server(
    tmp_path, small_corpus, embed_model, chroma_server
):
    settings = Settings(home=tmp_path / "home", corpus=small_corpus, chroma_url=chroma_server)
    engine = Engine(settings, embed_model=embed_model)
    report = engine.index(progress=False)
    assert report.chunks > 0 and report.embedded > 0
    assert not (tmp_path / "home" / "chroma").exists()  # nothing written locally
    again = engine.index(progress=False)
    assert again.embedded == 0
    passages = engine.retrieve("Who did Putin appoint to lead the Russian delegation?")
    assert passages[0].source.startswith("003")
    assert engine.collection.count() == report.chunks
    # A filter is sent as the matching ids (rag/prefilter.py) and ranks as the `where` does.
    bbc, question = Filters(outlets=("BBC",)), "Who did Putin appoint?"
    keyword = engine.keyword()
    legacy = KeywordIndex(keyword.ids, keyword.model, keyword.fields)  # no sentence ids: `where`
    where = HybridRetriever(engine.collection, engine.sentences, embed_model, legacy)
    filtered = engine.retriever.retrieve(question, 5, filters=bbc)
    assert engine.retriever.prefilter.usable and len(filtered) == 5
    assert {p.source for p in filtered} == {"004_a06f00912a43195f.txt"}
    assert [p.id for p in filtered] == [p.id for p in where.retrieve(question, 5, filters=bbc)]


def test_dead_server_is_a_clear_error():
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        open_client(None, f"http://127.0.0.1:{free_port()}")
