"""A question that names an article's closing or opening lines is answered from them
(rag/position.py): which questions do, the place found on the real index, then the answer chain
with scripted drafts and the extractive backend."""

import pytest

import rag
from rag.answering import AnswerChain
from rag.position import END, START, asked_position, position_spot
from rag.prompts import NOT_IN_SOURCES
from rag.types import Citation
from tests.fakes import ScriptedGenerator, engine_like, use
from tests.helpers import assert_citations_valid

CLOSING = "Which writer does the analysis of Rubio's withdrawal quote in its closing line?"
ANALYSIS = "000_bac8a3760f1c7463.txt"


@pytest.mark.parametrize(
    ("question", "where"),
    [
        (CLOSING, END),
        ("How does the article about Putin's unwavering demands end?", END),
        ("What does the last paragraph of the report say about Crimea?", END),
        ("How does the report on the talks in Istanbul end?", END),
        ("How does Steve Rosenberg's BBC report open?", START),
        ("What is in the opening paragraph of the Politico story?", START),
        ("How does the war end?", None),
        ("How does Trump want the war to end?", None),
        ("What was the last line of defence?", None),
        ("When did the talks end?", None),
        ("Who led the Russian delegation in Istanbul?", None),
    ],
)
def test_which_questions_name_a_place_by_position(question, where):
    assert asked_position(question) == where


def test_the_closing_place_is_the_last_paragraph_without_boilerplate(api_engine):
    passages = rag.retrieve(CLOSING)
    assert passages[0].source == ANALYSIS
    text = api_engine.article_text(ANALYSIS)
    spot = position_spot(CLOSING, passages, api_engine.sentences, api_engine.article_text)
    assert spot is not None and text[spot.start : spot.end] == spot.text
    assert "Marin Preda" in spot.text and spot.end == len(text.rstrip())
    assert "\n" not in spot.text  # one paragraph
    # a report ending in boilerplate ("Source link", "Leave a Reply") ends before it
    demands = "How does the article about Putin's unwavering demands end?"
    passages = rag.retrieve(demands)
    spot = position_spot(demands, passages, api_engine.sentences, api_engine.article_text)
    assert spot is not None and spot.text.endswith(
        "“History repeats itself in a remarkable way,” he said."
    )
    assert "Leave a Reply" not in spot.text


def test_the_opening_place_skips_the_headline_and_byline(api_engine):
    question = "How does the article about Putin's unwavering demands open?"
    passages = rag.retrieve(question)
    spot = position_spot(question, passages, api_engine.sentences, api_engine.article_text)
    assert spot is not None and spot.passage.source == "003_25123ef9c5ee8341.txt"  # by its title
    assert spot.text.startswith("Russian President Vladimir Putin’s unyielding stance")
    rosenberg = "How does the BBC report on the Kremlin by Steve Rosenberg open?"
    spot = position_spot(rosenberg, rag.retrieve(rosenberg), api_engine.sentences,
                         api_engine.article_text)  # fmt: skip
    assert spot is not None and spot.text.startswith("Inside the walls of the Kremlin")
    assert position_spot("Who led the delegation?", passages, api_engine.sentences,
                         api_engine.article_text) is None  # fmt: skip
    assert position_spot(question, [], api_engine.sentences, api_engine.article_text) is None


def test_a_refusal_gets_a_look_at_the_closing_paragraph_and_cites_it(api_engine):
    replies = [NOT_IN_SOURCES, "The analysis quotes the writer Marin Preda [1]."]
    generator = ScriptedGenerator("", replies=replies)
    answer = AnswerChain(api_engine, generator).ask(CLOSING)
    assert len(generator.messages) == 2 and not answer.refused
    second = generator.messages[1][1]["content"]
    assert "[1] At this moment, Moscow is trying" in second and "[2]" not in second
    assert "Marin Preda" in answer.text and answer.citations[0].source == ANALYSIS
    assert "Marin Preda" in answer.citations[0].quote
    assert rag.validate_answer(answer) == []
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_an_answer_citing_any_of_the_place_needs_no_look(api_engine):
    passages = rag.retrieve(CLOSING)
    spot = position_spot(CLOSING, passages, api_engine.sentences, api_engine.article_text)
    assert spot is not None
    inside = Citation(1, ANALYSIS, "T", spot.text[:40], spot.start, spot.start + 40)
    before = Citation(1, ANALYSIS, "T", "x", spot.start - 50, spot.start - 1)
    elsewhere = Citation(1, "001_93d3355826b916f4.txt", "T", "x", spot.start, spot.end)
    assert spot.cited_by([inside]) and not spot.cited_by([before, elsewhere])


def test_with_the_position_look_off_a_refusal_stays_a_refusal(api_engine):
    off = engine_like(api_engine, judge=api_engine.settings.judge.model_copy(
        update={"position_look": False}))  # fmt: skip
    refusing = ScriptedGenerator(NOT_IN_SOURCES)
    answer = AnswerChain(off, refusing).ask(CLOSING)
    assert answer.refused and "quotation_look" not in answer.timings
    assert all("[1] At this moment" not in m[1]["content"] for m in refusing.messages)


def test_the_extractive_backend_quotes_the_closing_paragraph(chain):
    use(chain, None)
    answer = rag.ask(CLOSING)
    assert not answer.refused and answer.backend == "none"
    assert "Marin Preda" in answer.text and answer.citations[0].source == ANALYSIS
    assert rag.validate_answer(answer) == []
