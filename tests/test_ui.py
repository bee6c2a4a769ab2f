"""Fast tests of the chat UI: rendering, escaping, history and the event handlers (no browser)."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import gradio as gr
import pytest

import rag
from rag.config import PROJECT_ROOT
from ui import chat, filters, render, sources
from ui.history import plain_history, strip_html
from ui.settings import UiSettings

CORPUS = PROJECT_ROOT / "corpus"
MEDINSKY_SOURCE = "003_25123ef9c5ee8341.txt"
MEDINSKY_QUOTE = (
    "To emphasize that Moscow will persist with its initial demands, Putin appointed his aide "
    "Vladimir Medinsky to lead the Russian delegation in Istanbul."
)


def medinsky_citation(marker: int = 1) -> rag.Citation:
    """The real citation of the shipped corpus's Medinsky sentence."""
    text = (CORPUS / MEDINSKY_SOURCE).read_text(encoding="utf-8")
    start = text.index(MEDINSKY_QUOTE)
    return rag.Citation(
        marker,
        MEDINSKY_SOURCE,
        "Putin's demands",
        MEDINSKY_QUOTE,
        start,
        start + len(MEDINSKY_QUOTE),
    )


@pytest.fixture()
def shipped_texts(monkeypatch):
    """rag.article_text over the shipped .txt files (their article text is the file's text)."""

    def article_text(source):
        path = CORPUS / source
        if not path.is_file() or path.parent != CORPUS:
            raise rag.RagError(f"{source!r} is not an article of the corpus.")
        return path.read_text(encoding="utf-8")

    monkeypatch.setattr(rag, "article_text", article_text)


def answer_with(text: str, citations: list[rag.Citation], **fields) -> rag.Answer:
    timings = {"retrieve": 0.05, "generate": 1.25, "total": 1.4}
    return rag.Answer(text, citations, timings=timings, backend="none", **fields)


def test_escape_text_neutralises_html_and_markdown():
    escaped = render.escape_text('<script>alert("x")</script> *bold* [a](http://e) $$x$$ `c`')
    for dangerous in ("<script", "</script", '"', "*", "[", "]", "(", "$", "`"):
        assert dangerous not in escaped
    assert strip_html(escaped) == '<script>alert("x")</script> *bold* [a](http://e) $$x$$ `c`'


def test_escape_text_never_double_escapes():
    assert render.escape_text("Putin's A&B") == "Putin&#39;s A&amp;B"
    assert render.escape_text("line one\nline two") == "line one<br>line two"


def test_markers_become_links_to_their_source_entry():
    citations = [medinsky_citation(1), medinsky_citation(2)]
    html = render.render_markers("Medinsky led it [1]. He led it in 2022 [2][1].", citations, 3)
    assert html.count('class="nd-cite"') == 3
    assert 'href="#nd-src-3-1"' in html and 'href="#nd-src-3-2"' in html
    assert ">[2]</a>" in html
    assert 'title="Putin&#x27;s demands"' in html


def test_unknown_markers_stay_text_and_text_is_escaped():
    html = render.render_markers("<b>In [2025]</b> he said [1]", [medinsky_citation(1)], 1)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "nd-src-1-2025" not in html and "&#91;2025&#93;" in html
    assert html.count("nd-cite") == 1


def test_answer_html_links_markers_and_counts_sources():
    html = render.answer_html(answer_with("Medinsky led it. [1]", [medinsky_citation()]), 1)
    assert 'class="nd-answer"' in html and 'href="#nd-src-1-1"' in html
    assert "1 source" in html


def test_refusal_is_rendered_differently_and_cites_nothing():
    refusal = answer_with("I cannot answer that from the news corpus.", [], refused=True)
    html = render.answer_html(refusal, 1)
    assert 'class="nd-refusal"' in html and "Not covered by the news corpus" in html
    assert "nd-cite" not in html and "nd-answer" not in html


def test_status_line_shows_backend_and_timings():
    html = render.status_html(answer_with("x [1]", [medinsky_citation()]))
    assert "backend" in html and ">none<" in html
    assert "retrieve 50 ms" in html and "generate 1.25 s" in html and "total 1.40 s" in html
    refused = render.status_html(rag.Answer("no", refused=True, backend="<i>x</i>"))
    assert "refused" in refused and "&lt;i&gt;" in refused
    judged = render.status_html(rag.Answer("no", refused=True, refusal="unsupported"))
    assert "refused: no claim passed the fact check" in judged


def test_paragraph_context_is_the_line_around_the_quote():
    text = "Title\n\nFirst sentence. The quote here. Last sentence.\nNext paragraph."
    start = text.index("The quote")
    before, quote, after = sources.paragraph_context(text, start, start + len("The quote here."))
    assert (before, quote, after) == ("First sentence. ", "The quote here.", " Last sentence.")


def test_paragraph_context_trims_long_paragraphs_at_words():
    text = "word " * 300 + "QUOTE" + " word" * 300
    start = text.index("QUOTE")
    before, quote, after = sources.paragraph_context(text, start, start + 5, limit=50)
    assert before.startswith("\u2026") and after.endswith("\u2026")
    assert len(before) <= 51 and len(after) <= 51 and quote == "QUOTE"


def test_quote_is_highlighted_inside_its_real_paragraph(shipped_texts):
    html = sources.highlighted_paragraph(medinsky_citation())
    assert f"<mark>{render.escape_text(MEDINSKY_QUOTE)}</mark>" in html
    assert "Medinsky also led the Russian side in the 2022 talks" in strip_html(html)


def test_missing_or_changed_article_falls_back_to_the_quote(shipped_texts):
    moved = dataclasses.replace(medinsky_citation(), source="gone.txt")
    html = sources.highlighted_paragraph(moved)
    assert html == f"<mark>{render.escape_text(MEDINSKY_QUOTE)}</mark>"
    shifted = dataclasses.replace(medinsky_citation(), start=0)
    assert sources.highlighted_paragraph(shifted).startswith("<mark>")
    assert sources.read_article("../pyproject.toml") is None


def test_source_entry_has_anchor_title_outlet_and_date(shipped_texts):
    passage = rag.Passage(MEDINSKY_SOURCE, "t", "x", 1.0, 0, 1, outlet="BBC<br>", date="2025-05-19")
    turn = sources.turn_for(answer_with("x [1]", [medinsky_citation()]), "Who?", 2)
    assert 'id="nd-src-2-1"' in turn.body and "Putin&#39;s demands" in turn.body
    html = sources.citation_html(medinsky_citation(), [passage], 2)
    assert "BBC&lt;br&gt;" in html and "<br>," not in html
    assert f"BBC<br>, 2025-05-19 \u00b7 {MEDINSKY_SOURCE}" in strip_html(html)


def test_outlet_and_date_come_from_the_citation_first_then_its_passage():
    # A citation that carries its own outlet (rag.Citation gains outlet and date).
    cited = SimpleNamespace(source=MEDINSKY_SOURCE, outlet="Reuters", date="")
    passage = rag.Passage(MEDINSKY_SOURCE, "t", "x", 1.0, 0, 1, outlet="BBC", date="2025-05-23")
    assert render.citation_origin(cited, [passage]) == "Reuters, 2025-05-23"
    assert render.citation_origin(medinsky_citation(), [passage]) == "BBC, 2025-05-23"
    assert render.citation_origin(medinsky_citation(), []) == ""
    assert render.outlet_and_date("", "2025-05-23") == "2025-05-23"


def test_answer_shows_each_citation_outlet_and_date_in_link_and_foot():
    passage = rag.Passage(MEDINSKY_SOURCE, "t", "x", 1.0, 0, 1, outlet="BBC", date="2025-05-23")
    answer = answer_with("Medinsky led it. [1]", [medinsky_citation()], passages=[passage])
    html = render.answer_html(answer, 1)
    assert 'title="Putin&#x27;s demands (BBC, 2025-05-23)"' in html
    assert "[1] BBC, 2025-05-23" in strip_html(html.split("nd-answer-foot")[1])
    assert plain_history([{"role": "assistant", "content": html}]) == [
        {"role": "assistant", "content": "Medinsky led it.[1]"}
    ]


def test_refused_turn_has_no_sources():
    turn = sources.turn_for(rag.Answer("no", refused=True), "Brazil?", 1)
    assert "No sources" in turn.body and "nd-source-list" not in turn.body


def test_panel_opens_the_latest_answer_and_escapes_questions():
    assert "Sources" in sources.panel_html([])
    turns = [
        sources.Turn(1, "<img src=x onerror=alert(1)>", "<p>one</p>"),
        sources.Turn(2, "second?", "<p>two</p>"),
    ]
    html = sources.panel_html(turns)
    assert html.index("second?") < html.index("one") and "<img" not in html
    assert html.count("<details") == 2 and html.count(" open>") == 1


def test_passages_list_escapes_corpus_text():
    passage = rag.Passage("a.txt", "T", "<script>x</script>", 0.5, 10, 20, similarity=0.7)
    html = sources.passages_html([passage])
    assert "<script>" not in html and "#1" in html and "similarity 0.700" in html
    assert "No passages" in sources.passages_html([])
    assert "Retrieval ran on" not in html
    condensed = sources.passages_html([passage], "When did <Medinsky> lead it?")
    assert "Retrieval ran on" in condensed and "&lt;Medinsky&gt;" in condensed


def test_history_is_plain_text_without_the_ui_chrome():
    answer = answer_with("Medinsky led it. [1]", [medinsky_citation()])
    messages = [
        {"role": "user", "content": render.user_html("Who led *it*?")},
        {"role": "assistant", "content": [{"type": "text", "text": render.answer_html(answer, 1)}]},
    ]
    assert plain_history(messages) == [
        {"role": "user", "content": "Who led *it*?"},
        {"role": "assistant", "content": "Medinsky led it.[1]"},
    ]


def test_history_leaves_out_failed_turns_and_keeps_refusals():
    messages = [
        {"role": "user", "content": render.user_html("first")},
        {"role": "assistant", "content": render.error_html("LLM down")},
        {"role": "user", "content": render.user_html("second")},
        {"role": "assistant", "content": render.refusal_html("I cannot answer that.")},
        {"role": "user", "content": render.user_html("third")},
        {"role": "assistant", "content": render.streaming_html("partial")},
    ]
    assert plain_history(messages) == [
        {"role": "user", "content": "second"},
        {"role": "assistant", "content": "I cannot answer that."},
    ]


@pytest.fixture()
def fake_rag(monkeypatch, shipped_texts):
    """rag.ask_stream replaced by a script (it takes filters, as rag's does)."""
    calls: list[tuple[str, object]] = []
    seen_filters: list[object] = []
    script: list[object] = []

    def ask_stream(question, history=None, filters=None):
        calls.append((question, history))
        seen_filters.append(filters)
        for item in script:
            if isinstance(item, Exception):
                raise item
            yield item

    monkeypatch.setattr(rag, "ask_stream", ask_stream)
    return SimpleNamespace(calls=calls, script=script, filters=seen_filters)


def test_respond_streams_then_shows_the_verified_answer(fake_rag):
    answer = answer_with("Medinsky led it. [1]", [medinsky_citation()])
    fake_rag.script.extend(["Medinsky ", "led it [3]", answer])
    updates = list(chat.respond("  Who led it? ", [], []))
    assert updates[0][0] == "" and "nd-streaming" in updates[0][1][-1]["content"]
    assert "Medinsky led it &#91;3&#93;" in updates[2][1][-1]["content"]
    box, messages, panel, passages, status, turns = updates[-1]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert 'href="#nd-src-1-1"' in messages[-1]["content"]
    assert 'id="nd-src-1-1"' in panel and "<mark>" in panel
    assert "total 1.40 s" in status and len(turns) == 1
    assert fake_rag.calls == [("Who led it?", [])]


def test_follow_up_sends_plain_history(fake_rag):
    fake_rag.script.append(answer_with("Medinsky led it. [1]", [medinsky_citation()]))
    first = list(chat.respond("Who led it?", [], []))[-1]
    list(chat.respond("When?", first[1], first[5]))
    assert fake_rag.calls[1] == (
        "When?",
        [
            {"role": "user", "content": "Who led it?"},
            {"role": "assistant", "content": "Medinsky led it.[1]"},
        ],
    )


def test_filters_go_to_rag_and_the_status_line_says_what_was_applied(fake_rag):
    passage = rag.Passage(MEDINSKY_SOURCE, "Putin's demands", "x", 1.0, 0, 1)
    answer = answer_with("Medinsky led it. [1]", [medinsky_citation()], passages=[passage])
    fake_rag.script.append(answer)
    update = list(chat.respond("Who?", [], [], [MEDINSKY_SOURCE], ["BBC"], " 2025-05-17 ", ""))
    assert fake_rag.filters == [
        {"sources": [MEDINSKY_SOURCE], "outlets": ["BBC"], "since": "2025-05-17"}
    ]
    status = strip_html(update[-1][4])
    assert "filters: article Putin's demands \u00b7 outlet BBC \u00b7 dates 2025-05-17 to" in status
    list(chat.respond("Who?", [], [], [], [], "", ""))
    assert fake_rag.filters[-1] is None


def test_filters_are_refused_plainly_when_rag_cannot_filter(monkeypatch, shipped_texts):
    calls = []
    monkeypatch.setattr(rag, "ask_stream", lambda q, history=None: calls.append(q) or iter([]))
    update = list(chat.respond("Who?", [], [], [], ["BBC"], "", ""))[-1]
    assert "cannot filter" in strip_html(update[1][-1]["content"]) and calls == []


def test_filter_description_escapes_and_names_every_part():
    assert filters.build_filters([], None, " ", "") is None
    text = filters.describe_filters(
        {"sources": ["a.html", "b.txt"], "outlets": ["<b>X</b>"], "until": "2025-05-30"},
        {"a.html": "Alpha"},
    )
    assert (
        text
        == "articles Alpha; b.txt \u00b7 outlet &lt;b&gt;X&lt;/b&gt; \u00b7 dates … to 2025-05-30"
    )
    assert filters.accepts_filters(lambda q, filters=None: q)
    assert not filters.accepts_filters(lambda q: q)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (rag.QuestionError("The question is empty: type a question."), "The question is empty"),
        (rag.RagError("local LLM failed: ConnectError."), "Newsdesk could not answer"),
        (RuntimeError("secret internals"), "Something went wrong inside Newsdesk"),
    ],
)
def test_errors_become_a_friendly_chat_message(fake_rag, error, expected):
    fake_rag.script.extend(["partial ", error])
    update = list(chat.respond("Who?", [], []))[-1]
    content = update[1][-1]["content"]
    assert expected in strip_html(content) and 'class="nd-error"' in content
    assert "Traceback" not in content and "secret internals" not in content
    assert "could not be answered" in update[4]


def test_empty_question_adds_no_user_bubble(fake_rag):
    fake_rag.script.append(rag.QuestionError("The question is empty."))
    update = list(chat.respond("   ", [], []))[-1]
    assert [m["role"] for m in update[1]] == ["assistant"]


def test_clear_chat_resets_everything():
    box, messages, panel, passages, status, turns = chat.clear_chat()
    assert (box, messages, turns) == ("", [], []) and "Ready" in status


def test_ask_api_returns_answer_json_and_reports_errors(monkeypatch):
    seen = []

    def ask(question, history=None):
        seen.append(history)
        if not question.strip():
            raise rag.QuestionError("The question is empty.")
        return answer_with("Medinsky [1]", [medinsky_citation()])

    monkeypatch.setattr(rag, "ask", ask)
    history = [{"role": "user", "content": "hi"}]
    result = chat.ask_api("Who?", json.dumps(history))
    assert result["citations"][0]["quote"] == MEDINSKY_QUOTE and seen == [history]
    with pytest.raises(gr.Error, match="empty"):
        chat.ask_api(" ")
    with pytest.raises(gr.Error, match="not valid JSON"):
        chat.ask_api("Who?", "[{")


def test_app_exposes_only_the_ask_endpoint_and_runs_one_answer_at_a_time():
    from ui.app import build_app

    app = build_app(UiSettings(queue_size=5))
    public = [fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]
    assert {fn.concurrency_id for fn in app.fns.values() if fn.queue} == {"rag"}
    assert app._queue.default_concurrency_limit == 1 and app._queue.max_size == 5


def test_settings_bind_locally_and_auth_only_with_a_password(monkeypatch):
    for name in ("RAG_UI_HOST", "RAG_UI_PORT", "RAG_UI_USER", "RAG_UI_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings = UiSettings(_env_file=None)
    assert (settings.host, settings.port, settings.auth()) == ("127.0.0.1", 7860, None)
    monkeypatch.setenv("RAG_UI_PASSWORD", "s3cret")
    assert UiSettings(_env_file=None).auth() == ("newsdesk", "s3cret")
