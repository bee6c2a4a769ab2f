"""Safe file names for articles added to the corpus folder (uploads, copies, fetched pages)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_CHARS = 120  # well under every file system's 255-byte limit, with room for a suffix


class UnsafeNameError(ValueError):
    """A file name that cannot be made safe; the message says why."""


def _ascii(text: str) -> str:
    """Accents dropped (Genève -> Geneve), so names stay readable in plain ASCII."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def safe_name(name: str) -> str:
    """`name` as a plain file name of safe characters ([A-Za-z0-9._-]); UnsafeNameError when it
    holds a path (a folder part, '..', a leading dot) or nothing usable is left."""
    if "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise UnsafeNameError(
            f"the file name {name!r} contains a path or starts with a dot; "
            "give the file a plain name such as 'article.html'"
        )
    cleaned = _UNSAFE.sub("_", _ascii(name)).strip("_-")
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    stem = stem.strip("._-")[: MAX_NAME_CHARS - len(suffix) - 1]
    if not stem:
        raise UnsafeNameError(f"the file name {name!r} has no usable characters; rename it")
    return f"{stem}.{suffix.lower()}" if suffix else stem


def name_from_url(url: str) -> str:
    """A corpus file name for a fetched page: host and path, safe characters, `.html`."""
    parts = urlsplit(url)
    path = re.sub(r"\.(html?|php|aspx?)$", "", parts.path.strip("/"), flags=re.IGNORECASE)
    base = _UNSAFE.sub("_", _ascii(f"{parts.hostname or 'page'}_{path}")).strip("._-")
    if parts.query:
        base += "_" + _UNSAFE.sub("_", parts.query)[:40].strip("_")
    return safe_name(base[: MAX_NAME_CHARS - 5] + ".html")
