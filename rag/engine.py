"""Wires settings to the index and the retriever, loading each heavy part once."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any

import chromadb

from index.embedding import MiniLMEmbedding, OpenAIEmbedding
from index.keyword import KeywordIndex
from index.loading import load_folder
from index.pipeline import IndexReport, update_index
from index.store import collection_name, open_client, open_collection
from rag.config import Settings, _offline_environment
from rag.errors import QuestionError
from rag.retrieval import HybridRetriever
from rag.types import Passage

if TYPE_CHECKING:
    from rag.answering import AnswerChain

log = logging.getLogger(__name__)


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, not {type(question).__name__}.")
    text = question.strip()
    if not text:
        raise QuestionError("The question is empty: type a question about the news corpus.")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text)} characters long; the limit is {max_chars} "
            "(RAG_MAX_QUESTION_CHARS). Shorten it to the point you want answered."
        )
    return text


class Engine:
    """The index and retrieval resources for one Settings object."""

    def __init__(self, settings: Settings | None = None) -> None:
        _offline_environment()
        self.settings = settings or Settings()
        self._keyword: KeywordIndex | None = None

    @cached_property
    def embed_model(self) -> Any:
        """The configured embedding model (loaded once)."""
        s = self.settings
        if s.embed == "openai":
            return OpenAIEmbedding(model_name=s.embed_model)
        return MiniLMEmbedding(embed_batch_size=32)

    @cached_property
    def client(self) -> chromadb.ClientAPI:
        """The Chroma client (local folder or server)."""
        return open_client(self.settings.chroma_path, self.settings.chroma_url)

    @property
    def collection(self) -> chromadb.Collection:
        """The chunk collection for the configured embedding model."""
        return open_collection(self.client, collection_name(self.embed_model.model_name))

    @property
    def sentences(self) -> chromadb.Collection:
        """The sentence collection (one vector per sentence of every chunk)."""
        name = collection_name(self.embed_model.model_name) + "-sentences"
        return open_collection(self.client, name)

    def index(self, progress: bool = True) -> IndexReport:
        """Bring the index in line with the corpus folder (incremental)."""
        articles = load_folder(self.settings.corpus)
        report = update_index(
            articles,
            self.collection,
            self.sentences,
            self.embed_model,
            self.settings.keyword_path,
            self.settings.chunk_tokens,
            progress=progress,
        )
        self._keyword = None
        self.__dict__.pop("retriever", None)
        return report

    def keyword(self) -> KeywordIndex:
        """The persisted keyword index, built with the vector index when missing."""
        if self._keyword is None:
            self._keyword = KeywordIndex.load(self.settings.keyword_path)
        if self._keyword is None or self.collection.count() == 0:
            log.warning(
                "No index in %s yet: building it from %s (once).",
                self.settings.home,
                self.settings.corpus,
            )
            log.warning(self.index(progress=False).summary())
            self._keyword = KeywordIndex.load(self.settings.keyword_path)
        assert self._keyword is not None
        return self._keyword

    @cached_property
    def retriever(self) -> HybridRetriever:
        """The retriever in the configured mode."""
        s = self.settings
        return HybridRetriever(
            self.collection,
            self.sentences,
            self.embed_model,
            self.keyword(),
            mode=s.retrieval,
            candidates=s.candidates,
            rrf_k=s.rrf_k,
        )

    @cached_property
    def chain(self) -> AnswerChain:
        """The answer chain over this engine."""
        from rag.answering import AnswerChain

        return AnswerChain(self)

    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        """Best passages for a question (see rag.retrieve)."""
        text = check_question(question, self.settings.max_question_chars)
        return self.retriever.retrieve(text, top_k or self.settings.top_k)
