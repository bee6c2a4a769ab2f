"""Chroma server calls that fail as one clear Newsdesk error instead of raw httpx errors."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import chromadb

from index.store import StoreUnavailableError
from rag.errors import RagError


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
