"""A question about several reports gets an answer that cites each (rag/multi_article.py)."""

import pytest

from rag.answering import AnswerChain
from rag.citations import CheckedSentence
from rag.evidence import Evidence
from rag.multi_article import other_reports
from rag.prompts import NOT_IN_SOURCES
from rag.report_cues import spans_reports
from tests.fakes import HashingEmbedding, ScriptedGenerator


@pytest.mark.parametrize(
    ("question", "spans"),
    [
        ("How is Crimea treated in the peace proposals described in the coverage?", True),
        ("What does Moscow mean by root causes, according to the coverage?", True),
        ("How many prisoners were exchanged, and do the reports agree?", True),
        ("Which regions appear both in Putin's demands and in the US plan?", True),
        ("Kyiv versus Moscow: who wants a ceasefire?", True),
        ("How many prisoners of war did Russia and Ukraine agree to swap?", False),
        ("Which newspaper reported Rubio's withdrawal?", False),
        ("Which newspaper reported the withdrawal, and which reported the call?", True),
        ("Which outlet covered the talks and which the ceasefire?", True),
        ("Which regions did he name, and which did he leave out?", False),
        ("Who led the Russian delegation in Istanbul?", False),
    ],
)
def test_what_makes_a_question_span_reports(question, spans):
    assert spans_reports(question) is spans


def test_an_answer_citing_one_report_adds_the_best_sentence_of_another_verbatim():
    embed = HashingEmbedding().embed
    texts = [
        "Kyiv accepted a 30-day ceasefire.",
        "Moscow  rejected the 30-day ceasefire.",
        "Moscow is the capital of Russia.",
        "The ceasefire weather was fine.",
    ]
    vectors = embed(texts)
    evidence = [
        Evidence(n, src, src, t, 0, len(t), rel, vectors[n - 1], relevance=rel)
        for n, (src, t, rel) in enumerate(
            zip(["a.txt", "b.txt", "b.txt", "c.txt"], texts, [0.8, 0.5, 0.9, 0.1], strict=True),
            1,
        )
    ]
    kept = [CheckedSentence("Kyiv accepted a 30-day ceasefire", [1], True, {1: 0.9}, {1: 0.9})]
    question = "How did each side respond, according to the coverage?"
    added = other_reports(question, kept, evidence, embed, relevance_min=0.35)
    assert [(s.text, s.markers, s.support) for s in added] == [
        ("Moscow rejected the 30-day ceasefire.", [2], {2: 1.0})
    ], "b.txt: on the question and near the answer; c.txt is under the floor"
    assert other_reports("How did Moscow respond?", kept, evidence, embed, 0.35) == []
    two = [*kept, CheckedSentence("The weather was fine", [4], True, {4: 0.9}, {4: 0.9})]
    assert other_reports(question, two, evidence, embed, 0.35) == [], "already two reports"
    assert other_reports(question, [], evidence, embed, 0.35) == [], "refusals stay"


def test_an_answer_to_a_question_about_the_coverage_cites_each_article(api_engine):
    question = "According to the coverage, how many prisoners did Russia and Ukraine agree to swap?"
    reply = "Russia and Ukraine agreed to exchange 1,000 prisoners of war each [1]."
    answer = AnswerChain(api_engine, ScriptedGenerator(reply)).ask(question)
    sources = sorted(c.source[:3] for c in answer.citations)
    shown = {e.source[:3] for e in answer.evidence}
    assert not answer.refused and shown == {"000", "002", "003"}
    assert sources == ["002", "003"], "003 states the same fact; 000's one sentence is off it"
    added = answer.citations[1]
    quote = " ".join(added.quote.split())
    assert "1,000 prisoners" in quote and f"{quote.rstrip('.')} [2]" in answer.text
    single = AnswerChain(api_engine, ScriptedGenerator(reply)).ask(question.split(", ", 1)[1])
    assert len({c.source for c in single.citations}) == 1, "no cue: the model's citations only"


def test_a_second_look_answer_gets_no_sentence_of_another_report(api_engine):
    """A second look's answer must hold as the model wrote it: nothing is added to it, not
    even another report's sentence for a question about the coverage (the same reply on a
    first look gets one)."""
    question = "According to the coverage, how did Russia respond to the 30-day ceasefire?"
    reply = "Russia has not accepted anything, not even a 30-day ceasefire [3]."
    first = AnswerChain(api_engine, ScriptedGenerator(reply)).ask(question)
    assert not first.refused and len({c.source for c in first.citations}) == 2
    generator = ScriptedGenerator("", replies=[NOT_IN_SOURCES, reply])
    answer = AnswerChain(api_engine, generator).ask(question)
    assert len(generator.messages) == 2 and not answer.refused
    assert len({e.source for e in answer.evidence}) > 1, "another report was shown"
    assert len({c.source for c in answer.citations}) == 1 and "[2]" not in answer.text
