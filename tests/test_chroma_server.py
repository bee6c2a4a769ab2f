"""The RAG_CHROMA_URL path against a real `chroma run` server on 127.0.0.1."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from index.store import StoreError, open_client
from rag.config import Settings
from rag.engine import Engine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not come up within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_index_and_retrieve_through_a_chroma_server(
    tmp_path, small_corpus, embed_model, chroma_server
):
    engine = Engine(Settings(home=tmp_path / "home", corpus=small_corpus, chroma_url=chroma_server))
    engine.__dict__["embed_model"] = embed_model
    report = engine.index(progress=False)
    assert report.chunks > 0 and report.embedded > 0
    assert not (tmp_path / "home" / "chroma").exists()  # nothing written locally
    again = engine.index(progress=False)
    assert again.embedded == 0
    passages = engine.retrieve("Who did Putin appoint to lead the Russian delegation?")
    assert passages[0].source.startswith("003")
    assert engine.collection.count() == report.chunks


def test_dead_server_is_a_clear_error():
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        open_client(None, f"http://127.0.0.1:{free_port()}")
