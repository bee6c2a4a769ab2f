"""Manage the corpus: add files or a fetched page, remove an article, list articles, read one.

The CLI (`rag add`) and the chat both call these. Every file is checked (type, size, a usable
article text) before anything is copied, so a call that adds nothing changes neither the corpus
folder nor the index; what was added is then indexed incrementally.
"""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.fetch import FetchError, fetch_page
from index.loading import (
    ITEM_SEPARATOR,
    MAX_FILE_BYTES,
    METADATA_FILE,
    OWN_TEXT,
    extract_file,
    supported_suffixes,
)
from index.texts import TextStore
from rag.adding import Adder, AddReport, set_sidecar
from rag.engine import Engine
from rag.errors import QuestionError, RagError
from rag.naming import name_from_url

# One change to the corpus at a time (two chat tabs uploading at once), so the duplicate and
# name checks of a call see the files the other call copied.
_changes = threading.RLock()


class LibraryError(RagError, ValueError):
    """A corpus call that cannot be done as asked (nothing was changed)."""


@dataclass(frozen=True)
class ArticleInfo:
    """One indexed article as the corpus view shows it."""

    source: str
    title: str
    outlet: str
    date: str
    url: str
    chunks: int
    format: str


def _engine() -> Engine:
    from rag.api import get_engine

    return get_engine()


def _finish(engine: Engine, report: AddReport) -> AddReport:
    if report.changed:
        report.index = engine.index(progress=False).summary()
    return report


def add_files(paths: list[Path | str], *, overwrite: bool = False) -> AddReport:
    """Copy article files into the corpus folder and index them.

    Args:
        paths: files to add (see index/loading.py for the supported types).
        overwrite: replace an existing article of the same name (else it is skipped).
    Returns:
        An AddReport: added, replaced and skipped files, each with its reason.
    """
    engine = _engine()
    limit = engine.settings.add_max_files
    if len(paths) > limit:
        raise LibraryError(
            f"{len(paths)} files given; at most {limit} can be added at once "
            "(RAG_ADD_MAX_FILES). Add them in smaller groups."
        )
    if not paths:
        raise LibraryError("No file given: name at least one article file to add.")
    with _changes:
        adder = Adder(engine, overwrite)
        for path in paths:
            adder.add(Path(path), str(path))
        return _finish(engine, adder.report)


def add_url(url: str) -> AddReport:
    """Fetch one web page, keep it as fetched in the corpus folder, and index it.

    Args:
        url: an http(s) address of a news page.
    Returns:
        An AddReport; a dead address, an error status, a non-HTML reply, a redirect loop or a
        page over the size limit is skipped with its reason, and nothing is added.
    """
    engine = _engine()
    s = engine.settings
    report = AddReport()
    try:
        page = fetch_page(url, s.fetch_timeout, s.add_max_bytes, s.fetch_max_redirects)
    except FetchError as exc:
        report.skipped.append((url, str(exc)))
        return report
    with _changes, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name_from_url(page.url)
        path.write_bytes(page.body)
        adder = Adder(engine, overwrite=False)
        name = adder.add(path, url, note=f"fetched from {page.url}")
        if name is not None:
            items, _ = extract_file(path, name, TextStore(s.texts_path), s.add_max_bytes)
            if not items[0].url:
                set_sidecar(Path(s.corpus), name, {"url": page.url})
        return _finish(engine, adder.report)


def _corpus_path(engine: Engine, source: str) -> Path:
    corpus = Path(engine.settings.corpus).resolve()
    path = (corpus / source).resolve()
    if corpus not in path.parents or source == METADATA_FILE or not path.is_file():
        raise LibraryError(
            f"{source!r} is not an article of {engine.settings.corpus}; "
            "see `rag.articles()` for the sources it holds."
        )
    return path


def remove_article(source: str) -> AddReport:
    """Delete an article's file from the corpus folder and its chunks from the index.

    Args:
        source: the article's source (Passage.source). An item of a feed or export cannot be
            removed alone: its whole file must be.
    Returns:
        An AddReport with the removed file and the index summary.
    """
    engine = _engine()
    name, sep, _ = source.partition(ITEM_SEPARATOR)
    path = _corpus_path(engine, name)
    if sep:
        raise LibraryError(
            f"{source!r} is one item of {name!r}; items of a feed or export are removed with "
            f"their whole file: remove {name!r}."
        )
    with _changes:
        path.unlink()
        set_sidecar(Path(engine.settings.corpus), name, None)
        return _finish(engine, AddReport(removed=[(name, "deleted from the corpus folder")]))


def articles() -> list[ArticleInfo]:
    """Every indexed article with its title, outlet, date, url, chunk count and format."""
    collection = _engine().collection
    chunks: Counter[str] = Counter()
    first: dict[str, dict] = {}
    offset, page = 0, 5000
    while True:
        got = collection.get(include=["metadatas"], limit=page, offset=offset)
        for meta in got["metadatas"] or []:
            source = str(meta.get("source", ""))
            chunks[source] += 1
            first.setdefault(source, dict(meta))
        if len(got["ids"]) < page:
            break
        offset += page
    return [_info(source, first[source], chunks[source]) for source in sorted(first)]


def _info(source: str, meta: dict, chunks: int) -> ArticleInfo:
    suffix = Path(source.partition(ITEM_SEPARATOR)[0]).suffix.lower()
    return ArticleInfo(
        source=source,
        title=str(meta.get("title", "")),
        outlet=str(meta.get("outlet", "")),
        date=str(meta.get("date", "")),
        url=str(meta.get("url", "")),
        chunks=chunks,
        format=str(meta.get("format") or suffix.lstrip(".")),
    )


def article_text(source: str) -> str:
    """The text of one article that citation offsets point into.

    Args:
        source: the article's source (Passage.source, Citation.source).
    Returns:
        The file's own text for .txt/.md; the kept extraction for other formats, so
        `article_text(c.source)[c.start:c.end] == c.quote` for every Citation c.
    """
    engine = _engine()
    _corpus_path(engine, source.partition(ITEM_SEPARATOR)[0])  # a name must stay in the corpus
    try:
        return engine.article_text(source)
    except QuestionError as exc:
        raise LibraryError(str(exc)) from exc


@dataclass(frozen=True)
class AddLimits:
    """What `add_files` accepts, for a user to see before adding (the chat's upload box)."""

    suffixes: tuple[str, ...]
    max_bytes: int
    max_files: int
    # Plain text and Markdown are embedded whole, so they have a smaller cap of their own.
    plain_suffixes: tuple[str, ...] = tuple(OWN_TEXT)
    plain_max_bytes: int = MAX_FILE_BYTES


def add_limits() -> AddLimits:
    """The file types, bytes per file and files per call that `add_files` accepts (Settings)."""
    s = _engine().settings
    return AddLimits(supported_suffixes(), s.add_max_bytes, s.add_max_files)
