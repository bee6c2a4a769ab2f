"""The chat's event handlers and the "ask" API endpoint. All state is per browser tab."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

import rag
from ui import render
from ui.filters import Filters, accepts_filters, build_filters, describe_filters
from ui.history import plain_history
from ui.sources import EMPTY_PANEL, Turn, panel_html, passages_html, turn_for

log = logging.getLogger(__name__)

Messages = list[dict[str, Any]]
# (question box, chatbot, source panel, passages, status line, turns state)
Update = tuple[Any, Any, Any, Any, Any, Any]

EMPTY_PASSAGES = passages_html([])


def friendly_error(exc: BaseException) -> str:
    """What went wrong, in words a user can act on; the details of unexpected errors are logged."""
    if isinstance(exc, rag.QuestionError):
        return str(exc)
    if isinstance(exc, rag.RagError):
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        return (
            f"Newsdesk could not answer: {reason}. Try again in a moment; if this keeps happening, "
            "check the language-model backend (RAG_LLM) or the index (`rag index`)."
        )
    return (
        "Something went wrong inside Newsdesk while answering "
        f"({type(exc).__name__}). The details are in the server log; please try again "
        "or rephrase the question."
    )


def _with_reply(messages: Messages, content: str) -> Messages:
    """A new message list: `messages` whose last (assistant) message is replaced by `content`.

    Every update is a new list: Gradio diffs each streamed value against the previous one.
    """
    return [*messages[:-1], {"role": "assistant", "content": content}]


def respond(
    question: str,
    messages: Messages | None,
    turns: list[Turn] | None,
    sources: list[str] | None = None,
    outlets: list[str] | None = None,
    since: str = "",
    until: str = "",
) -> Iterator[Update]:
    """Stream the answer to `question` into the chat, then show it verified, with its sources.

    Args:
        question: the text in the question box.
        messages: the chat so far (this tab's chatbot value).
        turns: the source-panel entries of earlier answers (this tab's state).
        sources, outlets, since, until: the filter controls (empty: the whole corpus).
    Yields:
        Updates for (question box, chatbot, source panel, passages, status, turns).
    """
    text = (question or "").strip()
    history = plain_history(messages)
    chat = list(messages or [])
    if text:
        chat.append({"role": "user", "content": render.user_html(text)})
    chat.append({"role": "assistant", "content": render.streaming_html("")})
    skip = gr.skip()
    yield "", chat, skip, skip, render.BUSY_STATUS, skip

    partial = ""
    filters = build_filters(sources, outlets, since, until)
    try:
        for item in _stream(text, history, filters):
            if isinstance(item, rag.Answer):
                yield _final(item, text, chat, list(turns or []), filters)
                return
            partial += item
            yield skip, _with_reply(chat, render.streaming_html(partial)), skip, skip, skip, skip
        raise rag.RagError("The answer stream ended without an answer.")
    except Exception as exc:  # every failure becomes a chat message; the UI stays usable
        if not isinstance(exc, rag.QuestionError):
            log.exception("Answering %r failed", text)
        reply = render.error_html(friendly_error(exc))
        status = render.status_line("The last question could not be answered.", "nd-status-error")
        yield skip, _with_reply(chat, reply), skip, skip, status, skip


def _stream(text: str, history: list[dict[str, str]], filters: Filters | None) -> Iterator[Any]:
    """rag.ask_stream, with the filters when there are any."""
    if filters is None:
        return rag.ask_stream(text, history)
    if not accepts_filters(rag.ask_stream):
        raise rag.QuestionError(
            "This Newsdesk cannot filter questions by article, outlet or date yet: clear the "
            "filters (Clear filters) to ask about the whole corpus."
        )
    return rag.ask_stream(text, history, filters=filters)


def _final(
    answer: rag.Answer, question: str, chat: Messages, turns: list[Turn], filters: Filters | None
) -> Update:
    """The update that replaces the streamed text with the verified answer and its sources."""
    number = len(turns) + 1
    applied = describe_filters(filters, {p.source: p.title for p in answer.passages})
    turns = [*turns, turn_for(answer, question, number)]
    return (
        gr.skip(),
        _with_reply(chat, render.answer_html(answer, number)),
        panel_html(turns),
        # Answer.query: the standalone question retrieval ran (after condensing a follow-up).
        passages_html(answer.passages, getattr(answer, "query", "") or ""),
        render.status_html(answer, applied),
        turns,
    )


def clear_chat() -> Update:
    """A fresh conversation: empty chat, panels and state."""
    return "", [], EMPTY_PANEL, EMPTY_PASSAGES, render.IDLE_STATUS, []


def parse_history(history_json: str) -> list[dict[str, str]] | None:
    """The API's optional history argument: a JSON list of {"role", "content"} messages."""
    if not history_json or not history_json.strip():
        return None
    try:
        history = json.loads(history_json)
    except json.JSONDecodeError as exc:
        raise rag.QuestionError(
            f"history_json is not valid JSON ({exc.msg} at character {exc.pos}); pass a JSON "
            'list like [{"role": "user", "content": "..."}] or leave it empty.'
        ) from None
    return history


def ask_api(question: str, history_json: str = "") -> dict[str, Any]:
    """Answer a question about the news corpus, with a verified citation per claim.

    Args:
        question: the question.
        history_json: optional JSON list of earlier {"role", "content"} messages, for follow-ups.
    Returns:
        The Answer as JSON: text with [n] markers, citations, refused, timings, backend, passages.
    """
    try:
        return rag.ask(question, parse_history(history_json)).to_dict()
    except rag.RagError as exc:
        raise gr.Error(str(exc), print_exception=False) from None
    except Exception as exc:
        log.exception("The ask endpoint failed on %r", question)
        raise gr.Error(friendly_error(exc), print_exception=False) from None
