"""Text PDFs (pypdf): the text in reading order with hard-wrapped lines joined back into
paragraphs, title, author and date from the document information. A PDF without a text layer
(a scan) is refused with a reason that says so."""

from __future__ import annotations

import io
import logging
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from index.formats import Extracted, ExtractionError
from index.formats.dates import iso_date

log = logging.getLogger("pypdf")
log.setLevel(logging.ERROR)  # pypdf warns about every odd object of a real-world PDF
# A line shorter than this share of the page's longest line ends its paragraph (the last line
# of a justified or ragged paragraph, a heading).
PARAGRAPH_END_SHARE = 0.85


def _paragraphs(page_text: str) -> list[str]:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    if not lines:
        return []
    longest = max(len(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated at the line end
        else:
            current = f"{current} {line}".strip()
        if len(line) < PARAGRAPH_END_SHARE * longest:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _reader(raw: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("it is a password-protected PDF; save an unprotected copy")
        return reader
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(f"it is not a readable PDF ({exc})") from exc


def extract_pdf(raw: bytes, name: str) -> list[Extracted]:
    """One PDF: paragraphs of every page in order, and its document information."""
    reader = _reader(raw)
    info: dict[str, Any] = dict(reader.metadata or {})
    title = str(info.get("/Title") or "").strip()
    paragraphs = []
    try:
        for page in reader.pages:
            paragraphs += _paragraphs(page.extract_text() or "")
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ExtractionError(f"its pages cannot be read ({exc})") from exc
    paragraphs = [p for p in paragraphs if p.casefold() != title.casefold()]
    if not paragraphs:
        raise ExtractionError(
            "it has no text layer (a scanned or image-only PDF); run OCR on it first "
            "(for example `ocrmypdf in.pdf out.pdf`), then add the result"
        )
    return [
        Extracted(
            text="\n\n".join(paragraphs) + "\n",
            title=title,
            author=str(info.get("/Author") or "").strip(),
            date=iso_date(str(info.get("/CreationDate") or "")),
        )
    ]
