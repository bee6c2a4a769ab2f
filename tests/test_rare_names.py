"""A question's rare names (rag/rare_names.py): into the top k, and first in the evidence."""

import pytest

from rag.answering import AnswerChain
from rag.config import Settings
from rag.evidence import gather_evidence
from rag.rare_names import name_groups, rare_in
from rag.retrieval import HybridRetriever

STANOVAYA = "Which think tank is Tatiana Stanovaya with?"


@pytest.mark.parametrize(
    ("question", "names"),
    [
        (STANOVAYA, ["tatiana", "stanovaya"]),
        ("What did Rubio's aides say to Sergey Lavrov?", ["rubio", "sergey", "lavrov"]),
        ('Who answered Trump\'s warning that "REALLY BAD" things would happen?', ["trump"]),
        ("According to JD Vance, what did the US say on X?", ["vance"]),
        ("Putin said what?", []),
    ],
)
def test_names_are_capitalised_words_after_the_first(question, names):
    assert [t for group in name_groups(question) for t in group] == names


def test_a_name_is_rare_in_at_most_a_third_of_the_texts():
    texts = [{"putin", "stanovaya"}, {"putin"}, {"putin", "lavrov"}, {"putin"}, {"lavrov"}, set()]
    assert rare_in(["putin", "stanovaya", "lavrov", "absent"], texts) == {"stanovaya", "lavrov"}
    assert rare_in(["putin"], [{"putin"}]) == {"putin"}  # one text: at most one


def _retriever(engine, rare_names: bool) -> HybridRetriever:
    return HybridRetriever(
        engine.collection,
        engine.sentences,
        engine.embed_model,
        engine.keyword(),
        rare_names=rare_names,
    )


def test_a_name_one_chunk_holds_brings_that_chunk_into_the_top_k(api_engine):
    """Fusion alone ranks the one chunk naming Stanovaya below 5: neither vector ranking has it
    near the top. With the rule it takes the fifth place; the first four stay as they were."""
    without = _retriever(api_engine, rare_names=False).retrieve(STANOVAYA, top_k=5)
    with_rule = _retriever(api_engine, rare_names=True).retrieve(STANOVAYA, top_k=5)
    assert not any("Stanovaya" in p.text for p in without)
    assert "Stanovaya" in with_rule[4].text
    assert [p.id for p in with_rule[:4]] == [p.id for p in without[:4]]


def test_a_common_name_changes_nothing(api_engine):
    question = "What did Putin say about the talks in Istanbul?"
    without = _retriever(api_engine, rare_names=False).retrieve(question, top_k=5)
    with_rule = _retriever(api_engine, rare_names=True).retrieve(question, top_k=5)
    assert [p.id for p in with_rule] == [p.id for p in without]


def test_the_rare_names_sentence_is_in_the_evidence(api_engine):
    """Retrieved, the Stanovaya sentence still scored below eight others of the Snegovaya
    article; the rare-name bonus puts it in what the generator is shown."""
    chain = AnswerChain(api_engine, generator=None)
    vector, passages = chain.retrieve(STANOVAYA)
    shown = " ".join(e.text for e in chain.gather(STANOVAYA, vector, passages))
    assert "Carnegie" in shown
    cfg = Settings().evidence.model_copy(update={"rare_name_weight": 0.0})
    plain = gather_evidence(STANOVAYA, vector, api_engine.sentences, passages, cfg)
    assert "Carnegie" not in " ".join(e.text for e in plain)


def test_the_name_chooses_evidence_but_scores_nothing(api_engine):
    """The `none` backend quotes the best-scored sentences: with the bonus in the score it
    quoted the sentence naming Lesia Zaburanna for how she described Putin (q039), and lost
    q039 and q044. The bonus only chooses: a sentence shown either way keeps its score, and the
    sentence it brought in is not the best-scored one."""
    chain = AnswerChain(api_engine, generator=None)
    vector, passages = chain.retrieve(STANOVAYA)
    cfg = Settings().evidence
    off = cfg.model_copy(update={"rare_name_weight": 0.0})
    named = gather_evidence(STANOVAYA, vector, api_engine.sentences, passages, cfg)
    plain = gather_evidence(STANOVAYA, vector, api_engine.sentences, passages, off)
    before = {e.text: e.score for e in plain}
    assert all(e.score == before[e.text] for e in named if e.text in before)
    stanovaya = next(e for e in named if "Carnegie" in e.text)
    assert stanovaya.score < max(e.score for e in named)


def test_a_number_question_is_led_by_the_number_not_the_name():
    """The upload test's page: "How much will the Alcântara desalination plant cost?" The
    sentence naming Alcântara (and "Monday", a calendar word) outranked the one with the cost
    when the name's bonus applied to number questions too."""
    from types import SimpleNamespace

    import numpy as np

    from rag.evidence import name_bonus

    names = "The authority on Monday approved a desalination plant on the Alcântara docks."
    cost = "The plant will cost 84 million euros."
    page = SimpleNamespace(text=f"{names} {cost}")
    other = [SimpleNamespace(text=f"Unrelated story number {n}.") for n in range(3)]
    vector = np.ones(4, dtype=np.float32) / 2
    rows = [{"passage": page, "text": t, "vector": vector, "rank": 0} for t in (names, cost)] + [
        {"passage": p, "text": p.text, "vector": vector, "rank": 1} for p in other
    ]
    cfg = Settings().evidence
    assert not name_bonus("How much will the Alcântara plant cost?", rows, cfg).any()
    which = name_bonus("Which docks did the Alcântara authority choose?", rows, cfg)
    assert list(which) == [cfg.rare_name_weight, 0.0, 0.0, 0.0, 0.0]


def test_a_name_of_several_words_is_one_name():
    from rag.rare_names import name_groups, names_held

    assert name_groups("What did Sergey Lavrov tell Marco Rubio?") == [
        ["sergey", "lavrov"],
        ["marco", "rubio"],
    ]
    assert name_groups("Who called it 'Operation Spiderweb'?") == [["operation", "spiderweb"]]
    groups, seen = [["sergey", "lavrov"]], {"sergey", "lavrov", "shoigu"}
    assert not names_held(groups, {"sergey"}, {"sergey", "shoigu"}, seen)
    assert names_held(groups, {"sergey"}, {"sergey", "lavrov"}, seen)
    # the surname as the retrieved text spells it: "McCall (McCaul)" in the question
    assert names_held([["michael", "mccall", "mccaul"]], {"mccall"}, {"mccall"}, {"mccall"})


class _Keyword:
    """The keyword index's part the rare-name rule reads: ids and the chunks holding a token."""

    def __init__(self, chunks: dict[str, set[str]]) -> None:
        self.chunks = chunks
        self.ids = list(chunks)

    def holding(self, token: str) -> list[tuple[str, float]]:
        return [(i, 1.0) for i, words in self.chunks.items() if token in words]


def _rule(chunks: dict[str, set[str]]) -> HybridRetriever:
    retriever = object.__new__(HybridRetriever)
    retriever.rare_names, retriever.keyword = True, _Keyword(chunks)
    return retriever


def test_a_name_the_top_k_holds_by_its_common_word_brings_nothing():
    """A reviewer's case: "Sergey" is rare, but the top 3 hold "Lavrov", so the one chunk
    naming Sergey Shoigu must not take the third place."""
    chunks = {f"c{n}": {"lavrov", "rubio"} for n in range(3)} | {"c8": {"sergey", "shoigu"}}
    chunks |= {f"x{n}": {"putin"} for n in range(6)}
    fused = [(i, 1.0 - n / 100) for n, i in enumerate(["c0", "c1", "x0", "x1", "c2", "c8"])]
    rule = _rule(chunks)
    assert rule._with_rare_name("What did Sergey Lavrov tell Rubio?", fused, 3) == fused
    moved = rule._with_rare_name("What did Sergey Shoigu say?", fused, 3)
    assert [i for i, _ in moved[:3]] == ["c0", "c1", "c8"]
    assert rule._with_rare_name("What did Sergey Shoigu say?", fused, 1) == fused  # k = 1
