"""End to end: the shipped corpus indexed into a temporary Chroma folder, then rag.retrieve."""

import pytest

import rag
from evals.dataset import load_items
from evals.retrieval_eval import article_ranks, retrieval_items, retrieval_metrics

KNOWN = [
    (
        "Who did Putin appoint to lead the Russian delegation in Istanbul?",
        "003_25123ef9c5ee8341.txt",
    ),
    (
        "Which writer is quoted in the closing line about time running out of patience?",
        "000_bac8a3760f1c7463.txt",
    ),
    (
        "Trump said he had just finished a call with Putin: how long was it?",
        "001_93d3355826b916f4.txt",
    ),
    (
        "What did the guard at the Kremlin checkpoint say to Steve Rosenberg?",
        "004_a06f00912a43195f.txt",
    ),
    ("What did Lindsey Graham propose about sanctions on Russia?", "002_511fc417428f761b.txt"),
]


@pytest.mark.parametrize(("question", "source"), KNOWN)
def test_known_questions_hit_their_article_first(api_engine, question, source):
    passages = rag.retrieve(question, top_k=5)
    assert passages[0].source == source
    assert len(passages) == 5


def test_passages_honour_the_contract(api_engine):
    for p in rag.retrieve("What did Trump say after his two-hour call?", top_k=5):
        assert isinstance(p, rag.Passage)
        text = (api_engine.settings.corpus / p.source).read_text(encoding="utf-8")
        assert text[p.start : p.end] == p.text
        assert p.title and p.score > 0


def test_whole_question_set_retrieves_well(api_engine):
    items = retrieval_items(load_items())
    ranks = [article_ranks([p.source for p in rag.retrieve(i.question)], i.sources) for i in items]
    metrics = retrieval_metrics(ranks)
    assert metrics["hit@5"] >= 0.95 and metrics["hit@1"] >= 0.8, metrics


def test_empty_question_is_a_clear_error(api_engine):
    with pytest.raises(rag.QuestionError, match="empty"):
        rag.retrieve("   ")
    with pytest.raises(rag.QuestionError, match="limit"):
        rag.retrieve("why " * 1000)
