"""Baseline: the plain llama-index recipe a user would write first, scored like Newsdesk.

SimpleDirectoryReader over the corpus -> default SentenceSplitter -> VectorStoreIndex on a Chroma
collection (temporary PersistentClient) with the same MiniLM embedding model -> CitationQueryEngine
with the same local LLM (Qwen 1.5B on llama.cpp). Follow-up questions go through llama-index's
CondenseQuestionChatEngine. Each response becomes a `rag.Answer` so the same scorer applies.

Run: python -m evals.baselines.compare_baseline --help (writes the side-by-side table)
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.response.schema import Response
from llama_index.core.chat_engine import CondenseQuestionChatEngine
from llama_index.core.llms import LLM, ChatMessage
from llama_index.core.query_engine import CitationQueryEngine, CustomQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle
from pydantic import PrivateAttr

from rag.citations import normalize_markers
from rag.claims import markers_in
from rag.types import Answer, Citation, Passage

TOP_K = 5  # the same number of retrieved chunks as Newsdesk's top_k
REFUSAL_PHRASES = (
    "cannot answer",
    "can't answer",
    "unable to answer",
    "not able to answer",
    "none of the sources",
    "no information",
    "not provide",
    "does not mention",
    "do not mention",
    "doesn't mention",
    "don't mention",
    "not mentioned",
    "no mention",
    "not specified",
    "does not specify",
    "do not specify",
    "not stated",
    "does not say",
    "not enough information",
    "insufficient information",
    "don't know",
    "do not know",
    "not contain",
    "empty response",
)
_SOURCE_PREFIX = re.compile(r"^\s*Source \d+:\s*\n?")


def private_nltk_data(folder: Path) -> None:
    """Give llama-index's sentence splitter a private copy of its bundled NLTK data.

    uv installs package files as hard links to its cache, and this nltk refuses to open any
    multiply-linked file (pathsec, CWE-59), so the default SentenceSplitter fails on the bundled
    stopwords. Copies are single-linked. Skipped when NLTK_DATA is already set.
    """
    if "NLTK_DATA" in os.environ:
        return
    import llama_index.core

    bundled = Path(llama_index.core.__file__).parent / "_static" / "nltk_cache"
    target = Path(folder) / "nltk_cache"
    if not target.exists():
        shutil.copytree(bundled, target)
    os.environ["NLTK_DATA"] = str(target)


def looks_like_refusal(text: str) -> bool:
    """True when an answer says the sources do not hold the answer."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    return not lowered or any(p in lowered for p in REFUSAL_PHRASES)


def node_source(node: NodeWithScore) -> str:
    """The corpus file a (citation) node came from."""
    meta = node.node.metadata
    return str(meta.get("file_name") or Path(str(meta.get("file_path", ""))).name)


def node_quote(node: NodeWithScore) -> str:
    """A citation node's chunk text without its "Source n:" label."""
    return _SOURCE_PREFIX.sub("", node.node.get_content(), count=1).strip()


def to_answer(
    raw: str, source_nodes: list[NodeWithScore], corpus: Path, passages: list[Passage]
) -> Answer:
    """A llama-index response as a `rag.Answer`: "[n]" / "Source n" markers become Citations of
    source_nodes[n-1]; refused when the text says it cannot answer or cites nothing valid."""
    text = normalize_markers(raw).strip()
    cited = sorted(set(markers_in(text)))
    citations = []
    for n in cited:
        if 1 <= n <= len(source_nodes):
            node = source_nodes[n - 1]
            source, quote = node_source(node), node_quote(node)
            start = _offset(corpus / source, quote)
            end = start + len(quote) if start >= 0 else -1
            citations.append(Citation(n, source, source, quote, start, end))
    refused = looks_like_refusal(text) or not citations
    return Answer(text, [] if refused else citations, refused, {}, "plain-llamaindex", passages)


def _offset(path: Path, quote: str) -> int:
    try:
        return path.read_text(encoding="utf-8").find(quote)
    except OSError:
        return -1


class RecordingQueryEngine(CustomQueryEngine):
    """CitationQueryEngine.query, split into its two steps so each can be timed and the
    retrieved chunks (before citation splitting) kept as the Answer's passages."""

    engine: CitationQueryEngine
    _record: dict[str, Any] = PrivateAttr(default_factory=dict)

    def custom_query(self, query_str: str) -> Response:
        bundle = QueryBundle(query_str)
        t = time.perf_counter()
        nodes = self.engine.retrieve(bundle)
        self._record["retrieve"] = time.perf_counter() - t
        self._record["nodes"] = nodes
        t = time.perf_counter()
        response = self.engine.synthesize(bundle, nodes)
        self._record["generate"] = time.perf_counter() - t
        return response  # type: ignore[return-value]


class PlainLlamaIndex:
    """The baseline system: `ask(question, history)` returns a `rag.Answer`.

    The index is built in a temporary folder, or in `persist_dir`; a `persist_dir` that already
    holds one (from an earlier run) is loaded as it is, not built again (nor updated).
    """

    def __init__(
        self, corpus: Path, embed_model: BaseEmbedding, llm: LLM, persist_dir: Path | None = None
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from rag.config import _offline_environment

        _offline_environment()  # tiktoken's cached encodings, no telemetry
        self.corpus = Path(corpus)
        self.llm = llm
        self._tmp = None if persist_dir else tempfile.TemporaryDirectory(prefix="plain-li-")
        folder = str(persist_dir or self._tmp.name)  # type: ignore[union-attr]
        private_nltk_data(Path(folder))
        client = chromadb.PersistentClient(
            path=folder, settings=ChromaSettings(anonymized_telemetry=False)
        )
        # embedding_function=None: Chroma's default one would download a model; llama-index
        # always passes the vectors itself.
        collection = client.get_or_create_collection("plain_llamaindex", embedding_function=None)
        store = ChromaVectorStore(collection)
        if collection.count():  # an index persisted in persist_dir earlier: load it as it is
            self.index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
        else:
            documents = SimpleDirectoryReader(str(self.corpus), required_exts=[".txt"]).load_data()
            self.index = VectorStoreIndex.from_documents(
                documents,
                storage_context=StorageContext.from_defaults(vector_store=store),
                embed_model=embed_model,
            )
        citation = CitationQueryEngine.from_args(self.index, llm=llm, similarity_top_k=TOP_K)
        self.query_engine = RecordingQueryEngine(engine=citation)

    def _passages(self, nodes: list[NodeWithScore]) -> list[Passage]:
        return [
            Passage(node_source(n), node_source(n), n.node.get_content(), n.score or 0.0, -1, -1)
            for n in nodes
        ]

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer like rag.ask: follow-ups are condensed by CondenseQuestionChatEngine."""
        started = time.perf_counter()
        record = self.query_engine._record
        record.clear()
        if history:
            chat = CondenseQuestionChatEngine.from_defaults(
                query_engine=self.query_engine,
                chat_history=[ChatMessage(role=m["role"], content=m["content"]) for m in history],
                llm=self.llm,
            )
            response: Any = chat.chat(question)
            raw = response.response
        else:
            response = self.query_engine.query(question)
            raw = str(response)
        total = time.perf_counter() - started
        answer = to_answer(
            raw or "", list(response.source_nodes), self.corpus, self._passages(record["nodes"])
        )
        inner = record.get("retrieve", 0.0) + record.get("generate", 0.0)
        answer.timings = {
            "condense": max(total - inner, 0.0),
            "retrieve": record.get("retrieve", 0.0),
            "generate": record.get("generate", 0.0),
            "total": total,
        }
        return answer
