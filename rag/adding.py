"""Copy checked article files into the corpus folder: safe names, no silent overwrite, no
byte-for-byte duplicate, every refusal with its reason (rag/library.py indexes them after)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from index.formats import ExtractionError
from index.loading import ITEM_SEPARATOR, METADATA_FILE, corpus_files, extract_file, load_metadata
from index.texts import TextStore
from rag.engine import Engine
from rag.naming import UnsafeNameError, safe_name


@dataclass
class AddReport:
    """What one add or remove call did: (name, reason) per file, and the index summary."""

    added: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    index: str = ""  # the indexing run's summary; "" when nothing changed

    @property
    def changed(self) -> bool:
        """True when the corpus folder changed."""
        return bool(self.added or self.replaced or self.removed)

    def lines(self) -> list[str]:
        """One line per file for people, then the index summary."""
        out = [f"{verb} {name}: {why}" for verb, rows in self._rows() for name, why in rows]
        return out + ([self.index] if self.index else [])

    def _rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            ("added", self.added),
            ("replaced", self.replaced),
            ("removed", self.removed),
            ("skipped", self.skipped),
        ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(path: Path, name: str, engine: Engine) -> str:
    """'' when `path` holds a usable article, else the reason it is skipped."""
    s = engine.settings
    if not path.is_file():
        return "no such file"
    try:
        extract_file(path, name, TextStore(s.texts_path), s.add_max_bytes)
    except ExtractionError as exc:
        return str(exc)
    return ""


class Adder:
    """Checks and copies the files of one call into the corpus folder."""

    def __init__(self, engine: Engine, overwrite: bool) -> None:
        self.corpus = Path(engine.settings.corpus)
        self.engine = engine
        self.overwrite = overwrite
        self.report = AddReport()
        self.hashes = {_sha256(p): src for p, src in corpus_files(self.corpus)}
        self.taken: set[str] = set()

    def add(self, path: Path, label: str, note: str = "") -> str | None:
        """Copy one file in under a safe version of its name; its name, or None if skipped."""
        try:
            name = safe_name(path.name)
        except UnsafeNameError as exc:
            self.report.skipped.append((label, str(exc)))
            return None
        reason = _check(path, name, self.engine)
        digest = _sha256(path) if not reason else ""
        target = self.corpus / name
        if not reason and digest in self.hashes:
            reason = f"it is identical to {self.hashes[digest]!r}, already in the corpus"
        elif not reason and name in self.taken:
            reason = f"another file of this call is also named {name!r}"
        elif not reason and target.exists() and not self.overwrite:
            reason = f"an article named {name!r} already exists; add it with overwrite to replace"
        if reason:
            self.report.skipped.append((label, reason))
            return None
        rows = self.report.replaced if target.exists() else self.report.added
        renamed = f" (saved as {name!r})" if name != path.name else ""
        rows.append((name, (note or "copied into the corpus") + renamed))
        self._copy(path, target)
        self.taken.add(name)
        self.hashes[digest] = name
        return name

    def _copy(self, path: Path, target: Path) -> None:
        # Copy beside the target, then rename: a reader never sees half a file.
        self.corpus.mkdir(parents=True, exist_ok=True)
        tmp = self.corpus / f".adding-{os.getpid()}-{target.name}"
        shutil.copyfile(path, tmp)
        tmp.replace(target)


def set_sidecar(corpus: Path, source: str, fields: dict[str, str] | None) -> None:
    """Set sidecar fields of `source` (the url of a fetched page without a canonical one), or
    drop its entries and its items' (None: the article was removed)."""
    metadata = load_metadata(corpus)
    if fields is None:
        stale = [k for k in metadata if k.partition(ITEM_SEPARATOR)[0] == source]
        if not stale:
            return
        for key in stale:
            del metadata[key]
    else:
        metadata.setdefault(source, {}).update(fields)
    path = corpus / METADATA_FILE
    tmp = path.with_name(f".{METADATA_FILE}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
