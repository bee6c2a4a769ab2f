"""Wires settings to the index and the retriever, loading each heavy part once."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any, cast

import chromadb
from chromadb.errors import ChromaError, NotFoundError

from index import state as index_state
from index.duplicates import StoryConfig
from index.keyword import KeywordIndex
from index.loading import load_folder
from index.pipeline import IndexReport, IndexStep, update_index
from index.pipeline import step as index_step
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
from rag import redaction
from rag.config import Settings, _offline_environment
from rag.embedders import make_embed_model
from rag.errors import IndexMissingError, IndexWriteError, QuestionError
from rag.filters import Filters, check_filters
from rag.question_check import check_question
from rag.remote_store import ChromaUnavailableError, ServerCollection
from rag.retrieval import HybridRetriever
from rag.timewindow import apply_time_window
from rag.types import Passage

log = logging.getLogger(__name__)


class Engine:
    """The index and retrieval resources for one Settings object.

    Args:
        settings: the configuration (None: from the environment and `.env`).
        embed_model: the embedding model to use instead of the configured one (tests pass a
            shared or fake one; anything with `embed(texts)`, `count_tokens` and `model_name`).
    """

    def __init__(self, settings: Settings | None = None, embed_model: Any = None) -> None:
        _offline_environment()
        self.settings = settings or Settings()
        redaction.remember(self.settings)  # secrets given here, not in the environment, too
        self._embed_model = embed_model
        self._keyword: KeywordIndex | None = None
        self._collections: dict[str, chromadb.Collection] = {}  # opened once, see _open
        self._store_id: tuple[int, int] | None = None  # the local Chroma database in use

    @property
    def embed_model(self) -> Any:
        """The embedding model (the one given, else the configured one, loaded once)."""
        if self._embed_model is None:
            self._embed_model = make_embed_model(self.settings)
        return self._embed_model

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
        self.__dict__.pop("client", None)
        self._drop_store()

    def _drop_store(self) -> None:
        """Forget the open collections and the retriever: the next use reopens them."""
        self.__dict__.pop("retriever", None)
        self._collections.clear()
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
            self._drop_store()
            raise
        except (*CONNECTION_ERRORS, StoreUnavailableError) as exc:
            if not url:
                raise
            self._drop_store()
            message = str(exc) if isinstance(exc, StoreUnavailableError) else None
            raise ChromaUnavailableError(message or unreachable(url, exc)) from exc
        except NotFoundError as exc:
            if not url:
                raise
            self._drop_store()  # the next use opens (creates) the collections again
            raise ChromaUnavailableError(
                f"The Chroma server at {url} no longer has Newsdesk's collections ({exc}): they "
                "were deleted or the server lost its data. Run `rag index` to rebuild the index "
                f"from {self.settings.corpus}."
            ) from exc

    def _open(self, name: str) -> chromadb.Collection:
        """The named collection, opened on first use only (one round trip to a Chroma server
        per engine, not per question); dropped and reopened on the reconnect path."""
        if name in self._collections:
            return self._collections[name]
        with self.store_calls():
            collection = open_collection(self.client, name)
        if self.settings.chroma_url:
            collection = cast(chromadb.Collection, ServerCollection(collection, self.store_calls))
        self._collections[name] = collection
        return collection

    @property
    def collection(self) -> chromadb.Collection:
        """The chunk collection for the configured embedding model."""
        return self._open(collection_name(self.embed_model.model_name))

    @property
    def sentences(self) -> chromadb.Collection:
        """The sentence collection (one vector per sentence of every chunk)."""
        return self._open(collection_name(self.embed_model.model_name) + "-sentences")

    def index(self, progress: bool = True, on_step: IndexStep | None = None) -> IndexReport:
        """Bring the index in line with the corpus folder (incremental). IndexWriteError when
        writing fails (e.g. a full disk): a later run keeps what was written and adds the rest.
        `on_step(name, seconds, count)` is told each step of the run (see update_index)."""
        self._reopen_if_replaced()
        place = self.settings.index_place()
        before = index_state.corpus_fingerprint(place)
        index_state.forget(place)
        s = self.settings
        with index_step(on_step, "load_files") as articles:
            articles.extend(
                load_folder(s.corpus, texts_dir=s.texts_path, max_bytes=s.add_max_bytes)
            )
        try:
            report = update_index(
                articles,
                self.collection,
                self.sentences,
                self.embed_model,
                self.settings.keyword_path,
                self.settings.chunk_tokens,
                progress=progress,
                batch=self.settings.index_batch,
                on_step=on_step,
                stories=self.story_config(),
            )
        except (ChromaError, OSError) as exc:  # chromadb reports a full disk as InternalError
            raise IndexWriteError(self._write_failed(exc)) from exc
        self._keyword = None
        self.__dict__.pop("retriever", None)
        index_state.record(place, before, {"files": report.files, "chunks": report.chunks})
        return report

    def has_index(self) -> bool:
        """True when the store holds chunks and the keyword index exists."""
        self._reopen_if_replaced()
        return (
            self.collection.count() > 0
            and KeywordIndex.load(self.settings.keyword_path) is not None
        )

    def ensure_index(self) -> IndexReport | None:
        """Build the index when there is none yet (the deliberate write a first `rag ask`,
        `rag ui` or `rag eval` makes, said in a warning); None when one exists."""
        if self.has_index():
            return None
        log.warning(
            "No index in %s yet: building it from %s (once).",
            self.settings.home,
            self.settings.corpus,
        )
        return self.index(progress=False)

    def story_config(self) -> StoryConfig:
        """How near-duplicate stories are grouped at index time (from Settings)."""
        s = self.settings
        return StoryConfig(s.story_threshold, s.story_perms, s.story_shingle)

    def keyword(self) -> KeywordIndex:
        """The persisted keyword index. A read never builds the index: IndexMissingError,
        saying to run `rag index`, when there is none (or the store holds no chunk)."""
        if self._keyword is None:
            if self.collection.count() > 0:  # the store first: a lost server says so
                self._keyword = KeywordIndex.load(self.settings.keyword_path)
            if self._keyword is None:
                raise IndexMissingError(self._missing())
        return self._keyword

    def _missing(self) -> str:
        s = self.settings
        where = f"the Chroma server at {s.chroma_url}" if s.chroma_url else f"{s.home}"
        return (
            f"There is no index of {s.corpus} in {where} yet (or it is incomplete). Run "
            "`rag index` to build it (`make index` does the same), then ask again."
        )

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
                rare_names=s.retrieval_rare_names,
            )
        return self.__dict__["retriever"]

    def article_text(self, source: str) -> str:
        """The text of `source` that offsets point into: the file's own text for .txt/.md, the
        kept extraction for other formats and for feed/export items (`world.xml#3`)."""
        from index.formats import ExtractionError
        from index.loading import ITEM_SEPARATOR, read_article_text

        corpus = self.settings.corpus.resolve()
        path = (corpus / source.partition(ITEM_SEPARATOR)[0]).resolve()
        if corpus not in path.parents:
            raise QuestionError(f"{source!r} is not an article of {self.settings.corpus}.")
        try:
            return read_article_text(corpus, source, self.settings.texts_path)
        except (KeyError, ExtractionError) as exc:
            raise QuestionError(
                f"{source!r} is not a readable article of {self.settings.corpus} ({exc})."
            ) from exc

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
