"""The Newsdesk chat: layout, events and launch. Run with `rag ui` or `python -m ui`."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

import gradio as gr

from ui.chat import EMPTY_PASSAGES, ask_api, clear_chat, respond
from ui.render import IDLE_STATUS
from ui.settings import UiSettings
from ui.sources import EMPTY_PANEL
from ui.theme import CSS, HEAD, make_theme

EXAMPLES = [
    "Who led the Russian delegation in Istanbul?",
    "Why did Rubio withdraw from the Ukraine talks?",
    "What did Trump and Putin discuss in their phone call?",
    "What does Russia demand before a ceasefire?",
]

HEADER = (
    "<h1>News<span>desk</span></h1>"
    "<p>Answers from the news corpus only, with the exact passage behind every claim.</p>"
)

PLACEHOLDER = (
    "**Ask about the news corpus.**<br>Every claim in an answer is marked like "
    "<sup>[1]</sup>; click it to see the quoted passage in its article."
)


def build_app(settings: UiSettings | None = None) -> gr.Blocks:
    """The chat app (not yet launched): chat on the left, sources and passages on the right.

    Args:
        settings: web-app settings (queue size); default: read from the environment.
    Returns:
        The Blocks, with the queue set to run one answer at a time (one local model).
    """
    settings = settings or UiSettings()
    with gr.Blocks(title="Newsdesk", analytics_enabled=False) as app:
        turns = gr.State([])
        gr.HTML(HEADER, elem_id="nd-header", js_on_load=None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="nd-chat",
                    show_label=False,
                    height=560,
                    buttons=[],
                    feedback_options=None,
                    latex_delimiters=[],
                    placeholder=PLACEHOLDER,
                )
                with gr.Row(equal_height=True, elem_id="nd-input-row"):
                    question = gr.Textbox(
                        placeholder="Ask a question about the news corpus\u2026",
                        show_label=False,
                        container=False,
                        lines=1,
                        max_lines=4,
                        scale=8,
                        elem_id="nd-question",
                    )
                    ask = gr.Button("Ask", variant="primary", size="md", scale=1, min_width=80)
                    clear = gr.Button(
                        "Clear chat", size="md", scale=1, min_width=110, elem_id="nd-clear"
                    )
                status = gr.HTML(IDLE_STATUS, elem_id="nd-status", js_on_load=None)
                examples = gr.Dataset(
                    components=[question],
                    samples=[[q] for q in EXAMPLES],
                    label="Example questions",
                    elem_id="nd-examples",
                )
            with gr.Column(scale=2, min_width=340, elem_id="nd-side"):
                sources = gr.HTML(EMPTY_PANEL, elem_id="nd-sources", js_on_load=None)
                with gr.Accordion("Retrieved passages", open=False, elem_id="nd-passages-box"):
                    passages = gr.HTML(EMPTY_PASSAGES, elem_id="nd-passages", js_on_load=None)

        outputs = [question, chatbot, sources, passages, status, turns]
        answer: dict[str, Any] = {
            "fn": respond,
            "inputs": [question, chatbot, turns],
            "outputs": outputs,
            "concurrency_id": "rag",
            "show_progress": "hidden",
            "api_visibility": "private",
        }
        question.submit(**answer)
        ask.click(**answer)
        examples.click(
            _first, inputs=examples, outputs=question, queue=False, api_visibility="private"
        ).then(**answer)
        reset: dict[str, Any] = {"outputs": outputs, "queue": False, "api_visibility": "private"}
        clear.click(clear_chat, **reset)
        chatbot.clear(clear_chat, **reset)
        # Shares the chat's concurrency group: one answer at a time, from the UI or the API.
        gr.api(ask_api, api_name="ask", concurrency_id="rag")
    app.queue(default_concurrency_limit=1, max_size=settings.queue_size)
    return app


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
