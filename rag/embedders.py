"""The embedding model Settings configure; OpenAI embedding errors come out redacted."""

from __future__ import annotations

import httpx
import numpy as np
from openai import OpenAIError

from index.embedding import ArrayEmbedding, MiniLMEmbedding, OpenAIEmbedding
from rag.config import Settings, reveal
from rag.errors import RagError
from rag.redaction import redact


class EmbeddingBackendError(RagError):
    """The OpenAI (or compatible) embedding endpoint failed; the message names why, redacted."""


class RedactedOpenAIEmbedding(OpenAIEmbedding):
    """OpenAIEmbedding whose failures are one clear error with every secret redacted (a server
    or proxy may quote the key it was given in its error message)."""

    @classmethod
    def class_name(cls) -> str:
        return "RedactedOpenAIEmbedding"

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`; EmbeddingBackendError when the endpoint fails."""
        try:
            return super().embed(texts)
        except (OpenAIError, httpx.HTTPError) as exc:
            message = redact(f"{type(exc).__name__}: {exc}")
        # Raised outside the handler, so no traceback carries the unredacted original.
        raise EmbeddingBackendError(
            f"The embedding endpoint failed ({message}). Check OPENAI_BASE_URL and "
            "OPENAI_API_KEY, or set RAG_EMBED=minilm for the embedded model."
        )


def make_embed_model(settings: Settings) -> ArrayEmbedding:
    """The embedding model `settings` configure (MiniLM on this machine, or OpenAI)."""
    if settings.embed == "openai":
        # The same endpoint and key as the openai generator (any OpenAI-compatible server).
        return RedactedOpenAIEmbedding(
            model_name=settings.embed_model,
            base_url=settings.openai_base_url,
            api_key=reveal(settings.openai_api_key),
            timeout=settings.llm_timeout,
            embed_batch_size=settings.embed_batch,
        )
    return MiniLMEmbedding(embed_batch_size=settings.embed_batch)
