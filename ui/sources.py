"""The source panel (each citation's quote highlighted in its paragraph) and the passage list."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

import rag
from rag import Answer, Citation, Passage
from ui.render import anchor_id, citation_origin, escape_text, outlet_and_date

log = logging.getLogger(__name__)

CONTEXT_CHARS = 600  # paragraph text kept on each side of a quote before trimming with "…"


@dataclass(frozen=True)
class Turn:
    """One answered question's entry in the source panel."""

    number: int
    question: str
    body: str  # safe HTML: the citation list, or the no-sources note


def read_article(source: str) -> str | None:
    """The text `source`'s offsets point into (rag.article_text), or None when rag has none."""
    try:
        return rag.article_text(source)
    except (rag.RagError, OSError, ValueError, KeyError) as exc:
        log.info("No article text for %r: %s", source, exc)
        return None


def _trim_before(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return "\u2026" + cut[cut.find(" ") + 1 :] if " " in cut else "\u2026" + cut


def _trim_after(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "\u2026"


def paragraph_context(
    text: str, start: int, end: int, limit: int = CONTEXT_CHARS
) -> tuple[str, str, str]:
    """(before, quote, after): the lines of `text` holding text[start:end], split around it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before = _trim_before(text[line_start:start], limit)
    after = _trim_after(text[end:line_end], limit)
    return before, text[start:end], after


def highlighted_paragraph(citation: Citation) -> str:
    """HTML of the citation's paragraph with the quote in <mark>; the quote alone as fallback."""
    text = read_article(citation.source)
    if text is None or text[citation.start : citation.end] != citation.quote:
        # The article moved or changed since it was indexed: the verified quote still stands.
        return f"<mark>{escape_text(citation.quote)}</mark>"
    before, quote, after = paragraph_context(text, citation.start, citation.end)
    return f"{escape_text(before)}<mark>{escape_text(quote)}</mark>{escape_text(after)}"


def meta_line(origin: str, source: str) -> str:
    """Outlet and date where known ("BBC, 2025-05-23"), then the file name."""
    parts = [escape_text(origin)] if origin else []
    return " \u00b7 ".join([*parts, f"<code>{escape_text(source)}</code>"])


def copies_html(citation: Citation) -> str:
    """Where else the cited story appeared (near-duplicate copies), "" when nowhere."""
    if not citation.also_in:
        return ""
    copies = "; ".join(
        meta_line(outlet_and_date(c.get("outlet"), c.get("date")), c.get("source", ""))
        for c in citation.also_in
    )
    return f'<div class="nd-also">Also reported in: {copies}</div>'


def citation_html(citation: Citation, passages: list[Passage], turn: int) -> str:
    """One source entry: marker, title, outlet/date, where else the story appeared, and the
    highlighted quote."""
    meta = meta_line(citation_origin(citation, passages), citation.source)
    return (
        f'<li class="nd-source" id="{anchor_id(turn, citation.marker)}">'
        f'<div class="nd-source-head"><span class="nd-badge">{citation.marker}</span>'
        f'<span class="nd-source-title">{escape_text(citation.title or citation.source)}</span>'
        f'</div><div class="nd-meta">{meta}</div>{copies_html(citation)}'
        f'<blockquote class="nd-context">{highlighted_paragraph(citation)}</blockquote>'
        "</li>"
    )


NO_SOURCES_HTML = (
    '<div class="nd-no-sources">No sources: the news corpus does not cover this question, '
    "so nothing is cited. The closest passages it found are under "
    "<b>Retrieved passages</b>.</div>"
)


def turn_for(answer: Answer, question: str, number: int) -> Turn:
    """The source-panel entry of one answer."""
    if answer.refused or not answer.citations:
        return Turn(number, question, NO_SOURCES_HTML)
    items = "".join(citation_html(c, answer.passages, number) for c in answer.citations)
    return Turn(number, question, f'<ol class="nd-source-list">{items}</ol>')


EMPTY_PANEL = (
    '<div class="nd-panel"><div class="nd-panel-title">Sources</div>'
    '<div class="nd-placeholder">Each <span class="nd-badge">1</span> in an answer links '
    "here, to the article it came from, with the quoted passage highlighted in its "
    "paragraph.</div></div>"
)


def panel_html(turns: list[Turn]) -> str:
    """The source panel: the latest answer's sources open, earlier answers folded below."""
    if not turns:
        return EMPTY_PANEL
    blocks = []
    for position, turn in enumerate(reversed(turns)):
        state = " open" if position == 0 else ""
        blocks.append(
            f'<details class="nd-turn"{state}><summary><span class="nd-turn-number">'
            f"Q{turn.number}</span> {escape_text(turn.question)}</summary>{turn.body}</details>"
        )
    return f'<div class="nd-panel"><div class="nd-panel-title">Sources</div>{"".join(blocks)}</div>'


def passages_html(passages: list[Passage], query: str = "") -> str:
    """Every retrieved passage, best first, with its scores and offsets, under the standalone
    question retrieval ran (`query`, when a follow-up was condensed or a filter narrowed it)."""
    if not passages:
        return '<div class="nd-placeholder">No passages retrieved yet.</div>'
    head = (
        f'<div class="nd-query"><span class="nd-query-label">Retrieval ran on</span> '
        f"{escape_text(query)}</div>"
        if query
        else ""
    )
    items = []
    for rank, p in enumerate(passages, 1):
        meta = meta_line(outlet_and_date(p.outlet, p.date), p.source)
        scores = f"score {p.score:.4f} \u00b7 similarity {p.similarity:.3f}"
        items.append(
            f'<li class="nd-passage"><div class="nd-source-head"><span class="nd-rank">#{rank}'
            f'</span><span class="nd-source-title">{escape_text(p.title or p.source)}</span></div>'
            f'<div class="nd-meta">{meta} \u00b7 chars {p.start}\u2013{p.end} \u00b7 '
            f'{html.escape(scores)}</div><div class="nd-passage-text">{escape_text(p.text)}</div>'
            "</li>"
        )
    return f'{head}<ol class="nd-passage-list">{"".join(items)}</ol>'
