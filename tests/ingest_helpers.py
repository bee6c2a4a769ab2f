"""Shared by the ingestion tests: an engine over a temporary corpus, bound to the public API,
and a snapshot of the corpus folder and the index to prove a call changed nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import rag
from rag.config import Settings
from rag.engine import Engine

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"


@contextmanager
def bound_engine(home: Path, corpus: Path, embed_model: Any, **settings: Any) -> Iterator[Engine]:
    """An Engine over `corpus` with its data in `home`, used by rag.* inside the block."""
    engine = Engine(Settings(home=home, corpus=corpus, **settings), embed_model=embed_model)
    with rag.using(engine):
        yield engine


def snapshot(engine: Engine) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(corpus files with their sha256, chunk ids, sentence ids) as they are now."""
    corpus = Path(engine.settings.corpus)
    files = sorted(
        (p.relative_to(corpus).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in corpus.rglob("*")
        if p.is_file()
    )
    chunks = sorted(engine.collection.get(include=[])["ids"])
    sentences = sorted(engine.sentences.get(include=[])["ids"])
    return files, chunks, sentences


# The two PDFs the tests make: (file name, title, author, creation date, paragraphs).
PDF_CASES = [
    (
        "calmac-arran-sailings.pdf",
        "Ferry operator cancels winter sailings to Arran",
        "Morag Reid",
        (2025, 2, 3),
        [
            "CalMac said on Monday that it would cancel all sailings between Ardrossan and "
            "Brodick for six weeks from 10 February while the MV Caledonian Isles is repaired "
            "in dry dock, leaving islanders with a single smaller vessel.",
            "The company said the replacement ferry could carry 40 cars instead of 110, and that "
            "priority would be given to lifeline freight, hospital appointments and school "
            "transport.",
            "Island businesses said the cancellations would cost them bookings at half term.",
        ],
    ),
    (
        "council-budget-report.pdf",
        "Council sets 4.99 per cent council tax rise",
        "Finance Committee",
        (2025, 2, 27),
        [
            "The council agreed a budget of 312 million pounds for the coming year, with council "
            "tax rising by 4.99 per cent, the most allowed without a local referendum.",
            "Spending on adult social care will rise by 21 million pounds, while the library "
            "service faces savings of 1.4 million pounds over two years.",
        ],
    ),
]


def make_pdf(
    path: Path, title: str, author: str, date: tuple[int, int, int], paras: list[str]
) -> Path:
    """A text PDF with a heading, paragraphs (the last one on a second page) and document info."""
    from datetime import UTC, datetime

    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creation_date(datetime(*date, 9, 0, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 8, title)
    pdf.set_font("Helvetica", size=11)
    for i, para in enumerate(paras):
        if i == len(paras) - 1:
            pdf.add_page()
        pdf.ln(4)
        pdf.multi_cell(0, 6, para)
    pdf.output(str(path))
    return path


def make_image_pdf(path: Path) -> Path:
    """A PDF with a drawing and no text layer, as a scan looks to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(10, 10, 150, 200, style="F")
    pdf.output(str(path))
    return path
