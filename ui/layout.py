"""The chat's components, built inside the app's Blocks: chat column, filters, side tabs.
Events are wired in ui.app; this module only places things."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import gradio as gr

from ui.chat import EMPTY_PASSAGES
from ui.corpus import message_html
from ui.render import IDLE_STATUS
from ui.sources import EMPTY_PANEL

EXAMPLES = [
    "Who led the Russian delegation in Istanbul?",
    "Why did Rubio withdraw from the Ukraine talks?",
    "What did Trump and Putin discuss in their phone call?",
    "What does Russia demand before a ceasefire?",
]

PLACEHOLDER = (
    "**Ask about the news corpus.**<br>Every claim in an answer is marked like "
    "<sup>[1]</sup>; click it to see the quoted passage in its article."
)


@dataclass
class ChatParts:
    """The chat column: conversation, question box, status line, filters and examples."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    clear: gr.Button
    status: gr.HTML
    examples: gr.Dataset
    sources: gr.Dropdown  # filter: articles
    outlets: gr.Dropdown  # filter: outlets
    since: gr.Textbox
    until: gr.Textbox
    clear_filters: gr.Button


@dataclass
class SideParts:
    """The side column: the Sources tab (citations, passages) and the Corpus tab."""

    tabs: gr.Tabs
    sources: gr.HTML
    passages: gr.HTML
    upload: gr.File
    replace: gr.Checkbox
    report: gr.HTML
    table: gr.HTML
    remove_choice: gr.Dropdown
    remove: gr.Button
    refresh: gr.Button
    corpus_tab: gr.Tab


def chat_column() -> ChatParts:
    """The chat column's components, in page order."""
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
        clear = gr.Button("Clear chat", size="md", scale=1, min_width=110, elem_id="nd-clear")
    status = gr.HTML(IDLE_STATUS, elem_id="nd-status", js_on_load=None)
    with gr.Accordion("Filters for the next questions", open=False, elem_id="nd-filters"):
        with gr.Row():
            sources = _multiselect("Articles", "Only these articles", "nd-filter-sources")
            outlets = _multiselect(
                "Outlets", "Only articles from these outlets", "nd-filter-outlets"
            )
        with gr.Row(equal_height=True):
            since = _date("Published on or after", "nd-filter-since")
            until = _date("Published on or before", "nd-filter-until")
            clear_filters = gr.Button("Clear filters", size="md", elem_id="nd-clear-filters")
    examples = gr.Dataset(
        components=[question],
        samples=[[q] for q in EXAMPLES],
        label="Example questions",
        elem_id="nd-examples",
    )
    return ChatParts(
        chatbot, question, ask, clear, status, examples, sources, outlets, since, until,
        clear_filters,
    )  # fmt: skip


def _multiselect(label: str, info: str, elem_id: str) -> gr.Dropdown:
    return gr.Dropdown(
        choices=[], value=[], multiselect=True, label=label, info=info, elem_id=elem_id
    )


def _date(label: str, elem_id: str) -> gr.Textbox:
    return gr.Textbox(
        label=label,
        placeholder="YYYY-MM-DD",
        info="Undated articles are left out by a date.",
        max_lines=1,
        elem_id=elem_id,
    )


def side_column(limits: str, suffixes: Sequence[str]) -> SideParts:
    """The side tabs. `limits` (upload limits in words) and `suffixes` come from rag."""
    with gr.Tabs(elem_id="nd-side-tabs", selected="sources") as tabs:
        with gr.Tab("Sources", id="sources"):
            sources = gr.HTML(EMPTY_PANEL, elem_id="nd-sources", js_on_load=None)
            with gr.Accordion("Retrieved passages", open=False, elem_id="nd-passages-box"):
                passages = gr.HTML(EMPTY_PASSAGES, elem_id="nd-passages", js_on_load=None)
        with gr.Tab("Corpus", id="corpus", elem_id="nd-corpus-tab") as corpus_tab:
            upload = gr.File(
                file_count="multiple",
                file_types=list(suffixes),
                label=f"Add articles (drop files or click) \u00b7 {limits}",
                elem_id="nd-upload",
                height=130,
            )
            replace = gr.Checkbox(
                False,
                label="Replace existing articles that have the same file name",
                elem_id="nd-replace",
            )
            report = gr.HTML("", elem_id="nd-report", js_on_load=None)
            table = gr.HTML(message_html("Loading the article list\u2026", "nd-idle"),
                            elem_id="nd-corpus", js_on_load=None)  # fmt: skip
            with gr.Row(elem_id="nd-remove-row"):
                remove_choice = gr.Dropdown(
                    choices=[], value=None, label="Article to remove", scale=4,
                    elem_id="nd-remove-choice",
                )  # fmt: skip
                remove = gr.Button(
                    "Remove", variant="stop", size="md", scale=1, min_width=90, elem_id="nd-remove"
                )
            refresh = gr.Button("Refresh list", size="sm", elem_id="nd-refresh")
    return SideParts(
        tabs, sources, passages, upload, replace, report, table, remove_choice, remove,
        refresh, corpus_tab,
    )  # fmt: skip
