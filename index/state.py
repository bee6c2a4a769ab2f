"""A record of the last complete `rag index` run, so that a re-run on an unchanged corpus is
confirmed in a fraction of a second, without loading the embedding model, llama-index or Chroma.

The record holds a fingerprint of everything the index depends on: every file under the corpus
folder (path, size, modification time), the settings, the local Chroma database's identity and
the keyword index's files. It is removed when a run starts and written only when a run ends
well, so a run killed half-way, a changed or touched file, other settings, a deleted Chroma
folder or keyword index all send the next `rag index` through the full, incremental path. A
Chroma server is never trusted this way (another client may have changed it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.config import Settings

STATE_FILE = "index-state.json"
LOCAL_DATABASE = "chroma.sqlite3"  # the file chromadb keeps in a local folder


def _state_path(settings: Settings) -> Path:
    return Path(settings.home) / STATE_FILE


def _files(folder: Path) -> list[list[Any]] | None:
    """[relative path, size, mtime_ns] of every file under `folder`; None when it is missing."""
    if not folder.is_dir():
        return None
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            stat = path.stat()
            found.append([str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns])
    return found


def corpus_fingerprint(settings: Settings) -> dict[str, Any] | None:
    """What the corpus and settings look like now; None when no shortcut may be taken."""
    if settings.chroma_url:
        return None
    files = _files(Path(settings.corpus))
    if files is None:
        return None
    return {
        "settings": settings.model_dump(mode="json", exclude={"chroma_token"}),
        "corpus": files,
    }


def store_fingerprint(settings: Settings) -> dict[str, Any] | None:
    """The identity of the local Chroma database and the keyword index files."""
    try:
        stat = (Path(settings.chroma_path) / LOCAL_DATABASE).stat()
    except OSError:
        return None
    keyword = _files(Path(settings.keyword_path))
    if not keyword:
        return None
    return {"chroma": [stat.st_dev, stat.st_ino], "keyword": keyword}


def forget(settings: Settings) -> None:
    """Drop the record (a run is starting, so the index may change)."""
    _state_path(settings).unlink(missing_ok=True)


def record(settings: Settings, corpus: dict[str, Any] | None, summary: dict[str, Any]) -> None:
    """Save the record of a run that ended well; `corpus` is the fingerprint taken before it
    read the corpus (a file changed during the run then differs next time)."""
    store = store_fingerprint(settings)
    if corpus is None or store is None:
        return
    path = _state_path(settings)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**corpus, **store, "summary": summary}), encoding="utf-8")
    tmp.replace(path)


def unchanged(settings: Settings) -> dict[str, Any] | None:
    """The last run's summary when nothing it depends on has changed since; else None."""
    try:
        saved = json.loads(_state_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    corpus, store = corpus_fingerprint(settings), store_fingerprint(settings)
    if corpus is None or store is None or not isinstance(saved, dict):
        return None
    now = {**corpus, **store}
    if any(saved.get(key) != value for key, value in now.items()):
        return None
    summary = saved.get("summary")
    return summary if isinstance(summary, dict) else None
