"""Extracted article texts kept beside the index, keyed by the sha256 of the file's bytes.

A text is written once for a given file content and read back from then on, so the text that
citation offsets point into changes only when the file does (not when an extractor is
upgraded). A missing or unreadable entry is extracted again.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path

from index.formats import Extracted

log = logging.getLogger(__name__)


class TextStore:
    """A folder of `<sha256>.json` files, one per extracted file; None folder: keep nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder else None

    def _path(self, digest: str) -> Path | None:
        return self.folder / f"{digest}.json" if self.folder else None

    def get(self, digest: str) -> list[Extracted] | None:
        """The stored extraction of the file with this digest, or None."""
        path = self._path(digest)
        if path is None or not path.is_file():
            return None
        try:
            items = json.loads(path.read_text(encoding="utf-8"))["items"]
            return [Extracted(**item) for item in items]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("Extracting again: the stored text %s is unreadable (%s).", path, exc)
            return None

    def put(self, digest: str, items: list[Extracted]) -> None:
        """Store an extraction (atomically, so a reader never sees half a file)."""
        path = self._path(digest)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"items": [asdict(i) for i in items]}), encoding="utf-8")
        tmp.replace(path)

    def prune(self, keep: set[str]) -> int:
        """Delete the stored texts of files no longer in the corpus; how many were deleted."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        stale = [p for p in self.folder.glob("*.json") if p.stem not in keep]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)
