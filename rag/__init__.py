"""Newsdesk: answers about a news corpus, with a verified citation for every claim.

The question-answering functions load llama-index, Chroma and the models, so they are imported on
first use: `import rag` (and `rag index` on an unchanged corpus) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import QuestionError, RagError
from rag.types import Answer, Citation, Passage

if TYPE_CHECKING:
    from rag.api import (
        ask,
        ask_stream,
        configure,
        get_chain,
        get_engine,
        retrieve,
        using,
        validate_answer,
    )
    from rag.library import (
        AddLimits,
        AddReport,
        ArticleInfo,
        LibraryError,
        add_files,
        add_limits,
        add_url,
        article_text,
        articles,
        remove_article,
    )

_API = (
    "ask",
    "ask_stream",
    "configure",
    "get_chain",
    "get_engine",
    "retrieve",
    "using",
    "validate_answer",
)
# The corpus-management functions (rag/library.py), used by `rag add` and the chat.
_LIBRARY = (
    "AddLimits",
    "AddReport",
    "ArticleInfo",
    "LibraryError",
    "add_files",
    "add_limits",
    "add_url",
    "article_text",
    "articles",
    "remove_article",
)

__all__ = [
    "AddLimits",
    "AddReport",
    "Answer",
    "ArticleInfo",
    "Citation",
    "LibraryError",
    "Passage",
    "QuestionError",
    "RagError",
    "Settings",
    "add_files",
    "add_limits",
    "add_url",
    "article_text",
    "articles",
    "ask",
    "ask_stream",
    "configure",
    "get_chain",
    "get_engine",
    "remove_article",
    "retrieve",
    "validate_answer",
    "using",
]


def __getattr__(name: str) -> Any:
    """rag.ask, rag.retrieve, ... (and the rag.api module) imported when first used."""
    if name in _API:
        return getattr(importlib.import_module("rag.api"), name)
    if name in _LIBRARY:
        return getattr(importlib.import_module("rag.library"), name)
    if name == "api":
        return importlib.import_module("rag.api")
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
