"""Read a corpus folder into `Article` values, skipping what cannot be read with a warning.

Each format's extractor lives in index/formats/; this module picks one by suffix, applies the
metadata precedence (metadata.json sidecar > the file's own metadata > guesses) and names the
items of feeds and exports (see index/formats/__init__.py).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.formats import Extracted, ExtractionError
from index.formats.export import extract_csv, extract_jsonl
from index.formats.feed import extract_feed
from index.formats.html import extract_html
from index.formats.markdown import extract_markdown
from index.formats.pdf import extract_pdf
from index.formats.text import extract_text
from index.texts import TextStore

log = logging.getLogger(__name__)

Extractor = Callable[[bytes, str], list[Extracted]]
# Formats whose article text is the file's own text (offsets point into the file on disk).
OWN_TEXT: dict[str, Extractor] = {".txt": extract_text, ".md": extract_markdown}
# Formats whose text is extracted and kept in the text store.
EXTRACTED: dict[str, Extractor] = {
    ".html": extract_html,
    ".htm": extract_html,
    ".pdf": extract_pdf,
    ".xml": extract_feed,
    ".jsonl": extract_jsonl,
    ".csv": extract_csv,
}
SUPPORTED_SUFFIXES = tuple(OWN_TEXT) + tuple(EXTRACTED)
METADATA_FILE = "metadata.json"
ITEM_SEPARATOR = "#"
# A news article is rarely over 100 KB. A text over this is a dump (a whole site, a log, an
# export): embedding it would take several minutes per MiB on a 2-core CPU and swamp retrieval,
# so it is skipped, with a warning that says to split it.
MAX_FILE_BYTES = 1 << 20
# The default cap on the bytes of a file whose text is extracted (pages and PDFs carry markup).
MAX_EXTRACTED_FILE_BYTES = 20 << 20


class CorpusError(ValueError):
    """The corpus folder itself is unusable (missing, empty, not a folder)."""


@dataclass(frozen=True)
class Article:
    """One article: its source name, its full text (offsets point into it) and metadata."""

    source: str
    text: str
    title: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    content_hash: str = field(default="")
    author: str | None = None
    format: str = ""  # the file's suffix without the dot: txt, md, html, pdf, xml, jsonl, csv
    body_start: int = 0  # offset where indexing starts (after Markdown front matter)


def supported_suffixes() -> tuple[str, ...]:
    """Every suffix the loader reads (lower case, with the dot)."""
    return tuple(OWN_TEXT) + tuple(EXTRACTED)


def date_number(iso: str | None) -> int:
    """YYYYMMDD of an ISO date (a timestamp counts by its date) as an int, what date filters
    compare; 0 when the date is unknown or not a real date."""
    try:
        day = datetime.date.fromisoformat(str(iso or "")[:10])
    except ValueError:
        return 0
    return day.year * 10000 + day.month * 100 + day.day


def _fallback_title(source: str, text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if len(line) > 20:
            return line[:90] + ("..." if len(line) > 90 else "")
    return Path(source.split(ITEM_SEPARATOR)[0]).stem


def load_metadata(folder: Path) -> dict[str, dict]:
    """The optional `metadata.json` of a corpus folder: {source: {title, outlet, date, url}}."""
    path = folder / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("Ignoring %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _check_size(size: int, suffix: str, max_bytes: int) -> None:
    limit = MAX_FILE_BYTES if suffix in OWN_TEXT else max_bytes
    if size > limit:
        raise ExtractionError(
            f"it is {size / (1 << 20):.1f} MiB, over the {limit / (1 << 20):.0f} MiB limit for "
            "one article file. Split it into one file per article, then add or index it again"
        )
    if size == 0:
        raise ExtractionError("the file is empty")


def extract_file(
    path: Path, name: str, texts: TextStore | None = None, max_bytes: int = MAX_EXTRACTED_FILE_BYTES
) -> tuple[list[Extracted], str]:
    """(the file's extracted items, the sha256 of its bytes); ExtractionError saying why not."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ExtractionError(
            f"unsupported file type {path.suffix or '(none)'!r} "
            f"(supported: {', '.join(supported_suffixes())})"
        )
    try:
        _check_size(path.stat().st_size, suffix, max_bytes)
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"cannot read it ({exc})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in OWN_TEXT:
        return OWN_TEXT[suffix](raw, name), digest
    store = texts or TextStore(None)
    items = store.get(digest)
    if items is None:
        items = EXTRACTED[suffix](raw, name)
        store.put(digest, items)
    return items, digest


def _article(item: Extracted, source: str, meta: dict, digest: str, fmt: str) -> Article:
    fields = {**item.metadata(), **{k: v for k, v in meta.items() if isinstance(v, str) and v}}
    return Article(
        source=source,
        text=item.text,
        title=fields.get("title") or _fallback_title(source, item.text[item.body_start :]),
        outlet=fields.get("outlet"),
        date=fields.get("date"),
        url=fields.get("url"),
        content_hash=digest if not item.item else hashlib.sha256(item.text.encode()).hexdigest(),
        author=fields.get("author"),
        format=fmt,
        body_start=item.body_start,
    )


def _file_articles(
    path: Path, source: str, metadata: dict[str, dict], texts: TextStore | None, max_bytes: int
) -> tuple[list[Article], str]:
    items, digest = extract_file(path, str(path), texts, max_bytes)
    fmt = path.suffix.lower().lstrip(".")
    file_meta = metadata.get(source) or {}
    articles = []
    for item in items:
        name = f"{source}{ITEM_SEPARATOR}{item.item}" if item.item else source
        meta = {**file_meta, **(metadata.get(name) or {})} if item.item else file_meta
        articles.append(_article(item, name, meta, digest, fmt))
    return articles, digest


def read_articles(
    path: Path,
    source: str,
    metadata: dict[str, dict] | None = None,
    texts: TextStore | None = None,
    max_bytes: int = MAX_EXTRACTED_FILE_BYTES,
) -> list[Article]:
    """The articles of one file (one per item of a feed or export); ExtractionError if none."""
    return _file_articles(path, source, metadata or {}, texts, max_bytes)[0]


def read_article(path: Path, source: str, meta: dict | None = None) -> Article | None:
    """One single-article file; None (with a warning) when it is unusable."""
    try:
        articles = read_articles(path, source, {source: meta or {}})
    except ExtractionError as exc:
        log.warning("Skipping %s: %s.", path, exc)
        return None
    return articles[0] if len(articles) == 1 else None


def corpus_files(folder: Path) -> list[tuple[Path, str]]:
    """(path, source) of every candidate article file under `folder`, sorted by source."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        source = path.relative_to(folder).as_posix()
        if source == METADATA_FILE or any(part.startswith(".") for part in Path(source).parts):
            continue
        found.append((path, source))
    return found


def load_folder(
    folder: Path | str,
    texts_dir: Path | None = None,
    max_bytes: int = MAX_EXTRACTED_FILE_BYTES,
) -> list[Article]:
    """Every readable article under `folder` (recursively), sorted by relative path.

    Extracted texts are kept in `texts_dir` (see index/texts.py). A file whose bytes equal an
    earlier file's is a duplicate: it is indexed once, under the first name in path order, with
    a warning naming both (so answers do not quote it twice). Raises CorpusError when the folder
    is missing or holds no readable article.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"Corpus folder {str(folder)!r} does not exist or is not a folder. "
            "Point RAG_CORPUS (or --corpus) at a folder of articles "
            f"({', '.join(supported_suffixes())})."
        )
    metadata = load_metadata(folder)
    store = TextStore(texts_dir)
    articles: list[Article] = []
    first_with_hash: dict[str, str] = {}
    digests: set[str] = set()
    for path, source in corpus_files(folder):
        try:
            found, digest = _file_articles(path, source, metadata, store, max_bytes)
        except ExtractionError as exc:
            log.warning("Skipping %s: %s.", path, exc)
            continue
        digests.add(digest)
        for article in found:
            original = first_with_hash.setdefault(article.content_hash, article.source)
            if original != article.source:
                log.warning(
                    "Skipping %s: it is a byte-for-byte copy of %s (indexed once).",
                    article.source,
                    original,
                )
                continue
            articles.append(article)
    store.prune(digests)  # texts of files deleted or changed since
    if not articles:
        raise CorpusError(
            f"Corpus folder {str(folder)!r} holds no readable article "
            f"(supported: {', '.join(supported_suffixes())}). Add files, then run `rag index`."
        )
    return articles


def read_article_text(folder: Path, source: str, texts_dir: Path | None = None) -> str:
    """The text of `source` that offsets point into (the file's own text for .txt/.md, the
    stored extraction otherwise). KeyError when there is no such article."""
    name, _, item = source.partition(ITEM_SEPARATOR)
    path = Path(folder) / name
    if not path.is_file():
        raise KeyError(source)
    items, _ = extract_file(path, str(path), TextStore(texts_dir), max_bytes=1 << 62)
    for extracted in items:
        if extracted.item == item:
            return extracted.text
    raise KeyError(source)
