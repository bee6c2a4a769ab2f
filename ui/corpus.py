"""HTML of the corpus tab: the article table, what an upload or removal did, the upload limits.
Every article field is untrusted (it comes from uploaded pages) and is escaped here."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from ui.render import escape_text


def article_table(articles: Sequence[Any]) -> str:
    """Every article (rag.ArticleInfo) with title, outlet, date and chunk count."""
    if not articles:
        return (
            '<div class="nd-placeholder">The corpus is empty: add articles above, then ask.</div>'
        )
    rows = "".join(
        f'<tr data-source="{html.escape(a.source, quote=True)}">'
        f'<td class="nd-col-title">{escape_text(a.title or a.source)}'
        f"<div><code>{escape_text(a.source)}</code></div></td>"
        f"<td>{escape_text(a.outlet or '')}</td>"
        f'<td class="nd-col-date">{escape_text(a.date or "")}</td>'
        f'<td class="nd-col-num">{int(a.chunks)}</td></tr>'
        for a in articles
    )
    chunks = sum(int(a.chunks) for a in articles)
    count = len(articles)
    return (
        f'<div class="nd-corpus-count">{count} article{"s" if count != 1 else ""} \u00b7 '
        f"{chunks} chunks</div>"
        '<table class="nd-corpus"><thead><tr><th>Article</th><th>Outlet</th><th>Date</th>'
        f"<th>Chunks</th></tr></thead><tbody>{rows}</tbody></table>"
    )


_KINDS = (
    ("added", "Added", "nd-ok"),
    ("replaced", "Replaced", "nd-ok"),
    ("removed", "Removed", "nd-ok"),
    ("skipped", "Not added", "nd-bad"),
)


def report_html(report: Any, action: str = "Upload") -> str:
    """What an add or remove call did, one line per file with its reason (rag.AddReport).
    Files are named without their folder: Gradio's temporary upload path means nothing here."""
    items = []
    for field, label, kind in _KINDS:
        for name, reason in getattr(report, field, None) or []:
            why = f": {escape_text(reason)}" if reason else ""
            items.append(
                f'<li class="{kind} nd-report-{field}"><b>{label}</b> '
                f"<code>{escape_text(PurePath(name).name or name)}</code>{why}</li>"
            )
    summary = str(getattr(report, "index", "") or "")  # the indexing run's summary
    foot = f'<div class="nd-report-foot">{escape_text(summary)}</div>' if summary else ""
    if not items:
        items.append(f'<li class="nd-bad">{escape_text(action)}: nothing was changed.</li>')
    return f'<ul class="nd-report">{"".join(items)}</ul>{foot}'


def message_html(text: str, kind: str = "nd-bad") -> str:
    """A one-line note under the upload box (a refusal before anything was sent to rag)."""
    return f'<ul class="nd-report"><li class="{kind}">{escape_text(text)}</li></ul>'


def busy_html(text: str) -> str:
    """Shown while files are being checked and indexed."""
    return f'<div class="nd-report nd-busy"><span class="nd-dots">{escape_text(text)}</span></div>'


def limits_text(
    suffixes: Sequence[str],
    max_bytes: int,
    max_files: int,
    plain: tuple[Sequence[str], int] | None = None,
) -> str:
    """The upload limits in words, for the upload box's label; `plain`: the suffixes with a
    smaller cap of their own, and that cap."""
    kinds = ", ".join(suffixes)
    size = f"up to {format_bytes(max_bytes)} per file"
    if plain and plain[1] < max_bytes:
        size += f" ({', '.join(plain[0])}: {format_bytes(plain[1])})"
    return f"Types: {kinds} \u00b7 {size}, {max_files} per upload"


def format_bytes(count: int) -> str:
    """20971520 -> '20 MB'; 1536 -> '1.5 KB'."""
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} bytes"
