"""The Chroma collection that holds chunk embeddings: local folder or a Chroma server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings


class StoreError(RuntimeError):
    """The vector store cannot be reached or opened."""


def collection_name(embed_model_name: str) -> str:
    """One collection per embedding model, so vectors of different models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", embed_model_name).strip("-").lower()
    return f"newsdesk-{slug}"[:60]


def open_client(path: Path | None, url: str | None) -> chromadb.ClientAPI:
    """A Chroma client: HTTP when `url` is set, else a persistent folder at `path`."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # chromadb raises several types for a dead server
            raise StoreError(
                f"Cannot reach the Chroma server at {url!r} ({exc}). Start it "
                "(`chroma run --host 127.0.0.1 --port 8000`) or unset RAG_CHROMA_URL."
            ) from exc
    if path is None:
        raise StoreError("No Chroma folder given and RAG_CHROMA_URL is unset.")
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def open_collection(client: chromadb.ClientAPI, name: str) -> chromadb.Collection:
    """The named collection (cosine space), created when missing. No embedding function:
    Chroma's default one would download a model, so embeddings are always passed in."""
    return client.get_or_create_collection(
        name=name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
