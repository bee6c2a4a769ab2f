"""A question about several reports gets an answer that cites each (rag/multi_article.py)."""

import numpy as np
import pytest

import rag
from rag.answering import AnswerChain, extractive_answer
from rag.citations import CheckedSentence
from rag.evidence import Evidence
from rag.multi_article import each_report, other_reports
from rag.prompts import NOT_IN_SOURCES
from rag.report_cues import spans_reports
from tests.fakes import HashingEmbedding, ScriptedGenerator, use


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
    assert quote.rstrip(".") not in single.text, "no cue: no other report's sentence added"
    assert single.text.startswith("Russia and Ukraine agreed to exchange 1,000 prisoners")
    assert single.text.count(".") == 1, "the model's one claim (rag/corroborate.py may cite 003)"


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


def test_the_extractive_answer_to_a_question_about_the_coverage_quotes_each_article():
    vector = np.ones(4, dtype=np.float32) / 2
    rows = [("a.txt", "Kyiv accepted a 30-day ceasefire.", 0.9, 0.8),
            ("a.txt", "Kyiv also signed the minerals deal.", 0.8, 0.7),
            ("b.txt", "Moscow rejected the 30-day ceasefire.", 0.5, 0.6),
            ("c.txt", "The weather in Moscow was fine.", 0.4, 0.1)]  # fmt: skip
    evidence = [
        Evidence(n, src, src, t, 0, len(t), score, vector, relevance=rel)
        for n, (src, t, score, rel) in enumerate(rows, 1)
    ]
    ranked = sorted(evidence, key=lambda e: -e.score)
    assert [e.source for e in each_report(ranked, 2, 0.35)] == ["a.txt", "b.txt"]
    assert [e.source for e in each_report(ranked, 3, 0.35)] == ["a.txt", "b.txt"], "c: off it"
    spanning = "How did each side respond, according to the coverage?"
    text, citations = extractive_answer(evidence, 2, 1.0, spanning, 0.35)
    assert [c.source for c in citations] == ["a.txt", "b.txt"]
    assert text == "Kyiv accepted a 30-day ceasefire. [1] Moscow rejected the 30-day ceasefire. [2]"
    _, alone = extractive_answer(evidence, 2, 1.0, "How did Kyiv respond?", 0.35)
    assert [c.source for c in alone] == ["a.txt", "a.txt"], "no cue: the best sentences"


def test_the_none_backend_quotes_each_article_for_a_question_about_the_coverage(chain):
    use(chain, None)
    question = "According to the coverage, how many prisoners did Russia and Ukraine agree to swap?"
    answer = rag.ask(question)
    assert not answer.refused and answer.backend == "none"
    assert len({c.source for c in answer.citations}) == 2
    assert rag.validate_answer(answer) == []
