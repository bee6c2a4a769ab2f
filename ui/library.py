"""The corpus tab's event handlers: add uploaded files, remove an article, list the articles.

They call rag's corpus API (rag.add_files, rag.remove_article, rag.articles). The engine is
shared by every browser tab, so an article added in one tab is answerable in all of them as
soon as its indexing ends; the article lists of other tabs refresh when their Corpus tab opens.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

import rag
from ui import corpus

log = logging.getLogger(__name__)

# (article table, remove choice, filter: articles, filter: outlets)
CorpusUpdate = tuple[Any, Any, Any, Any]
# (upload report, upload box) + CorpusUpdate
AddUpdate = tuple[Any, Any, Any, Any, Any, Any]


def upload_limits() -> tuple[tuple[str, ...], int, int]:
    """(allowed suffixes, max bytes per file, max files per upload), as rag.add_files checks."""
    limits = rag.add_limits()
    return tuple(limits.suffixes), int(limits.max_bytes), int(limits.max_files)


def plain_limit() -> tuple[tuple[str, ...], int]:
    """(plain-text suffixes, their smaller max bytes per file), as rag.add_files checks."""
    limits = rag.add_limits()
    return tuple(limits.plain_suffixes), int(limits.plain_max_bytes)


def corpus_view(
    chosen_sources: Sequence[str] | None = None, chosen_outlets: Sequence[str] | None = None
) -> CorpusUpdate:
    """The article table and the article/outlet choices, keeping the filters that still apply."""
    try:
        articles = rag.articles()
    except Exception as exc:  # the tab stays usable; the reason is shown where the table was
        log.exception("Listing the corpus failed")
        note = corpus.message_html(f"The article list could not be read ({type(exc).__name__}).")
        skip = gr.skip()
        return note, skip, skip, skip
    titled = [(_label(a), a.source) for a in articles]
    sources = {a.source for a in articles}
    outlets = sorted({a.outlet for a in articles if a.outlet})
    return (
        corpus.article_table(articles),
        gr.update(choices=titled, value=None),
        gr.update(choices=titled, value=[s for s in chosen_sources or [] if s in sources]),
        gr.update(choices=outlets, value=[o for o in chosen_outlets or [] if o in outlets]),
    )


def _label(article: Any) -> str:
    """An article's name in a dropdown: its title, and outlet/date when known."""
    origin = ", ".join(part for part in (article.outlet, article.date) if part)
    title = article.title or article.source
    return f"{title} ({origin})" if origin else title


def upload_paths(files: Sequence[Any] | None) -> list[Path]:
    """The temporary paths of the files Gradio received (str or objects with a .name)."""
    return [Path(getattr(f, "name", f)) for f in files or []]


def add_uploads(
    files: Sequence[Any] | None,
    replace: bool,
    chosen_sources: Sequence[str] | None = None,
    chosen_outlets: Sequence[str] | None = None,
) -> Iterator[AddUpdate]:
    """Check and index the uploaded files; each gets a line saying what happened to it.

    Args:
        files: the files Gradio stored for this upload.
        replace: the "replace existing articles" box: without it an existing name is skipped.
        chosen_sources, chosen_outlets: this tab's current filters, kept where still valid.
    Yields:
        (upload report, upload box, article table, remove choice, filter articles, outlets).
    """
    skip = gr.skip()
    paths = upload_paths(files)
    if not paths:
        yield corpus.message_html("Choose or drop files to add."), skip, skip, skip, skip, skip
        return
    count = f"{len(paths)} file{'s' if len(paths) != 1 else ''}"
    yield corpus.busy_html(f"Checking and indexing {count}"), skip, skip, skip, skip, skip
    try:
        report = rag.add_files(paths, overwrite=bool(replace))
    except rag.RagError as exc:
        yield corpus.message_html(str(exc)), None, skip, skip, skip, skip
        return
    except Exception as exc:
        log.exception("Adding %s failed", [p.name for p in paths])
        message = f"Adding the files failed inside Newsdesk ({type(exc).__name__}); see the log."
        yield corpus.message_html(message), None, skip, skip, skip, skip
        return
    view = corpus_view(chosen_sources, chosen_outlets)
    yield (corpus.report_html(report, "Upload"), None, *view)


def remove_selected(
    source: str | None,
    chosen_sources: Sequence[str] | None = None,
    chosen_outlets: Sequence[str] | None = None,
) -> tuple[Any, Any, Any, Any, Any]:
    """Remove the chosen article from the corpus folder and the index.

    Returns:
        (removal report, article table, remove choice, filter articles, filter outlets).
    """
    skip = gr.skip()
    if not source:
        return corpus.message_html("Choose an article to remove first."), skip, skip, skip, skip
    try:
        report = rag.remove_article(source)
    except rag.RagError as exc:
        return corpus.message_html(str(exc)), skip, skip, skip, skip
    except Exception as exc:
        log.exception("Removing %r failed", source)
        message = f"Removing {source} failed inside Newsdesk ({type(exc).__name__}); see the log."
        return corpus.message_html(message), skip, skip, skip, skip
    return (corpus.report_html(report, "Remove"), *corpus_view(chosen_sources, chosen_outlets))
