"""The web app's settings live with all others in rag.config (env prefix RAG_UI_)."""

from rag.config import UiSettings

__all__ = ["UiSettings"]
