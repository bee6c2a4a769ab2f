"""Read a corpus folder into `Article` values, skipping what cannot be read with a warning."""

from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md")
METADATA_FILE = "metadata.json"
# A news article is rarely over 100 KB. A file over this is a dump (a whole site, a log, an
# export): embedding it would take several minutes per MiB on a 2-core CPU and swamp retrieval,
# so it is skipped, with a warning that says to split it.
MAX_FILE_BYTES = 1 << 20
# Decoded text with more control characters than this share is binary that happens to have no
# NUL byte near its start (real text has almost none).
MAX_CONTROL_SHARE = 0.02


class CorpusError(ValueError):
    """The corpus folder itself is unusable (missing, empty, not a folder)."""


@dataclass(frozen=True)
class Article:
    """One source file: its path relative to the corpus folder, its full text and metadata."""

    source: str
    text: str
    title: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    content_hash: str = field(default="")


def date_number(iso: str | None) -> int:
    """YYYYMMDD of an ISO date (a timestamp counts by its date) as an int, what date filters
    compare; 0 when the date is unknown or not a real date."""
    try:
        day = datetime.date.fromisoformat(str(iso or "")[:10])
    except ValueError:
        return 0
    return day.year * 10000 + day.month * 100 + day.day


def _control_share(text: str) -> float:
    sample = text[:8192]
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    )
    return odd / max(1, len(sample))


def _decode(raw: bytes, path: Path) -> str | None:
    """The text as `open(path, encoding=...).read()` gives it (CRLF and CR read as LF), so
    offsets into it are offsets into what any reader of the file sees; None for binary."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        log.warning("%s is UTF-16 text; decoded as UTF-16 (save it as UTF-8 to avoid this).", path)
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:8192]:
        log.warning("Skipping %s: it looks binary (NUL bytes), not text.", path)
        return None
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("%s is not valid UTF-8; decoded as cp1252 with replacements.", path)
            text = raw.decode("cp1252", errors="replace")
    if _control_share(text) > MAX_CONTROL_SHARE:
        log.warning("Skipping %s: it looks binary (control characters), not text.", path)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fallback_title(source: str, text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if len(line) > 20:
            return line[:90] + ("..." if len(line) > 90 else "")
    return Path(source).stem


def load_metadata(folder: Path) -> dict[str, dict]:
    """The optional `metadata.json` of a corpus folder: {file name: {title, outlet, date, url}}."""
    path = folder / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("Ignoring %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def read_article(path: Path, source: str, meta: dict | None = None) -> Article | None:
    """Read one file; None (with a warning) when it is unsupported, unreadable or empty."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        log.warning(
            "Skipping %s: unsupported file type %r (supported: %s).",
            path,
            path.suffix,
            ", ".join(SUPPORTED_SUFFIXES),
        )
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            log.warning(
                "Skipping %s: it is %.1f MiB, over the %.0f MiB limit for one article "
                "(MAX_FILE_BYTES in index/loading.py). Split it into one file per article, "
                "then run `rag index` again.",
                path,
                size / (1 << 20),
                MAX_FILE_BYTES / (1 << 20),
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        log.warning("Skipping %s: cannot read it (%s).", path, exc)
        return None
    text = _decode(raw, path)
    if text is None:
        return None
    if not text.lstrip("\ufeff").strip():  # a byte-order mark alone is empty too
        log.warning("Skipping %s: the file is empty.", path)
        return None
    meta = meta or {}
    return Article(
        source=source,
        text=text,
        title=meta.get("title") or _fallback_title(source, text),
        outlet=meta.get("outlet"),
        date=meta.get("date"),
        url=meta.get("url"),
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def load_folder(folder: Path | str) -> list[Article]:
    """Every readable article under `folder` (recursively), sorted by relative path.

    A file whose bytes equal an earlier file's is a duplicate: it is indexed once, under the
    first name in path order, with a warning naming both (so answers do not quote it twice).
    Raises CorpusError when the folder is missing or holds no readable article.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"Corpus folder {str(folder)!r} does not exist or is not a folder. "
            "Point RAG_CORPUS (or --corpus) at a folder of .txt/.md articles."
        )
    metadata = load_metadata(folder)
    articles = []
    first_with_hash: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        source = path.relative_to(folder).as_posix()
        if source == METADATA_FILE or any(part.startswith(".") for part in Path(source).parts):
            continue
        article = read_article(path, source, metadata.get(source))
        if article is None:
            continue
        original = first_with_hash.setdefault(article.content_hash, source)
        if original != source:
            log.warning(
                "Skipping %s: it is a byte-for-byte copy of %s (indexed once).", path, original
            )
            continue
        articles.append(article)
    if not articles:
        raise CorpusError(
            f"Corpus folder {str(folder)!r} holds no readable article "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)}). Add files, then run `rag index`."
        )
    return articles
