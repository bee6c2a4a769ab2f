"""HTML for chat messages and the status line. Every piece of untrusted text is escaped here.

Answers, questions and corpus text are untrusted: they are HTML-escaped and their Markdown
characters are turned into character references, so neither a `<script>` in an article nor a
`*` or `[x](y)` in a model's answer can change what the chat shows. Gradio's chatbot also
sanitizes, but nothing here relies on it.
"""

from __future__ import annotations

import html

from rag import Answer, Citation, Passage
from rag.claims import MARKER
from rag.timewindow import window_note
from rag.types import REFUSAL_REASONS

# One pass over the text: HTML's special characters, then the ones Markdown (and Gradio's
# LaTeX rendering) would interpret, as character references. A single `str.translate` never
# re-escapes the references it produced.
_ESCAPES = {
    **{ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~$"},
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
}

# Elements with this class are decoration (labels, icons): history.py leaves them out of the
# plain text that follow-up questions see.
CHROME = "nd-chrome"
ERROR_CLASS = "nd-error"
STREAMING_CLASS = "nd-streaming"


def escape_text(text: str) -> str:
    """`text` safe inside HTML and inert as Markdown; newlines become <br>."""
    escaped = text.replace("\r\n", "\n").translate(_ESCAPES)
    return escaped.replace("\n", "<br>")


def anchor_id(turn: int, marker: int) -> str:
    """The HTML id of citation `marker`'s entry in the source panel for answer number `turn`."""
    return f"nd-src-{turn}-{marker}"


def outlet_and_date(outlet: str | None, date: str | None) -> str:
    """'BBC, 2025-05-23', or whichever of the two is known, or ""."""
    return ", ".join(part for part in (outlet, date) if part)


def citation_origin(citation: Citation, passages: list[Passage]) -> str:
    """The citation's outlet and date: its own, else those of a retrieved passage of its article."""
    outlet, date = getattr(citation, "outlet", ""), getattr(citation, "date", "")
    passage = next((p for p in passages if p.source == citation.source), None)
    if passage is not None:
        outlet, date = outlet or passage.outlet, date or passage.date
    return outlet_and_date(outlet, date)


def citation_link(citation: Citation, turn: int, origin: str = "") -> str:
    """A superscript [n] that jumps to the citation's entry in the source panel."""
    label = citation.title or citation.source
    title = html.escape(f"{label} ({origin})" if origin else label, quote=True)
    return (
        f'<sup class="nd-sup"><a class="nd-cite" href="#{anchor_id(turn, citation.marker)}" '
        f'title="{title}">[{citation.marker}]</a></sup>'
    )


def render_markers(
    text: str, citations: list[Citation], turn: int, passages: list[Passage] | None = None
) -> str:
    """`text` escaped, with each [n] that has a Citation turned into a link to its source."""
    by_marker = {c.marker: c for c in citations}
    parts: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        citation = by_marker.get(int(match.group(1)))
        if citation is None:
            continue  # not a citation marker (e.g. "[2025]" in a quote): left as text
        parts.append(escape_text(text[position : match.start()].rstrip(" ")))
        parts.append(citation_link(citation, turn, citation_origin(citation, passages or [])))
        position = match.end()
    parts.append(escape_text(text[position:]))
    return "".join(parts)


def user_html(question: str) -> str:
    """The user's question as a chat message."""
    return f'<div class="nd-question">{escape_text(question)}</div>'


def answer_html(answer: Answer, turn: int) -> str:
    """The verified answer as a chat message: citation links, or the refusal note."""
    if answer.refused:
        return refusal_html(answer.text)
    count = len(answer.citations)
    origins = [
        f"[{c.marker}] {escape_text(origin)}"
        for c in answer.citations
        if (origin := citation_origin(c, answer.passages))
    ]
    note = f"{count} source{'s' if count != 1 else ''} \u2192 " + " \u00b7 ".join(origins)
    body = render_markers(answer.text, answer.citations, turn, answer.passages)
    return f'<div class="nd-answer">{body}<div class="nd-answer-foot {CHROME}">{note}</div></div>'


def refusal_html(text: str) -> str:
    """A refusal: a plain note that the corpus does not cover the question, with no sources."""
    return (
        '<div class="nd-refusal">'
        f'<div class="nd-refusal-label {CHROME}">Not covered by the news corpus</div>'
        f"{escape_text(text)}</div>"
    )


def error_html(message: str) -> str:
    """A friendly error as a chat message (never a stack trace)."""
    return (
        f'<div class="{ERROR_CLASS}">'
        f'<div class="nd-error-label {CHROME}">Could not answer</div>'
        f"{escape_text(message)}</div>"
    )


def streaming_html(partial: str) -> str:
    """The answer while it is generated, before its citations are verified."""
    if not partial.strip():
        dots = '<span class="nd-dots">Searching the corpus</span>'
        return f'<div class="{STREAMING_CLASS}">{dots}</div>'
    return (
        f'<div class="{STREAMING_CLASS}">{escape_text(partial)}<span class="nd-caret">\u258d</span>'
        "</div>"
    )


def format_seconds(seconds: float) -> str:
    """0.0123 -> '12 ms', 1.5 -> '1.50 s'."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def status_html(answer: Answer, applied: str = "") -> str:
    """Backend and per-stage timings of an answer, and the filters it ran with (`applied`, safe
    HTML from ui.filters.describe_filters)."""
    stages = [
        (label, answer.timings[key])
        for key, label in (
            ("retrieve", "retrieve"),
            ("first_token", "first token"),
            ("generate", "generate"),
            ("total", "total"),
        )
        if key in answer.timings
    ]
    timings = " \u00b7 ".join(f"{label} {format_seconds(value)}" for label, value in stages)
    backend = html.escape(answer.backend or "unknown")
    outcome = f"refused: {refusal_reason(answer)}" if answer.refused else "answered"
    scope = f' \u00b7 <span class="nd-applied">filters: {applied}</span>' if applied else ""
    if window := window_note(answer.query):  # narrowed by the window the question named
        scope += f' \u00b7 <span class="nd-window">time window: {html.escape(window)}</span>'
    return status_line(
        f'{outcome} \u00b7 backend <span class="nd-backend">{backend}</span> \u00b7 {timings}'
        f"{scope}",
        "nd-status-refused" if answer.refused else "nd-status-ok",
    )


def refusal_reason(answer: Answer) -> str:
    """Why `answer` was refused, in words for the status line."""
    return REFUSAL_REASONS.get(answer.refusal, "not in the corpus")


def status_line(inner_html: str, kind: str = "nd-status-idle") -> str:
    """The status line; `inner_html` must already be safe HTML."""
    return f'<div class="nd-status {kind}"><span class="nd-dot"></span>{inner_html}</div>'


IDLE_STATUS = status_line("Ready. Answers come only from the news corpus, with a source per claim.")
BUSY_STATUS = status_line("Searching the corpus and writing the answer\u2026", "nd-status-busy")
