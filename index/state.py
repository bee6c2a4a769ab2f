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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.chunking import SPLITTING_VERSION

STATE_FILE = "index-state.json"
LOCAL_DATABASE = "chroma.sqlite3"  # the file chromadb keeps in a local folder


@dataclass(frozen=True)
class IndexPlace:
    """Where one index lives and what it depends on.

    Args:
        home: the data folder that holds the record.
        corpus: the corpus folder indexed.
        chroma: the local Chroma folder.
        keyword: the keyword index folder.
        config: the settings the index was built with (JSON-able); None for a Chroma server,
            which is never trusted this way (another client may have changed it).
    """

    home: Path
    corpus: Path
    chroma: Path
    keyword: Path
    config: dict[str, Any] | None


def _state_path(place: IndexPlace) -> Path:
    return Path(place.home) / STATE_FILE


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


def corpus_fingerprint(place: IndexPlace) -> dict[str, Any] | None:
    """What the corpus and settings look like now; None when no shortcut may be taken."""
    if place.config is None:
        return None
    files = _files(Path(place.corpus))
    if files is None:
        return None
    return {"settings": place.config, "corpus": files, "splitting": SPLITTING_VERSION}


def store_fingerprint(place: IndexPlace) -> dict[str, Any] | None:
    """The identity of the local Chroma database and the keyword index files."""
    try:
        stat = (Path(place.chroma) / LOCAL_DATABASE).stat()
    except OSError:
        return None
    keyword = _files(Path(place.keyword))
    if not keyword:
        return None
    return {"chroma": [stat.st_dev, stat.st_ino], "keyword": keyword}


def forget(place: IndexPlace) -> None:
    """Drop the record (a run is starting, so the index may change)."""
    _state_path(place).unlink(missing_ok=True)


def record(place: IndexPlace, corpus: dict[str, Any] | None, summary: dict[str, Any]) -> None:
    """Save the record of a run that ended well; `corpus` is the fingerprint taken before it
    read the corpus (a file changed during the run then differs next time)."""
    store = store_fingerprint(place)
    if corpus is None or store is None:
        return
    path = _state_path(place)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**corpus, **store, "summary": summary}), encoding="utf-8")
    tmp.replace(path)


def unchanged(place: IndexPlace) -> dict[str, Any] | None:
    """The last run's summary when nothing it depends on has changed since; else None."""
    try:
        saved = json.loads(_state_path(place).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    corpus, store = corpus_fingerprint(place), store_fingerprint(place)
    if corpus is None or store is None or not isinstance(saved, dict):
        return None
    now = {**corpus, **store}
    if any(saved.get(key) != value for key, value in now.items()):
        return None
    summary = saved.get("summary")
    return summary if isinstance(summary, dict) else None
