"""The llama.cpp server never outlives Newsdesk: a real `rag ui` answers one question with the
local model, then is stopped with SIGTERM, or killed with SIGKILL (the crash path: the kernel's
PR_SET_PDEATHSIG), and its server process is gone and its port free."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.config import PROJECT_ROOT
from tests.fakes import free_port
from tests.reliability.corpora import BRIDGE_QUESTION, write_articles

pytestmark = pytest.mark.slow
MODEL_DIR = Path(os.environ.get("RAG_MODEL_DIR") or PROJECT_ROOT / ".rag" / "models")


def children(pid: int) -> list[int]:
    """Pids of the direct children of `pid`, whichever of its threads forked them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


def start_ui(tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A real `rag ui` with the local model over a tiny corpus; returns it and its URL."""
    port = free_port()
    env = {
        **os.environ,
        "RAG_HOME": str(tmp_path / "home"),
        "RAG_CORPUS": str(write_articles(tmp_path / "corpus")),
        "RAG_MODEL_DIR": str(MODEL_DIR),
        "RAG_LLM": "local",
        "RAG_LLM_THREADS": "2",
    }
    env.pop("RAG_UI_PASSWORD", None)
    rag_command = [sys.executable, "-m", "rag.cli", "ui", "--port", str(port)]
    log = (tmp_path / "ui.log").open("wb")
    ui = subprocess.Popen(rag_command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    assert wait_until(up, 300), (tmp_path / "ui.log").read_text(errors="replace")
    return ui, url


def ask_and_find_servers(ui: subprocess.Popen[bytes], url: str) -> list[tuple[int, int]]:
    """Ask one question through the UI's API; the pid and port of each llama.cpp server (the
    answer's, and the claim judge's, which returns logprobs)."""
    from gradio_client import Client

    reply = Client(url, verbose=False).predict(BRIDGE_QUESTION, "", api_name="/ask")
    assert reply["backend"] == "local" and "Kowalski" in reply["text"], reply
    servers = {p: command_line(p).split() for p in children(ui.pid)}
    servers = {p: args for p, args in servers.items() if "--model" in args}
    names = sorted(args[args.index("-m") + 1] for args in servers.values())
    assert names == ["llama_cpp.server", "rag.judge_server"], names
    return [(p, int(args[args.index("--port") + 1])) for p, args in servers.items()]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_the_llm_server_dies_with_rag_ui(how: signal.Signals, tmp_path: Path) -> None:
    if not (MODEL_DIR / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").exists():
        pytest.fail(f"the local model is not assembled in {MODEL_DIR}: run `make run` once")
    ui, url = start_ui(tmp_path)
    try:
        servers = ask_and_find_servers(ui, url)
        assert all(alive(server) and port_open(port) for server, port in servers)
        ui.send_signal(how)
        ui.wait(timeout=60)
        for server, port in servers:
            assert wait_until(lambda s=server: not alive(s), 30), f"server {server} outlived ui"
            assert wait_until(lambda p=port: not port_open(p), 10), f"port {port} still open"
    finally:
        if ui.poll() is None:
            ui.kill()
            ui.wait()
