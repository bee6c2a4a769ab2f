"""The corpus tab in a real browser: upload a news page, ask about it from another tab, remove
it, and bad uploads; then the same with a password set. The app is served in-process on
127.0.0.1 over a writable copy of the shipped corpus, answering with the `none` backend."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

import rag
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from tests.test_ui_browser import CHROMIUM, CHROMIUM_ARGS, ask, free_port

PAGE = Path(__file__).parent / "fixtures" / "ui" / "harbour-desalination.html"
QUESTION = "How much will the Alcântara desalination plant cost?"
ANSWER_FACT = "84 million euros"
ORIGIN = "Harbour Gazette, 2025-06-02"
INDEX_TIMEOUT_MS = 180_000

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def writable_engine(tmp_path_factory, embed_model) -> Iterator[Engine]:
    """The public API bound to an indexed, writable copy of the shipped corpus (none backend)."""
    root = tmp_path_factory.mktemp("ui-corpus")
    corpus = root / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    engine = Engine(
        Settings(home=root / "home", corpus=corpus, llm="none"), embed_model=embed_model
    )
    engine.index(progress=False)
    with rag.using(engine):
        yield engine


def serve(monkeypatch: pytest.MonkeyPatch, password: str | None) -> object:
    """The app on a free port, with or without a login."""
    from ui.app import launch

    if password:
        monkeypatch.setenv("RAG_UI_PASSWORD", password)
    else:
        monkeypatch.delenv("RAG_UI_PASSWORD", raising=False)
    return launch("127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)


@pytest.fixture(scope="module")
def server(writable_engine) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        app = serve(env, None)
        try:
            yield app.local_url
        finally:
            app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_tab(browser, url: str):
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    tab.goto(url)
    tab.wait_for_selector("#nd-question textarea")
    return tab


def corpus_tab(page) -> None:
    """Show the Corpus tab and wait for its article list."""
    page.get_by_role("tab", name="Corpus").click()
    page.wait_for_selector("#nd-corpus table.nd-corpus")


def upload(page, files: list) -> str:
    """Drop `files` on the upload box; the report text once each of them has its line."""
    names = [Path(f["name"] if isinstance(f, dict) else f).name for f in files]
    page.set_input_files("#nd-upload input[type=file]", files)
    page.wait_for_function(
        """names => {
            const report = document.querySelector('#nd-report');
            const lines = [...report.querySelectorAll(
                'li.nd-report-added, li.nd-report-replaced, li.nd-report-skipped')];
            return names.every(n => lines.some(li => li.innerText.includes(n)));
        }""",
        arg=names,
        timeout=INDEX_TIMEOUT_MS,
    )
    return page.inner_text("#nd-report")


def remove_in_browser(page, title: str) -> None:
    """Choose the article titled `title...` under "Article to remove" and remove it."""
    page.click("#nd-remove-choice input")
    page.get_by_role("option", name=title).click()
    page.click("#nd-remove")
    page.wait_for_selector("#nd-report li.nd-report-removed", timeout=INDEX_TIMEOUT_MS)


def corpus_sources(engine: Engine) -> set[str]:
    return {p.name for p in engine.settings.corpus.iterdir()}


def remove_if_present(source: str) -> None:
    if any(a.source == source for a in rag.articles()):
        rag.remove_article(source)


def test_uploaded_page_is_answered_in_every_tab_with_outlet_and_date(
    browser, server, writable_engine, tmp_path
):
    remove_if_present(PAGE.name)
    asker = open_tab(browser, server)  # opened before the upload: it must see the new article
    page = open_tab(browser, server)
    corpus_tab(page)
    assert "Types: " in page.inner_text("#nd-upload") and "per upload" in page.inner_text(
        "#nd-upload"
    )
    report = upload(page, [str(PAGE)])
    assert f"Added {PAGE.name}" in report
    row = page.locator(f"#nd-corpus tr[data-source='{PAGE.name}']")
    assert "Harbour Gazette" in row.inner_text() and "2025-06-02" in row.inner_text()
    assert int(row.locator("td.nd-col-num").inner_text()) >= 1
    page.screenshot(path=tmp_path / "corpus.png", full_page=True)

    reply = ask(asker, QUESTION, 0)
    assert ANSWER_FACT in reply.inner_text()
    targets = [link.get_attribute("href").lstrip("#") for link in reply.locator("a.nd-cite").all()]
    entries = [asker.locator(f"#nd-sources li#{target}") for target in targets]
    cited = [e for e in entries if ANSWER_FACT in e.locator("mark").inner_text()]
    assert cited and ORIGIN in cited[0].locator(".nd-meta").inner_text()
    assert ORIGIN in reply.inner_text()  # the answer's source line
    asker.screenshot(path=tmp_path / "answer.png", full_page=True)
    asker.close()
    page.close()


def test_removed_page_is_no_longer_answered(browser, server, writable_engine):
    rag.add_files([PAGE], overwrite=True)
    page = open_tab(browser, server)
    corpus_tab(page)
    remove_in_browser(page, "Lisbon approves")
    assert page.locator(f"#nd-corpus tr[data-source='{PAGE.name}']").count() == 0
    assert PAGE.name not in corpus_sources(writable_engine)
    reply = ask(page, QUESTION, 0)
    assert reply.locator(".nd-refusal").count() == 1 and ANSWER_FACT not in reply.inner_text()
    page.close()


def toasts(page) -> str:
    """The text of Gradio's error toasts (its own checks of type and size, before upload)."""
    page.wait_for_selector("[data-testid=toast-body]")
    return " ".join(t.inner_text() for t in page.locator("[data-testid=toast-body]").all())


def snapshot(engine: Engine) -> tuple[set[str], int, set[str]]:
    """The corpus folder, the index size and the files next to the corpus folder."""
    corpus = engine.settings.corpus
    return (
        corpus_sources(engine),
        engine.collection.count(),
        {p.name for p in corpus.parent.iterdir()},
    )


def test_bad_uploads_are_explained_and_change_nothing(browser, server, writable_engine, tmp_path):
    remove_if_present(PAGE.name)
    before = snapshot(writable_engine)
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    scripts = tmp_path / "scripts-only.html"
    scripts.write_text("<html><head><script>var a = 1;</script><style>p {}</style></head></html>")
    wrong_type = tmp_path / "notes.docx"
    wrong_type.write_text("not a news article")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 << 20)
    page = open_tab(browser, server)
    corpus_tab(page)

    report = upload(page, [str(empty), str(binary), str(scripts)])
    for name in ("empty.md", "binary.txt", "scripts-only.html"):
        assert f"Not added {name}: " in report
    assert "Added" not in report
    page.set_input_files("#nd-upload input[type=file]", [str(wrong_type)])
    assert "Invalid file type: notes.docx" in toasts(page)
    page.set_input_files("#nd-upload input[type=file]", [str(huge)])
    assert "exceed the maximum allowed size" in toasts(page)
    # Past the browser's checks (a script posting directly), the server refuses it too.
    with huge.open("rb") as handle:
        direct = httpx.post(f"{server}gradio_api/upload", files={"files": ("huge.txt", handle)})
    assert direct.status_code == 413
    page.screenshot(path=tmp_path / "bad-uploads.png", full_page=True)
    assert snapshot(writable_engine) == before
    page.close()


def test_a_path_in_the_file_name_cannot_leave_the_corpus(browser, server, writable_engine):
    remove_if_present("escape.html")
    remove_if_present(PAGE.name)  # else the copy is refused as identical to it
    outside = {p.name for p in writable_engine.settings.corpus.parent.iterdir()}
    page = open_tab(browser, server)
    corpus_tab(page)
    named = {"name": "../../escape.html", "mimeType": "text/html", "buffer": PAGE.read_bytes()}
    report = upload(page, [named])
    assert "../" not in report
    assert {p.name for p in writable_engine.settings.corpus.parent.iterdir()} == outside
    assert "escape.html" in corpus_sources(writable_engine)  # the name without its path
    remove_if_present("escape.html")
    page.close()


def fn_index(app, function) -> int:
    """The queue index of the event that runs `function`."""
    return next(i for i, fn in app.fns.items() if fn.fn is function)


def test_with_a_password_adding_and_removing_need_the_login(browser, writable_engine):
    from ui import library

    rag.add_files([PAGE], overwrite=True)  # present, so an anonymous removal has a target
    before = snapshot(writable_engine)
    with pytest.MonkeyPatch.context() as env:
        app = serve(env, "s3cret-ui")
        url = app.local_url
        try:
            with open(PAGE, "rb") as handle:
                files = {"files": ("other.html", handle)}
                assert httpx.post(f"{url}gradio_api/upload", files=files).status_code == 401
            for function, data in (
                (library.add_uploads, [[str(PAGE)], True, [], []]),
                (library.remove_selected, [PAGE.name, [], []]),
            ):
                job = {"data": data, "fn_index": fn_index(app, function), "session_hash": "x"}
                assert httpx.post(f"{url}gradio_api/queue/join", json=job).status_code == 401
            assert snapshot(writable_engine) == before

            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.fill("input[data-testid=textbox]", "newsdesk")
            page.fill("input[data-testid=password]", "s3cret-ui")
            page.get_by_role("button", name="Login").click()
            page.wait_for_selector("#nd-question textarea")
            corpus_tab(page)
            remove_in_browser(page, "Lisbon approves")
            assert PAGE.name not in corpus_sources(writable_engine)
            assert f"Added {PAGE.name}" in upload(page, [str(PAGE)])
            page.close()
        finally:
            app.close()
            remove_if_present(PAGE.name)


def test_filters_narrow_the_next_questions_and_the_status_says_so(
    browser, server, writable_engine, tmp_path
):
    rag.add_files([PAGE], overwrite=True)
    page = open_tab(browser, server)
    page.click("#nd-filters button")
    page.click("#nd-filter-outlets input")
    page.get_by_role("option", name="Harbour Gazette").click()
    page.fill("#nd-filter-since textarea, #nd-filter-since input", "2025-06-01")
    reply = ask(page, "Who led the Russian delegation in Istanbul?", 0)
    status = page.inner_text("#nd-status")
    assert "filters: outlet Harbour Gazette" in status and "dates 2025-06-01 to" in status
    assert "Medinsky" not in reply.inner_text()  # the shipped articles were filtered out
    cited = page.locator("#nd-sources li.nd-source .nd-meta").all_inner_texts()
    assert all(ORIGIN in meta for meta in cited)
    page.screenshot(path=tmp_path / "filtered.png", full_page=True)

    page.click("#nd-clear-filters")
    reply = ask(page, "Who led the Russian delegation in Istanbul?", 1)
    assert "Medinsky" in reply.inner_text() and "filters:" not in page.inner_text("#nd-status")
    page.close()
