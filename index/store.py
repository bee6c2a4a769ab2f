"""The Chroma collection that holds chunk embeddings: local folder or a Chroma server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings

from index.state import LOCAL_DATABASE

# A server that does not answer: refused, reset, closed mid-reply, or silent past the timeout.
CONNECTION_ERRORS = (httpx.TransportError,)


class StoreError(RuntimeError):
    """The vector store cannot be reached or opened."""


class StoreUnavailableError(StoreError):
    """The Chroma server did not answer: it is down, restarting, or unreachable from here."""


def unreachable(url: str, exc: BaseException) -> str:
    """What to tell a user whose Chroma server did not answer: its URL, why, and what to do."""
    return (
        f"Cannot reach the Chroma server at {url} ({type(exc).__name__}: {exc}); the Chroma "
        "server is unreachable (stopped, restarting, or blocked). Start it again (e.g. `chroma "
        "run --path DIR --host HOST --port PORT`) and retry: Newsdesk reconnects by itself. "
        "Or fix RAG_CHROMA_URL, or unset it to use the local index folder."
    )


def collection_name(embed_model_name: str) -> str:
    """One collection per embedding model, so vectors of different models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", embed_model_name).strip("-").lower()
    return f"newsdesk-{slug}"[:60]


def auth_headers(token: str | None, header: str = "Authorization") -> dict[str, str]:
    """The header that carries `token` (`Authorization: Bearer ...`, or the raw token in any
    other header such as `X-Chroma-Token`); none without a token."""
    if not token:
        return {}
    return {header: f"Bearer {token}" if header.lower() == "authorization" else token}


def open_client(
    path: Path | None,
    url: str | None,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
) -> chromadb.ClientAPI:
    """A Chroma client: HTTP when `url` is set, else a persistent folder at `path`.

    Args:
        path: the local Chroma folder (used when `url` is unset).
        url: a Chroma server, `http://host:port` or `https://...`.
        timeout: seconds a server request may take before the server counts as unreachable.
        headers: extra HTTP headers for every request (e.g. from `auth_headers`).
    Returns:
        The client. StoreUnavailableError when the server does not answer.
    """
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        bounded = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        return _http_client(url, settings, bounded, headers)
    if path is None:
        raise StoreError("No Chroma folder given and RAG_CHROMA_URL is unset.")
    Path(path).mkdir(parents=True, exist_ok=True)
    current = local_store_id(path)
    if current is None or _opened.get(str(path), current) != current:
        forget_local_client(path)  # the folder was deleted or replaced since chromadb opened it
    client = chromadb.PersistentClient(path=str(path), settings=settings)
    _opened[str(path)] = local_store_id(path)
    return client


def _http_client(
    url: str, settings: ChromaSettings, timeout: httpx.Timeout, headers: dict[str, str] | None
) -> chromadb.ClientAPI:
    """A client of the Chroma server at `url` whose requests give up after `timeout`."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        # chromadb's own first requests have no timeout: check the server answers at all.
        root = f"{parsed.scheme}://{parsed.netloc}"
        beat = httpx.get(f"{root}/api/v2/heartbeat", headers=headers, timeout=timeout)
        if beat.status_code in (401, 403):
            raise StoreError(
                f"The Chroma server at {url} refused the request (HTTP {beat.status_code}): set "
                "RAG_CHROMA_TOKEN (and RAG_CHROMA_TOKEN_HEADER unless it is Authorization) to the "
                "token the server or its proxy expects."
            )
        client = chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            headers=headers or None,
            settings=settings,
        )
    except (*CONNECTION_ERRORS, ValueError) as exc:  # chromadb says ValueError when refused
        raise StoreUnavailableError(unreachable(url, exc)) from exc
    # chromadb 1.5 builds its httpx client with timeout=None and has no setting for it: a
    # stalled server would hang every question (and the one-at-a-time chat queue with it).
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = timeout
    return client


def open_collection(client: chromadb.ClientAPI, name: str) -> chromadb.Collection:
    """The named collection (cosine space), created when missing. No embedding function:
    Chroma's default one would download a model, so embeddings are always passed in."""
    return client.get_or_create_collection(
        name=name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )


# {folder: identity of its database when chromadb's process-wide client of it was made}
_opened: dict[str, tuple[int, int] | None] = {}


def local_store_id(path: Path) -> tuple[int, int] | None:
    """Identity (device, inode) of a local Chroma folder's database; None when it is missing."""
    try:
        stat = (Path(path) / LOCAL_DATABASE).stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def forget_local_client(path: Path) -> None:
    """Drop chromadb's process-wide client of the folder `path`. chromadb keeps one per folder
    for the life of the process and hands it to every new client of that folder, so once the
    folder is deleted it would go on serving, and writing to, the deleted files."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        system.stop()
