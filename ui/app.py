"""The Newsdesk chat: layout, events and launch. Run with `rag ui` or `python -m ui`."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

import gradio as gr

from ui import library
from ui.chat import ask_api, clear_chat, respond
from ui.corpus import limits_text
from ui.layout import ChatParts, SideParts, chat_column, side_column
from ui.settings import UiSettings
from ui.theme import CSS, HEAD, make_theme

HEADER = (
    "<h1>News<span>desk</span></h1>"
    "<p>Answers from the news corpus only, with the exact passage behind every claim.</p>"
)


def build_app(settings: UiSettings | None = None) -> gr.Blocks:
    """The chat app (not yet launched): chat on the left, sources and the corpus on the right.

    Args:
        settings: web-app settings (queue size); default: read from the environment.
    Returns:
        The Blocks, with the queue set to run one answer (or upload) at a time (one engine).
    """
    settings = settings or UiSettings()
    suffixes, max_bytes, max_files = library.upload_limits()
    with gr.Blocks(title="Newsdesk", analytics_enabled=False) as app:
        turns = gr.State([])
        gr.HTML(HEADER, elem_id="nd-header", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chat = chat_column()
            with gr.Column(scale=2, min_width=340, elem_id="nd-side"):
                side = side_column(
                    limits_text(suffixes, max_bytes, max_files, library.plain_limit()), suffixes
                )
        _wire_chat(chat, side, turns)
        _wire_corpus(app, chat, side)
        # Shares the chat's concurrency group: one answer at a time, from the UI or the API.
        gr.api(ask_api, api_name="ask", concurrency_id="rag")
    app.queue(default_concurrency_limit=1, max_size=settings.queue_size)
    return app


def _wire_chat(chat: ChatParts, side: SideParts, turns: gr.State) -> None:
    """Questions (box, button, examples) answered into the chat and the Sources tab."""
    outputs = [chat.question, chat.chatbot, side.sources, side.passages, chat.status, turns]
    filters = [chat.sources, chat.outlets, chat.since, chat.until]
    answer: dict[str, Any] = {
        "fn": respond,
        "inputs": [chat.question, chat.chatbot, turns, *filters],
        "outputs": outputs,
        "concurrency_id": "rag",
        "show_progress": "hidden",
        "api_visibility": "private",
    }
    quick: dict[str, Any] = {"queue": False, "api_visibility": "private"}
    for event in (chat.question.submit, chat.ask.click):
        event(_show_sources, outputs=side.tabs, **quick)
        event(**answer)
    chat.examples.click(_first, inputs=chat.examples, outputs=chat.question, **quick).then(
        _show_sources, outputs=side.tabs, **quick
    ).then(**answer)
    chat.clear.click(clear_chat, outputs=outputs, **quick)
    chat.chatbot.clear(clear_chat, outputs=outputs, **quick)
    chat.clear_filters.click(_no_filters, outputs=filters, **quick)


def _wire_corpus(app: gr.Blocks, chat: ChatParts, side: SideParts) -> None:
    """Upload, remove and list articles; every change refreshes this tab's lists and filters."""
    chosen = [chat.sources, chat.outlets]
    view = [side.table, side.remove_choice, chat.sources, chat.outlets]
    # Indexing shares the answers' concurrency group: the engine does one thing at a time.
    side.upload.upload(
        library.add_uploads,
        inputs=[side.upload, side.replace, *chosen],
        outputs=[side.report, side.upload, *view],
        concurrency_id="rag",
        show_progress="full",
        show_progress_on=[side.report],
        api_visibility="private",
    )
    side.remove.click(
        library.remove_selected,
        inputs=[side.remove_choice, *chosen],
        outputs=[side.report, *view],
        concurrency_id="rag",
        show_progress="full",
        show_progress_on=[side.report],
        api_visibility="private",
    )
    listing: dict[str, Any] = {
        "inputs": chosen,
        "outputs": view,
        "queue": False,
        "api_visibility": "private",
    }
    # Another tab may have changed the corpus: the list is read again whenever it is shown.
    app.load(library.corpus_view, **listing)
    side.corpus_tab.select(library.corpus_view, **listing)
    side.refresh.click(library.corpus_view, **listing)


def _show_sources() -> gr.Tabs:
    """Bring the Sources tab forward, where the answer's citations appear."""
    return gr.Tabs(selected="sources")


def _no_filters() -> tuple[list[str], list[str], str, str]:
    """Empty filter controls: the next question searches the whole corpus."""
    return [], [], "", ""


def _first(sample: list[str]) -> str:
    """The question of a clicked example row."""
    return sample[0]


def launch(
    host: str | None = None,
    port: int | None = None,
    *,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> gr.Blocks:
    """Serve the chat (blocks until stopped unless `prevent_thread_lock`).

    Args:
        host: address to bind; default RAG_UI_HOST or 127.0.0.1 (this machine only).
        port: TCP port; default RAG_UI_PORT or 7860.
        prevent_thread_lock: return at once, serving from a background thread.
        quiet: do not print the URL.
    Returns:
        The running app (`.local_url`; `.close()` stops it).
    """
    settings = UiSettings()
    app = build_app(settings)
    auth = settings.auth()
    _, max_bytes, _ = library.upload_limits()
    app.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        auth=auth,
        auth_message="Newsdesk: sign in (user and password from RAG_UI_USER/RAG_UI_PASSWORD)."
        if auth
        else None,
        share=False,
        inbrowser=False,
        show_error=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        footer_links=["api"],
        # Gradio refuses a bigger upload before it is written to disk; rag checks it again.
        max_file_size=max_bytes,
        theme=make_theme(),
        css=CSS,
        head=HEAD,
    )
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m ui [--host H] [--port P]`."""
    parser = argparse.ArgumentParser(prog="python -m ui", description="Serve the Newsdesk chat.")
    parser.add_argument("--host", help="address to bind (default RAG_UI_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default RAG_UI_PORT or 7860)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    launch(args.host, args.port)
    return 0
