"""Wires settings to the index and the retriever, loading each heavy part once."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

import chromadb
from chromadb.errors import ChromaError, NotFoundError

from index import state as index_state
from index.duplicates import StoryConfig
from index.embedding import MiniLMEmbedding, OpenAIEmbedding
from index.keyword import KeywordIndex
from index.loading import load_folder
from index.pipeline import IndexReport, update_index
from index.store import (
    CONNECTION_ERRORS,
    StoreUnavailableError,
    auth_headers,
    collection_name,
    local_store_id,
    open_client,
    open_collection,
    unreachable,
)
from rag.config import Settings, _offline_environment
from rag.errors import IndexWriteError, QuestionError, RagError
from rag.filters import Filters, check_filters
from rag.retrieval import HybridRetriever
from rag.timewindow import apply_time_window
from rag.types import Passage

if TYPE_CHECKING:
    from rag.answering import AnswerChain

log = logging.getLogger(__name__)


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, not {type(question).__name__}.")
    # Lone surrogates (undecodable bytes in argv, \ud800 escapes in JSON) cannot be encoded for
    # the tokenizer or a server: they are read as "?".
    text = question.encode("utf-8", "replace").decode("utf-8").strip()
    if not text:
        raise QuestionError("The question is empty: type a question about the news corpus.")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text)} characters long; the limit is {max_chars} "
            "(RAG_MAX_QUESTION_CHARS). Shorten it to the point you want answered."
        )
    return text


class ChromaUnavailableError(RagError, StoreUnavailableError):
    """The Chroma server did not answer; the message names its URL and what to do."""


class ServerCollection:
    """A collection on a Chroma server whose calls raise ChromaUnavailableError instead of raw
    httpx errors when the server is lost. The retriever, the evidence step and the indexer all
    use the engine's collections, so every Chroma call of a question is covered."""

    def __init__(
        self, collection: chromadb.Collection, guard: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self._collection = collection
        self._guard = guard

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._collection, name)
        if not callable(value):
            return value

        def guarded(*args: Any, **kwargs: Any) -> Any:
            with self._guard():
                return value(*args, **kwargs)

        return guarded


class Engine:
    """The index and retrieval resources for one Settings object."""

    def __init__(self, settings: Settings | None = None) -> None:
        _offline_environment()
        self.settings = settings or Settings()
        self._keyword: KeywordIndex | None = None
        self._store_id: tuple[int, int] | None = None  # the local Chroma database in use

    @cached_property
    def embed_model(self) -> Any:
        """The configured embedding model (loaded once)."""
        s = self.settings
        if s.embed == "openai":
            # The same endpoint and key as the openai generator (any OpenAI-compatible server).
            return OpenAIEmbedding(
                model_name=s.embed_model,
                base_url=os.environ.get("OPENAI_BASE_URL"),
                api_key=os.environ.get("OPENAI_API_KEY"),
                timeout=s.llm_timeout,
            )
        return MiniLMEmbedding(embed_batch_size=32)

    @cached_property
    def client(self) -> chromadb.ClientAPI:
        """The Chroma client (local folder or server)."""
        s = self.settings
        token = s.chroma_token.get_secret_value() if s.chroma_token else None
        headers = auth_headers(token, s.chroma_token_header)
        with self.store_calls():
            client = open_client(s.chroma_path, s.chroma_url, s.chroma_timeout, headers)
        if not s.chroma_url:
            self._store_id = local_store_id(s.chroma_path)
        return client

    def _reopen_if_replaced(self) -> None:
        """Reopen the local index when its folder was deleted (or rebuilt elsewhere) while this
        engine runs, instead of going on with the deleted files (see open_client). The next use
        then finds the new index, or builds it when there is none."""
        s = self.settings
        if s.chroma_url or "client" not in self.__dict__:
            return
        if local_store_id(s.chroma_path) == self._store_id:
            return
        log.warning("The index folder %s was deleted or replaced; reopening it.", s.chroma_path)
        for name in ("client", "retriever"):
            self.__dict__.pop(name, None)
        self._keyword = None

    @contextmanager
    def store_calls(self) -> Iterator[None]:
        """Chroma calls in this block raise ChromaUnavailableError when the server is lost. The
        retriever is then dropped, so the next question reopens the collections: a restarted
        server is used again without restarting Newsdesk or re-indexing."""
        url = self.settings.chroma_url
        try:
            yield
        except ChromaUnavailableError:
            self.__dict__.pop("retriever", None)
            raise
        except (*CONNECTION_ERRORS, StoreUnavailableError) as exc:
            if not url:
                raise
            self.__dict__.pop("retriever", None)
            message = str(exc) if isinstance(exc, StoreUnavailableError) else None
            raise ChromaUnavailableError(message or unreachable(url, exc)) from exc
        except NotFoundError as exc:
            if not url:
                raise
            self.__dict__.pop("retriever", None)  # the next question rebuilds the collections
            raise ChromaUnavailableError(
                f"The Chroma server at {url} no longer has Newsdesk's collections ({exc}): they "
                "were deleted or the server lost its data. Ask again to rebuild the index from "
                f"{self.settings.corpus} (or run `rag index`)."
            ) from exc

    def _open(self, name: str) -> chromadb.Collection:
        with self.store_calls():
            collection = open_collection(self.client, name)
        if not self.settings.chroma_url:
            return collection
        return cast(chromadb.Collection, ServerCollection(collection, self.store_calls))

    @property
    def collection(self) -> chromadb.Collection:
        """The chunk collection for the configured embedding model."""
        return self._open(collection_name(self.embed_model.model_name))

    @property
    def sentences(self) -> chromadb.Collection:
        """The sentence collection (one vector per sentence of every chunk)."""
        return self._open(collection_name(self.embed_model.model_name) + "-sentences")

    def index(self, progress: bool = True) -> IndexReport:
        """Bring the index in line with the corpus folder (incremental). IndexWriteError when
        writing fails (e.g. a full disk): a later run keeps what was written and adds the rest."""
        self._reopen_if_replaced()
        before = index_state.corpus_fingerprint(self.settings)
        index_state.forget(self.settings)
        s = self.settings
        articles = load_folder(s.corpus, texts_dir=s.texts_path, max_bytes=s.add_max_bytes)
        try:
            report = update_index(
                articles,
                self.collection,
                self.sentences,
                self.embed_model,
                self.settings.keyword_path,
                self.settings.chunk_tokens,
                progress=progress,
                stories=self.story_config(),
            )
        except (ChromaError, OSError) as exc:  # chromadb reports a full disk as InternalError
            raise IndexWriteError(self._write_failed(exc)) from exc
        self._keyword = None
        self.__dict__.pop("retriever", None)
        index_state.record(self.settings, before, {"files": report.files, "chunks": report.chunks})
        return report

    def story_config(self) -> StoryConfig:
        """How near-duplicate stories are grouped at index time (from Settings)."""
        s = self.settings
        return StoryConfig(s.story_threshold, s.story_perms, s.story_shingle)

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

    def _write_failed(self, exc: BaseException) -> str:
        s = self.settings
        where = f"{s.home}" + (f" and the Chroma server at {s.chroma_url}" if s.chroma_url else "")
        try:
            free = f"; {shutil.disk_usage(s.home).free / 1e6:.0f} MB are free under {s.home}"
        except OSError:
            free = ""
        return (
            f"Writing the index to {where} failed ({type(exc).__name__}: {exc}){free}. "
            "Free disk space if it is full and check that the folder is writable, then run "
            "`rag index` again: it keeps what was written and adds only the rest."
        )

    @property
    def retriever(self) -> HybridRetriever:
        """The retriever in the configured mode (cached in __dict__, so popping "retriever"
        drops it; reopened when the local index folder was deleted)."""
        self._reopen_if_replaced()
        if "retriever" not in self.__dict__:
            s = self.settings
            self.__dict__["retriever"] = HybridRetriever(
                self.collection,
                self.sentences,
                self.embed_model,
                self.keyword(),
                mode=s.retrieval,
                candidates=s.candidates,
                rrf_k=s.rrf_k,
                sentence_factor=s.retrieval_sentence_factor,
                collapse_stories=s.retrieval_collapse_stories,
            )
        return self.__dict__["retriever"]

    @cached_property
    def chain(self) -> AnswerChain:
        """The answer chain over this engine."""
        from rag.answering import AnswerChain

        return AnswerChain(self)

    def retrieve(
        self, question: str, top_k: int | None = None, filters: object = None
    ) -> list[Passage]:
        """Best passages for a question among the articles `filters` keeps (see rag.retrieve)."""
        text = check_question(question, self.settings.max_question_chars)
        checked = check_filters(filters)
        return self.retriever.retrieve(text, top_k or self.settings.top_k, filters=checked)

    def newest_date(self) -> str | None:
        """ISO date of the newest dated article in the index; None when none has a date."""
        newest = max(self.keyword().fields["date_num"], default=0)
        if not newest:
            return None
        return f"{newest // 10000:04d}-{newest // 100 % 100:02d}-{newest % 100:02d}"

    def apply_time_window(
        self, question: str, filters: object = None
    ) -> tuple[Filters | None, str]:
        """`filters` checked and narrowed by a time window the question names ("after May 16"),
        and a note of what was applied ("" when nothing was; see rag.timewindow)."""
        if not self.settings.time_windows:
            return check_filters(filters), ""
        return apply_time_window(question, filters, self.newest_date())
