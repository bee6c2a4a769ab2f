"""Plain text files: the article text is the file's own text, decoded as a reader would."""

from __future__ import annotations

import codecs
import logging
import unicodedata

from index.formats import Extracted, ExtractionError

log = logging.getLogger(__name__)

# Decoded text with more control characters than this share is binary that happens to have no
# NUL byte near its start (real text has almost none).
MAX_CONTROL_SHARE = 0.02


def _control_share(text: str) -> float:
    sample = text[:8192]
    odd = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    )
    return odd / max(1, len(sample))


def decode_text(raw: bytes, name: str) -> str:
    """The text as `open(path, encoding=...).read()` gives it (CRLF and CR read as LF), so
    offsets into it are offsets into what any reader of the file sees. ExtractionError for
    binary or empty files."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        log.warning("%s is UTF-16 text; decoded as UTF-16 (save it as UTF-8 to avoid this).", name)
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:8192]:
        raise ExtractionError("it looks binary (NUL bytes), not text")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("%s is not valid UTF-8; decoded as cp1252 with replacements.", name)
            text = raw.decode("cp1252", errors="replace")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise ExtractionError("it looks binary (control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.lstrip("\ufeff").strip():  # a byte-order mark alone is empty too
        raise ExtractionError("the file is empty")
    return text


def extract_text(raw: bytes, name: str) -> list[Extracted]:
    """A .txt file: its own text, no metadata of its own."""
    return [Extracted(text=decode_text(raw, name))]
