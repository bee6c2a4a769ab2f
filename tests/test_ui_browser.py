"""The chat in a real browser: the app served in-process on 127.0.0.1, driven by chromium.

Needs Debian's chromium (`apt-get install -y chromium`); Playwright's own browsers are never
downloaded. Answers come from the `none` backend (extractive, deterministic) over a temporary
index of the shipped corpus, except in the one `slow` test, which uses the local model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

import rag
from rag.config import PROJECT_ROOT
from tests.fakes import engine_like, free_port

CHROMIUM = Path(os.environ.get("RAG_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUESTION = "Who led the Russian delegation in Istanbul?"
ANSWER_TIMEOUT_MS = 120_000

pytestmark = [
    # Gradio 6.31's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(autouse=True, scope="module")
def _require_chromium() -> None:
    # A missing browser is a failure, not a skip: .ci/run installs Debian's chromium.
    assert CHROMIUM.exists(), f"no browser at {CHROMIUM}: run `apt-get install -y chromium`"


@pytest.fixture(scope="module")
def server(corpus_engine) -> Iterator[str]:
    """The app on a free local port, answering with the `none` backend; yields its URL."""
    from ui.app import launch

    with pytest.MonkeyPatch.context() as env, rag.using(engine_like(corpus_engine, llm="none")):
        env.delenv("RAG_UI_PASSWORD", raising=False)
        app = launch("127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)
        try:
            yield app.local_url
        finally:
            app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless chromium (the system's)."""
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server):
    """A fresh tab on the app (its own conversation)."""
    tab = browser.new_page(viewport={"width": 1400, "height": 950})
    tab.goto(server)
    tab.wait_for_selector("#nd-question textarea")
    yield tab
    tab.close()


def ask(page, question: str, answers_before: int, timeout: int = ANSWER_TIMEOUT_MS) -> object:
    """Type `question`, press Enter and wait for the verified (no longer streaming) reply."""
    page.fill("#nd-question textarea", question)
    page.press("#nd-question textarea", "Enter")
    return wait_for_reply(page, answers_before, timeout)


def wait_for_reply(page, answers_before: int, timeout: int = ANSWER_TIMEOUT_MS) -> object:
    """The last assistant message once reply number `answers_before + 1` is final."""
    page.wait_for_function(
        """n => {
            const bots = document.querySelectorAll('#nd-chat [data-testid="bot"]');
            return bots.length > n && !bots[bots.length - 1].querySelector('.nd-streaming');
        }""",
        arg=answers_before,
        timeout=timeout,
    )
    return page.locator('#nd-chat [data-testid="bot"]').last


def check_cited_answer(page, reply, mention: str) -> str:
    """The reply links a source entry that quotes `mention`; returns that entry's id."""
    link = reply.locator("a.nd-cite").first
    target = link.get_attribute("href").lstrip("#")
    entry = page.locator(f"#nd-sources li#{target}")
    assert mention in entry.locator("mark").inner_text()
    link.click()
    page.wait_for_function(f"document.getElementById('{target}').classList.contains('nd-flash')")
    return target


def test_answer_cites_sources_and_follow_up_uses_history(page, tmp_path):
    reply = ask(page, QUESTION, 0)
    assert "Medinsky" in reply.inner_text()
    assert check_cited_answer(page, reply, "Medinsky") == "nd-src-1-1"
    assert "backend none" in page.inner_text("#nd-status")

    reply = ask(page, "When did he lead it?", 1)
    target = check_cited_answer(page, reply, "Medinsky")
    assert target.startswith("nd-src-2-")
    assert page.locator("#nd-chat [data-testid='user']").count() == 2
    assert page.locator("#nd-sources details.nd-turn").count() == 2
    page.click("#nd-passages-box button")
    page.wait_for_selector("#nd-passages li.nd-passage")
    page.screenshot(path=tmp_path / "chat.png", full_page=True)
    assert (tmp_path / "chat.png").stat().st_size > 10_000


def test_question_the_corpus_cannot_answer_is_refused_without_sources(page, tmp_path):
    reply = ask(page, "What is the population of Brazil?", 0)
    assert reply.locator(".nd-refusal").count() == 1
    assert "not covered by the news corpus" in reply.inner_text().lower()
    assert reply.locator("a.nd-cite").count() == 0
    assert page.locator("#nd-sources li.nd-source").count() == 0
    assert "No sources" in page.inner_text("#nd-sources")
    assert "refused" in page.inner_text("#nd-status")
    page.screenshot(path=tmp_path / "refusal.png")


def test_empty_question_is_a_friendly_message_and_the_chat_goes_on(page):
    page.click("button:has-text('Ask')")
    reply = wait_for_reply(page, 0)
    assert "The question is empty" in reply.inner_text()
    assert "Traceback" not in page.content()
    reply = ask(page, QUESTION, 1)
    assert reply.locator("a.nd-cite").count() >= 1
    page.click("#nd-clear")
    page.wait_for_function("!document.querySelector('#nd-chat [data-testid=\"bot\"]')")
    assert page.locator("#nd-sources li.nd-source").count() == 0


def test_ask_endpoint_answers_gradio_client(server):
    from gradio_client import Client

    client = Client(server, verbose=False)
    result = client.predict(QUESTION, "", api_name="/ask")
    assert not result["refused"] and result["backend"] == "none"
    citation = result["citations"][0]
    text = (PROJECT_ROOT / "corpus" / citation["source"]).read_text(encoding="utf-8")
    assert text[citation["start"] : citation["end"]] == citation["quote"]
    assert "Medinsky" in citation["quote"] and f"[{citation['marker']}]" in result["text"]
    assert result["passages"] and {"retrieve", "total"} <= set(result["timings"])

    with pytest.raises(Exception, match="empty"):
        client.predict("  ", "", api_name="/ask")


@pytest.mark.slow
def test_local_model_answer_streams_into_the_chat(page, corpus_engine, bind_api, tmp_path):
    model_dir = Path(os.environ.get("RAG_MODEL_DIR") or PROJECT_ROOT / ".rag" / "models")
    local = engine_like(corpus_engine, llm="local", model_dir=model_dir)
    bind_api(local)
    page.fill("#nd-question textarea", QUESTION)
    page.press("#nd-question textarea", "Enter")
    # A caret follows the text only while generated tokens are arriving.
    page.wait_for_selector("#nd-chat .nd-streaming .nd-caret", timeout=300_000)
    reply = wait_for_reply(page, 0, timeout=300_000)
    status = page.inner_text("#nd-status")
    assert "backend local" in status and "first token" in status
    check_cited_answer(page, reply, "Medinsky")
    page.screenshot(path=tmp_path / "local.png")
