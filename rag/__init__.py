"""Newsdesk: answers about a news corpus, with a verified citation for every claim."""

from rag.api import ask, ask_stream, configure, get_engine, retrieve
from rag.config import Settings
from rag.errors import QuestionError, RagError
from rag.types import Answer, Citation, Passage

__all__ = [
    "Answer",
    "Citation",
    "Passage",
    "QuestionError",
    "RagError",
    "Settings",
    "ask",
    "ask_stream",
    "configure",
    "get_engine",
    "retrieve",
]
