"""The peer benchmark's measurements inside one system's process: Newsdesk or the plain
llama-index baseline (index build, retrieval and streamed answer latency, peak memory); see
bench/peer_bench.py."""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

WARMUP = 3
TOP_K = 5
WARMUP_PROMPT = "Say OK."
SERVER_FLAGS = ("--n_ctx", "--n_threads", "--n_threads_batch", "--n_batch")


def latencies_ms(call: Callable[[str], Any], questions: list[str]) -> list[float]:
    """Milliseconds of call(q) per question, after WARMUP untimed calls."""
    for question in questions[:WARMUP]:
        call(question)
    out = []
    for question in questions:
        started = time.perf_counter()
        call(question)
        out.append((time.perf_counter() - started) * 1000)
    return out


def peak_memory() -> dict[str, Any]:
    """Peak RSS (MB) of this process and of each live child process (the llama.cpp server)."""
    me = str(os.getpid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] != me:  # fields: state, ppid
                continue
            status = (stat.parent / "status").read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().decode().split("\0")
        except (OSError, IndexError):
            continue
        kib = {
            line.split(":")[0]: int(line.split()[1])
            for line in status.splitlines()
            if line.startswith(("VmHWM:", "RssAnon:", "RssFile:"))
        }
        children.append(
            {
                "pid": int(stat.parent.name),
                "cmd": cmdline,
                "peak_mb": kib["VmHWM"] / 1024,
                "now_anon_mb": kib["RssAnon"] / 1024,  # private memory (weights copy, KV, ...)
                "now_file_mb": kib["RssFile"] / 1024,  # mmapped files (the GGUF) now resident
            }
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"process_mb": own, "children": children}


def server_flags(memory: dict[str, Any]) -> dict[str, str]:
    """The llama.cpp server's n_ctx / n_threads / n_batch flags, from its command line."""
    for child in memory["children"]:
        cmd = child["cmd"]
        if "llama_cpp.server" in cmd:
            return {f.lstrip("-"): cmd[cmd.index(f) + 1] for f in SERVER_FLAGS if f in cmd}
    return {}


def log(system: str, message: str) -> None:
    """A progress line on stderr."""
    print(f"[{system}] {message}", file=sys.stderr, flush=True)


def measure_newsdesk(home: Path, questions: list[str], items: list[Any]) -> dict[str, Any]:
    """Index build, retrieval and streamed answers of Newsdesk in this process."""
    import rag
    from rag.config import Settings
    from rag.engine import Engine
    from rag.types import Answer

    engine = Engine(Settings(home=home, llm="local"))
    s = engine.settings
    started = time.perf_counter()
    generator = rag.api.chain_for(engine).generator()  # starts the llama.cpp server (shared_server)
    server_start = time.perf_counter() - started
    if generator is None:
        raise RuntimeError(
            f"The local LLM did not start: {rag.api.chain_for(engine).generator_error}"
        )
    log("newsdesk", f"server up in {server_start:.1f} s; building the index")
    started = time.perf_counter()
    engine.index(progress=False)
    build = time.perf_counter() - started
    contents = f"{engine.collection.count()} chunk + {engine.sentences.count()} sentence vectors"
    log("newsdesk", f"index built in {build:.1f} s ({contents}); timing retrieval")
    retrieve = latencies_ms(lambda q: engine.retrieve(q, TOP_K), questions)
    generator.complete([{"role": "user", "content": WARMUP_PROMPT}], max_tokens=4)
    rows = []
    for item in items:
        started = time.perf_counter()
        first = None
        for out in rag.api.chain_for(engine).stream(item.question):
            if first is None and (isinstance(out, Answer) or out):
                first = time.perf_counter() - started
            if isinstance(out, Answer):
                answer = out
        total = time.perf_counter() - started
        generated = "first_token" in answer.timings
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "first_output": first,
                "first_llm_token": first if generated else None,
                "total": total,
                "llm_calls": int(generated),
                "refused": answer.refused,
                "backend": answer.backend,
                "text": answer.text,
            }
        )
        log("newsdesk", f"{item.id}: first {first:.1f} s, total {total:.1f} s ({answer.backend})")
    return {
        "server_start_s": server_start,
        "build_s": build,
        "index_contents": contents + ", BM25",
        "retrieve_ms": retrieve,
        "answers": rows,
        "settings": {
            "retrieval": s.retrieval,
            "top_k": s.top_k,
            "chunk_tokens": s.chunk_tokens,
            "evidence_words": s.evidence.words,
            "max_tokens": s.llm_max_tokens,
            "llm_timeout_s": s.llm_timeout,
            "temperature": 0,
            "answer": "AnswerChain.stream (one LLM call; refusal before generating when the "
            "best evidence scores below relevance_min)",
        },
    }


def streaming_llm(llm: Any) -> Any:
    """A copy of the baseline's OpenAILikeLLM whose stream_chat really streams (the same chat
    request as its chat(), with stream=True) and records when each call starts and first
    yields text, in `_calls`."""
    from llama_index.core.base.llms.types import (
        ChatMessage,
        ChatResponse,
        ChatResponseGen,
        MessageRole,
    )
    from llama_index.core.llms.callbacks import llm_chat_callback
    from pydantic import PrivateAttr

    from evals.baselines.openai_like import OpenAILikeLLM

    class StreamingOpenAILikeLLM(OpenAILikeLLM):
        _calls: list[dict[str, float]] = PrivateAttr(default_factory=list)

        @llm_chat_callback()
        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            call = {"start": time.perf_counter()}
            self._calls.append(call)
            stream = self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": m.role.value, "content": m.content or ""} for m in messages],
                temperature=0,
                max_tokens=self.max_tokens,
                stream=True,
            )

            def deltas() -> ChatResponseGen:
                text = ""
                for chunk in stream:
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        call.setdefault("first", time.perf_counter())
                        text += delta
                        message = ChatMessage(role=MessageRole.ASSISTANT, content=text)
                        yield ChatResponse(message=message, delta=delta)
                call["end"] = time.perf_counter()

            return deltas()

    fields = ("model", "base_url", "max_tokens", "context_window", "timeout")
    return StreamingOpenAILikeLLM(**{f: getattr(llm, f) for f in fields})


def measure_baseline(home: Path, questions: list[str], items: list[Any]) -> dict[str, Any]:
    """Index build, retrieval and streamed answers of the plain llama-index recipe here."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core.query_engine import CitationQueryEngine
    from llama_index.core.schema import QueryBundle

    from evals.baselines.compare_baseline import local_llm
    from evals.baselines.plain_llamaindex import TOP_K as BASELINE_TOP_K
    from evals.baselines.plain_llamaindex import PlainLlamaIndex, to_answer
    from index.embedding import MiniLMEmbedding
    from rag.config import Settings

    settings = Settings(home=home, llm="local")
    started = time.perf_counter()
    llm = streaming_llm(local_llm(settings))  # starts the llama.cpp server (shared_server)
    server_start = time.perf_counter() - started
    log("baseline", f"server up in {server_start:.1f} s; building the index")
    started = time.perf_counter()
    embed_model = MiniLMEmbedding(embed_batch_size=32)
    system = PlainLlamaIndex(settings.corpus, embed_model, llm, persist_dir=home / "index")
    build = time.perf_counter() - started
    client = chromadb.PersistentClient(
        path=str(home / "index"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    contents = f"{client.get_collection('plain_llamaindex').count()} chunk vectors"
    log("baseline", f"index built in {build:.1f} s ({contents}); timing retrieval")
    citation = system.query_engine.engine
    retrieve = latencies_ms(lambda q: citation.retrieve(QueryBundle(q)), questions)
    streaming = CitationQueryEngine.from_args(
        system.index, llm=llm, similarity_top_k=BASELINE_TOP_K, streaming=True
    )
    llm.complete(WARMUP_PROMPT)
    rows = []
    for item in items:
        llm._calls.clear()
        started = time.perf_counter()
        response = streaming.query(item.question)
        first, text = None, ""
        for token in getattr(response, "response_gen", None) or [str(response)]:
            if first is None and token:
                first = time.perf_counter() - started
            text += token
        total = time.perf_counter() - started
        calls = list(llm._calls)
        first_call = calls[0].get("first") if calls else None
        answer = to_answer(text, list(response.source_nodes), settings.corpus, [])
        rows.append(
            {
                "id": item.id,
                "type": item.type,
                "first_output": first if first is not None else total,
                "first_llm_token": None if first_call is None else first_call - started,
                "total": total,
                "llm_calls": len(calls),
                "refused": answer.refused,
                "backend": "plain-llamaindex",
                "text": text,
            }
        )
        log("baseline", f"{item.id}: first {rows[-1]['first_output']:.1f} s, total {total:.1f} s")
    return {
        "server_start_s": server_start,
        "build_s": build,
        "index_contents": contents,
        "retrieve_ms": retrieve,
        "answers": rows,
        "settings": {
            "retrieval": "vector (Chroma, default l2 space)",
            "top_k": BASELINE_TOP_K,
            "chunk_tokens": "SentenceSplitter default (1024, overlap 200)",
            "max_tokens": llm.max_tokens,
            "llm_timeout_s": llm.timeout,
            "temperature": 0,
            "answer": "CitationQueryEngine(streaming=True), compact/refine: one or more LLM "
            "calls over 512-token citation chunks",
        },
    }
