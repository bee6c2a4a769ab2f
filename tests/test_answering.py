"""The answer chain on the real index, with scripted generators standing in for the LLM."""

import numpy as np
import pytest

import rag
from rag.answering import AnswerChain
from rag.condense import check_history, heuristic_standalone
from rag.prompts import NOT_IN_SOURCES, REFUSAL_TEXT, REFUSAL_UNSTATED
from rag.types import REFUSAL_REASONS
from tests.fakes import ScriptedGenerator, engine_like, use
from tests.helpers import assert_citations_valid

MEDINSKY = "Who did Putin appoint to lead the Russian delegation in Istanbul?"
SHOIGU = "Sergei Shoigu led the Ukrainian delegation in Geneva [1]."  # tied to no evidence


def test_none_backend_answers_extractively(chain, api_engine):
    use(chain, None)
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and answer.backend == "none"
    assert "Medinsky" in answer.text
    assert_citations_valid(answer, api_engine.settings.corpus)
    assert set(answer.timings) >= {"retrieve", "generate", "total"}
    assert answer.to_dict()["citations"][0]["marker"] == 1


def test_model_answer_is_verified_and_renumbered(chain, api_engine):
    use(chain, ScriptedGenerator("Vladimir Medinsky led the Russian delegation in Istanbul [3]."))
    answer = rag.ask(MEDINSKY)
    assert answer.backend == "scripted" and not answer.refused
    assert "[1]" in answer.text and "[3]" not in answer.text
    assert "Medinsky" in answer.citations[0].quote
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_the_article_states_that_is_dropped_before_the_judge_reads_the_claim(chain):
    generator = ScriptedGenerator(
        "The article states that Putin picked his aide Vladimir Medinsky to head the "
        "Russian delegation in Istanbul [1]."
    )
    use(chain, generator)
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and answer.text.startswith("Putin picked his aide")
    assert generator.judged, "a paraphrase is judged"
    assert all("The article states" not in m[-1]["content"] for m in generator.judged)


def test_an_attribution_the_question_makes_is_shown_but_not_judged(chain):
    question = "According to Vladimir Putin, who leads the Russian delegation in Istanbul?"
    generator = ScriptedGenerator(
        "According to Vladimir Putin, his aide Vladimir Medinsky heads the Russian delegation [1]."
    )
    use(chain, generator)
    answer = rag.ask(question)
    assert not answer.refused and answer.text.startswith("According to Vladimir Putin, his aide")
    claims = [m[-1]["content"].split("Claim: ")[1] for m in generator.judged]
    assert claims and all(c.startswith("His aide Vladimir Medinsky heads") for c in claims)
    generator = ScriptedGenerator(  # a speaker the question does not name is judged with it
        "According to Rubio, his aide Vladimir Medinsky heads the Russian delegation [1]."
    )
    use(chain, generator)
    rag.ask(question)
    assert all("Claim: According to Rubio" in m[-1]["content"] for m in generator.judged)


def test_a_stated_number_or_side_the_cited_quotes_do_not_hold_is_off_question(chain):
    reply = "Putin picked his aide Vladimir Medinsky to head the Russian delegation [1]."
    use(chain, ScriptedGenerator(reply))
    answer = rag.ask("Who did Putin appoint to lead the Russian delegation in Istanbul in 2011?")
    assert answer.refused and answer.refusal == "off-question"
    assert not rag.ask(MEDINSKY).refused  # the same answer, without the year
    answer = rag.ask("Who did Kyiv appoint to lead the Ukrainian delegation in Istanbul?")
    assert answer.refused and answer.refusal == "off-question"  # the other side's delegation


def test_prompt_numbers_evidence_and_keeps_system_prompt_first(chain):
    generator = ScriptedGenerator("Medinsky [1].")
    use(chain, generator)
    rag.ask(MEDINSKY)
    system, user = generator.messages[-1]
    assert system["role"] == "system" and NOT_IN_SOURCES in system["content"]
    assert "[1] " in user["content"] and MEDINSKY in user["content"]


def test_model_saying_not_in_sources_is_a_refusal(chain):
    use(chain, ScriptedGenerator(NOT_IN_SOURCES))
    answer = rag.ask(MEDINSKY)
    assert answer.refused and answer.citations == [] and answer.text == REFUSAL_UNSTATED
    assert answer.refusal == "not-in-sources" and answer.to_dict()["refusal"] == "not-in-sources"


def test_off_topic_question_is_refused_before_generation(chain):
    generator = ScriptedGenerator("Brazil has 200 million people [1].")
    use(chain, generator)
    answer = rag.ask("What is the recipe for a good sourdough bread starter?")
    assert answer.refused and answer.citations == []
    assert generator.messages == [] and answer.refusal == "off-topic"
    assert answer.text == REFUSAL_TEXT and "none of its articles covers it" in answer.text


def test_server_dying_mid_stream_falls_back_to_extractive(chain, api_engine):
    use(chain, ScriptedGenerator("Vladimir Medinsky led the delegation [1].", fail_after=2))
    items = list(rag.ask_stream(MEDINSKY))
    answer = items[-1]
    assert isinstance(answer, rag.Answer)
    assert all(isinstance(i, str) for i in items[:-1]) and len(items) > 2
    assert answer.backend.startswith("none (fallback:") and "connection closed" in answer.backend
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_garbage_output_never_yields_invalid_citations(chain, api_engine):
    use(chain, ScriptedGenerator("[[7]] Source 12 ]] Medinsky [1-2] led [0] it [99]. 【4】"))
    answer = rag.ask(MEDINSKY)
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_streaming_yields_deltas_then_the_answer(chain):
    use(chain, ScriptedGenerator("Vladimir Medinsky led the Russian delegation [1]."))
    items = list(rag.ask_stream(MEDINSKY))
    assert isinstance(items[-1], rag.Answer)
    assert "".join(items[:-1]).strip().startswith("Vladimir Medinsky")


def test_follow_up_without_llm_uses_the_previous_question(chain):
    use(chain, None)
    history = [
        {"role": "user", "content": "What came out of the Istanbul talks?"},
        {"role": "assistant", "content": "A prisoner exchange was agreed."},
    ]
    answer = rag.ask("Who led the Russian side?", history=history)
    assert not answer.refused
    assert any(p.source.startswith("003") for p in answer.passages[:3])


def test_bad_input_is_a_clear_error(chain):
    use(chain, None)
    with pytest.raises(rag.QuestionError, match="empty"):
        rag.ask(" \n ")
    with pytest.raises(rag.QuestionError, match="characters long"):
        rag.ask("x" * 5000)
    with pytest.raises(rag.QuestionError, match="history"):
        rag.ask("Who?", history=[{"role": "robot", "content": "hi"}])


def test_history_helpers():
    assert check_history(None) == []
    assert check_history([{"role": "user", "content": "  a  "}]) == [
        {"role": "user", "content": "a"}
    ]
    assert (
        heuristic_standalone("Who led it?", [{"role": "user", "content": "Istanbul talks?"}])
        == "Istanbul talks? Who led it?"
    )


@pytest.mark.parametrize(
    "reply",
    [
        "The person Putin appointed to lead the Russian delegation in Istanbul is [1].",
        "Putin appointed Sergei Ivanovich Petrovsky to lead the Russian delegation [1].",
        "The Russian delegation in Istanbul was led by someone not specified in the evidence [1].",
    ],
    ids=["restates-question", "name-not-in-evidence", "says-not-specified"],
)
def test_answer_without_grounded_new_content_is_refused(chain, api_engine, reply):
    use(chain, ScriptedGenerator(reply))
    answer = rag.ask(MEDINSKY)
    assert answer.refused and answer.citations == [] and answer.text == REFUSAL_UNSTATED
    assert answer.refusal in REFUSAL_REASONS


def test_restating_the_question_is_refused_by_the_grounding_gate(chain):
    use(chain, ScriptedGenerator("Putin appointed someone to lead the Russian delegation [1]."))
    answer = rag.ask(MEDINSKY)
    assert answer.refused and answer.refusal == "restates-question"


def test_every_claim_rejected_by_the_judge_is_an_unsupported_refusal(api_engine):
    """A rejected claim too far from any evidence sentence to be replaced by it (replace_min
    raised here; the claim's similarity to its quote is about 0.6; no weaker sentence taken for
    the words it adds) is dropped; so is one whose asked-for name would anchor it, with
    anchoring off."""
    update = {"replace_min": 0.95, "replace_by_new_words": False, "anchored": False}
    judge = api_engine.settings.judge.model_copy(update=update)
    reply = "Medinsky refused to lead any delegation and stayed in Moscow [1]."
    chain = AnswerChain(engine_like(api_engine, judge=judge), ScriptedGenerator(reply, p_yes=0.01))
    answer = chain.ask(MEDINSKY)
    assert answer.refused and answer.refusal == "unsupported"
    replaced = AnswerChain(api_engine, ScriptedGenerator(reply, p_yes=0.01)).ask(MEDINSKY)
    assert not replaced.refused and "Medinsky refused" not in replaced.text
    quotes = [" ".join(c.quote.split()).rstrip(".") for c in replaced.citations]
    assert quotes and all(q in replaced.text for q in quotes), "replaced verbatim"
    anchored = engine_like(api_engine, judge=judge.model_copy(update={"anchored": True}))
    answer = AnswerChain(anchored, ScriptedGenerator(reply, p_yes=0.01)).ask(MEDINSKY)
    assert not answer.refused and "Medinsky refused" not in answer.text  # the name's sentence
    quote = " ".join(answer.citations[0].quote.split()).rstrip(".")
    assert "Medinsky" in quote and quote in answer.text


def test_a_claim_tied_to_no_evidence_is_an_uncited_refusal(chain):
    use(chain, ScriptedGenerator(SHOIGU))
    answer = rag.ask(MEDINSKY)
    assert answer.refused and answer.refusal == "uncited"


def test_a_reply_of_markers_alone_answers_with_the_sentences_it_points_at(chain, api_engine):
    no_look = engine_like(
        api_engine, judge=api_engine.settings.judge.model_copy(update={"second_look": 0})
    )
    refused = AnswerChain(no_look, ScriptedGenerator(NOT_IN_SOURCES)).ask(MEDINSKY)
    shown = refused.evidence  # what the model is shown, in prompt order
    n = next(i for i, e in enumerate(shown, 1) if "Medinsky" in e.text)
    generator = ScriptedGenerator(f"[{n}]")
    use(chain, generator)
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and "Medinsky" in answer.text
    assert answer.citations[0].quote == shown[n - 1].text and not generator.judged  # verbatim
    assert_citations_valid(answer, api_engine.settings.corpus)
    use(chain, ScriptedGenerator(f"[{len(shown) + 1}]"))  # points at nothing: still a refusal
    assert rag.ask(MEDINSKY).refused


def test_an_answer_has_no_refusal_reason(chain):
    use(chain, ScriptedGenerator("Vladimir Medinsky led the Russian delegation in Istanbul [1]."))
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and answer.refusal == ""


def test_not_specified_sentence_is_dropped_and_the_rest_kept(chain, api_engine):
    use(
        chain,
        ScriptedGenerator(
            "Vladimir Medinsky led the Russian delegation in Istanbul [1]. "
            "His deputy is not mentioned in the evidence [2]."
        ),
    )
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and "Medinsky" in answer.text
    assert "not mentioned" not in answer.text
    assert_citations_valid(answer, api_engine.settings.corpus)


def evidence_for(engine, question: str) -> list:
    """The evidence the chain's own steps gather for `question` on `engine`."""
    from rag.evidence import gather_evidence

    vector = engine.embed_model.embed([question])[0]
    passages = engine.retriever.retrieve(question, 5, vector)
    return gather_evidence(question, vector, engine.sentences, passages, engine.settings.evidence)


def test_evidence_is_verbatim_grouped_by_article_and_within_budget(api_engine):
    from rag.evidence import evidence_block

    cfg = api_engine.settings.evidence
    evidence = evidence_for(api_engine, "What did Putin say about the root causes of the crisis?")
    assert evidence and [e.number for e in evidence] == list(range(1, len(evidence) + 1))
    for ev in evidence:
        assert rag.article_text(ev.source)[ev.start : ev.end] == ev.text
    words = sum(len(e.text.split()) for e in evidence)
    longest = max(len(e.text.split()) for e in evidence)
    assert words <= cfg.words + longest  # the first block may exceed a tiny budget alone
    sources = [e.source for e in evidence]
    assert sources == sorted(sources, key=sources.index)  # one run per article
    block = evidence_block(evidence)
    with_meta = {e.source for e in evidence if e.outlet or e.date}
    assert with_meta, "the shipped corpus has outlets and dates: some evidence carries them"
    assert block.count("(Article from ") == len(with_meta)


def test_a_quotation_of_several_sentences_is_one_evidence_item_with_its_speaker(api_engine):
    question = "What did Zelensky say about recognising Crimea as part of Russia?"
    evidence = evidence_for(api_engine, question)
    quoted = [e for e in evidence if "nothing to discuss" in e.text]
    assert quoted, [e.text for e in evidence]
    # one item from the quotation's opening to its speaker, verbatim
    assert quoted[0].text.startswith('"There is nothing to discuss about this.')
    assert "It violates our Constitution," in quoted[0].text
    assert "stated Volodymyr Zelensky" in quoted[0].text
    assert rag.article_text(quoted[0].source)[quoted[0].start : quoted[0].end] == quoted[0].text
    assert len({e.text for e in evidence}) == len(evidence), "no item shown twice"


def test_judge_rejected_claim_is_replaced_by_its_evidence_or_dropped(chain, api_engine):
    generator = ScriptedGenerator(
        "Vladimir Medinsky headed Ukraine's delegation in Istanbul [1].", p_yes=0.05
    )
    use(chain, generator)
    answer = rag.ask(MEDINSKY)
    assert generator.judged, "the judge was asked"
    assert "Ukraine's delegation" not in answer.text
    assert rag.validate_answer(answer) == []
    if not answer.refused:  # replaced by the evidence sentence, verbatim and cited
        assert answer.citations[0].quote.split()[0] in answer.text
        assert answer.citations[0].support == 1.0


def test_judge_probability_is_the_citation_support(chain, api_engine):
    generator = ScriptedGenerator(
        "Putin chose Medinsky, his aide, as head of the team [1].", p_yes=0.8
    )
    use(chain, generator)
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and answer.citations[0].support == pytest.approx(0.8)
    assert answer.query == MEDINSKY and answer.evidence
    assert rag.validate_answer(answer) == []


def test_speculation_the_judge_rejects_does_not_stay(chain, api_engine):
    def p_yes(messages):  # noqa: ANN001, ANN202 - a judge that rejects the speculation only
        return 0.02 if "suggests" in messages[-1]["content"] else 0.95

    use(
        chain,
        ScriptedGenerator(
            "Vladimir Medinsky led the Russian delegation in Istanbul [1]. "
            "This suggests that Moscow wanted a quick peace deal with Kyiv.",
            p_yes=p_yes,
        ),
    )
    answer = rag.ask(MEDINSKY)
    assert "suggests" not in answer.text and "Medinsky" in answer.text
    assert rag.validate_answer(answer) == []


def test_extractive_fallback_answers_verbatim_when_the_judge_accepts_nothing(api_engine):
    update = {
        "extractive_fallback": True,
        "replace_min": 0.95,
        "replace_by_new_words": False,
        "anchored": False,
    }
    engine = engine_like(api_engine, judge=api_engine.settings.judge.model_copy(update=update))
    reply = "Medinsky refused to lead any delegation and stayed in Moscow [1]."
    chain = AnswerChain(engine, ScriptedGenerator(reply, p_yes=0.01))
    answer = chain.ask(MEDINSKY)
    assert not answer.refused and "Medinsky" in answer.text
    assert "extractive: no claim of the model held, unsupported" in answer.backend
    assert all(c.quote in answer.text for c in answer.citations)
    assert rag.validate_answer(answer) == []


def _judged_in_context(api_engine, **update: int):  # noqa: ANN001, ANN202
    """An answer judged with the judge settings `update`; its engine, generator, first cited
    quote and the passage the judge read for it."""
    judge = api_engine.settings.judge.model_copy(update=update)
    engine = engine_like(api_engine, judge=judge)
    generator = ScriptedGenerator("Putin chose Medinsky, his aide, as head of the team [1].")
    answer = AnswerChain(engine, generator).ask(MEDINSKY)
    assert not answer.refused and rag.validate_answer(answer) == []
    passage = generator.judged[0][-1]["content"].split("Passage: ", 1)[1].split("\n\nClaim:")[0]
    return engine, generator, answer.citations[0], passage


def test_the_judge_reads_the_sentence_before_the_cited_one_when_asked(api_engine):
    """RAG_JUDGE__CONTEXT_SENTENCES=1: the judge's passage is the article's sentence before
    the cited one, then the cited sentence (who speaks, whom "he" means)."""
    engine, generator, cited, passage = _judged_in_context(api_engine, context_sentences=1)
    text = engine.article_text(cited.source)
    before = " ".join(text[: cited.start].rstrip().split())
    assert passage.endswith(" ".join(cited.quote.split())) and len(passage) > len(cited.quote)
    assert before.endswith(passage[: -len(" ".join(cited.quote.split()))].strip()[-40:])
    second = ScriptedGenerator(generator.reply)
    AnswerChain(api_engine, second).ask(MEDINSKY)
    shown = second.judged[0][-1]["content"]
    assert f"Passage: {' '.join(cited.quote.split())}\n" in shown, "off by default"


def test_the_judge_reads_the_sentence_after_the_cited_one_when_asked(api_engine):
    """RAG_JUDGE__CONTEXT_AFTER=1: the judge's passage is the cited sentence, then the
    article's sentence after it (a quote's "..., Vance said")."""
    engine, _, cited, passage = _judged_in_context(api_engine, context_after=1)
    after = " ".join(engine.article_text(cited.source)[cited.end :].split())
    quote = " ".join(cited.quote.split())
    assert passage.startswith(quote) and len(passage) > len(quote)
    assert after.startswith(passage[len(quote) :].strip())


def test_a_refused_draft_gets_a_second_look_at_the_best_evidence(api_engine):
    """A draft that says NOT IN SOURCES is asked once more, showing the model only the 3 best
    evidence sentences (RAG_JUDGE__SECOND_LOOK=3, the default); the answer cites those,
    numbered from 1. A draft that answered and failed is not. With 0 the refusal stands."""
    replies = [NOT_IN_SOURCES, "Putin appointed his aide Vladimir Medinsky [1]."]
    generator = ScriptedGenerator("", replies=replies)
    answer = AnswerChain(api_engine, generator).ask(MEDINSKY)
    assert len(generator.messages) == 2 and not answer.refused and "Medinsky" in answer.text
    second = generator.messages[1][1]["content"]
    assert "[3] " in second and "[4] " not in second and len(answer.evidence) == 3
    assert rag.validate_answer(answer) == []
    failed = ScriptedGenerator("", replies=[SHOIGU, *replies])
    assert AnswerChain(api_engine, failed).ask(MEDINSKY).refused and len(failed.messages) == 1, (
        "a draft that answered and failed is not asked again"
    )
    judge = api_engine.settings.judge.model_copy(update={"second_look": 0})
    off = ScriptedGenerator("", replies=replies)
    refused = AnswerChain(engine_like(api_engine, judge=judge), off).ask(MEDINSKY)
    assert refused.refused and refused.refusal == "not-in-sources" and len(off.messages) == 1


def test_a_second_look_must_answer_in_its_own_words(api_engine):
    """On a second look, markers alone ("[1] [2][3]": every sentence shown) are no answer,
    and a claim the judge rejects is dropped, not replaced by the sentence it paraphrased;
    the same replies on a first look read as those sentences, or are replaced."""
    pointing = ScriptedGenerator("", replies=[NOT_IN_SOURCES, "[1] [2][3]"])
    answer = AnswerChain(api_engine, pointing).ask(MEDINSKY)
    assert len(pointing.messages) == 2 and answer.refused and answer.refusal == "uncited"
    first = AnswerChain(api_engine, ScriptedGenerator("[1] [2][3]")).ask(MEDINSKY)
    assert not first.refused and len(first.citations) == 3
    judge = api_engine.settings.judge.model_copy(update={"anchored": False})
    engine = engine_like(api_engine, judge=judge)
    reply = "Medinsky refused to lead any delegation and stayed in Moscow [1]."
    rejected = ScriptedGenerator("", replies=[NOT_IN_SOURCES, reply], p_yes=0.01)
    answer = AnswerChain(engine, rejected).ask(MEDINSKY)
    assert len(rejected.messages) == 2 and answer.refused and answer.refusal == "unsupported"
    replaced = AnswerChain(engine, ScriptedGenerator(reply, p_yes=0.01)).ask(MEDINSKY)
    assert not replaced.refused and "Medinsky refused" not in replaced.text
    fallback = engine_like(api_engine, judge=judge.model_copy(update={"extractive_fallback": True}))
    uncited = ScriptedGenerator("", replies=[NOT_IN_SOURCES, SHOIGU])
    answer = AnswerChain(fallback, uncited).ask(MEDINSKY)
    assert answer.refused and answer.refusal == "uncited", "no evidence in the model's place"
    assert not AnswerChain(fallback, ScriptedGenerator(SHOIGU)).ask(MEDINSKY).refused


AIDE = "What is the name of the aide Putin appointed to lead the Russian delegation in Istanbul?"


def test_a_cited_answer_without_the_name_asked_for_is_an_off_question_refusal(chain):
    """The judge accepts the claim (its quote states it), but the question asks for a name the
    answer does not give: the corpus is silent on what was asked."""
    reply = (
        "Putin appointed his aide to lead the Russian delegation in Istanbul, to emphasize "
        "that he will persist with his initial demands [1]."
    )
    use(chain, ScriptedGenerator(reply))
    answer = rag.ask(AIDE)
    assert answer.refused and answer.refusal == "off-question" and answer.citations == []
    assert answer.text == REFUSAL_UNSTATED and "off-question" in REFUSAL_REASONS
    use(chain, ScriptedGenerator("Putin appointed his aide Vladimir Medinsky [1]."))
    named = rag.ask(AIDE)
    assert not named.refused and "Medinsky" in named.text


def test_the_extractive_backend_refuses_an_answer_without_the_name_asked_for(chain):
    use(chain, None)
    question = "What is the name of the Pope who offered to host the negotiations at the Vatican?"
    pope = rag.ask(question)
    assert pope.refused and pope.refusal == "off-question" and pope.backend == "none"


def test_evidence_never_shows_the_same_article_text_twice():
    from rag.config import EvidenceSettings
    from rag.evidence import choose_evidence
    from rag.types import Passage

    text = "I am lost. Inside the Kremlin. The guards sleep at the gate tonight."
    passage = Passage("a.txt", "A", text, 1.0, 0, len(text))
    spans = [(0, 10), (0, 30), (31, len(text))]  # the short second sentence shown with the first
    vector = np.ones(4, dtype=np.float32) / 2
    rows = [
        {"passage": passage, "text": text[s:e], "start": s, "end": e, "vector": vector,
         "rank": 0, "caption": False}
        for s, e in spans
    ]  # fmt: skip
    shown = [e.text for e in choose_evidence("Where is he lost?", vector, rows, EvidenceSettings())]
    # one of the two rows that share "I am lost.", never both
    assert len(shown) == 2 and shown[-1] == text[31:]
    assert shown[0] in (text[0:10], text[0:30])
    # within one block too: two sentences of one quotation are shown once
    wide = EvidenceSettings(block_sentences=3, block_margin=10.0)
    rows[1]["start"], rows[1]["text"] = 0, text[0:30]
    shown = [e.text for e in choose_evidence("Where is he lost?", vector, rows, wide)]
    assert len(shown) == len(set(shown)) == 2


def _quotation_rows(text: str, ends: list[int], vectors: list[np.ndarray], source: str = "a.txt"):  # noqa: ANN202
    from rag.types import Passage

    passage = Passage(source, "A", text, 1.0, 0, len(text))
    starts = [0, *(e + 1 for e in ends[:-1])]
    return [
        {"passage": passage, "text": text[s:e], "start": s, "end": e, "vector": v,
         "rank": 0, "caption": False}
        for s, e, v in zip(starts, ends, vectors, strict=True)
    ]  # fmt: skip


QUOTING = (
    "Last month, in a long post on his own social network late at night, he said: "
    '"There was no reason at all to shoot missiles at towns and cities. This makes me '
    'think he exploits me." The weather in the capital was mild and dry for most of the '
    "week, and the markets stayed calm and quiet until the evening. Nobody asked again."
)
QUOTING_ENDS = [QUOTING.index(m) + len(m) for m in ("cities.", 'me."', "evening.", "again.")]
NEAR, FAR = np.array([1, 0, 0, 0], np.float32), np.array([0, 1, 0, 0], np.float32)


def test_a_sentence_ending_inside_a_quotation_is_shown_with_the_quotation_going_on():
    """'He said: "There was no reason to shoot. This makes me think he exploits me."': when the
    first sentence is chosen, the second comes with it (the speaker's point); a sentence after
    the quotation closes does not. With continue_quotation off, the first comes alone."""
    from rag.config import EvidenceSettings
    from rag.evidence import choose_evidence

    first, second, after, _ = (
        r["text"] for r in _quotation_rows(QUOTING, QUOTING_ENDS, [NEAR] * 4)
    )
    budget = EvidenceSettings(words=30, context_weight=0.0)  # the first block is always shown
    rows = _quotation_rows(QUOTING, QUOTING_ENDS, [NEAR, FAR, FAR, FAR])
    shown = [e.text for e in choose_evidence("Why shoot?", NEAR, rows, budget)]
    assert shown[:2] == [first, second] and after not in shown
    alone = budget.model_copy(update={"continue_quotation": False})
    shown = [e.text for e in choose_evidence("Why shoot?", NEAR, rows, alone)]
    assert shown[0] == first and second not in shown
    # the closing sentence chosen first: the quotation is closed, nothing joins it
    rows = _quotation_rows(QUOTING, QUOTING_ENDS, [FAR, NEAR, FAR, FAR])
    shown = [e.text for e in choose_evidence("Why shoot?", NEAR, rows, budget)]
    assert shown[0] == second and after not in shown


def test_a_quotation_s_next_sentence_never_pushes_out_the_sentence_it_follows():
    """When the sentence and its quotation's next one do not both fit the word budget, the
    sentence is shown alone rather than skipped."""
    from rag.config import EvidenceSettings
    from rag.evidence import choose_evidence

    other = "The talks in Istanbul ended after two hours without any agreement."
    rows = [
        *_quotation_rows(other, [len(other)], [NEAR], source="b.txt"),
        *_quotation_rows(QUOTING, QUOTING_ENDS, [NEAR * 0.9 + FAR * 0.1, FAR, FAR, FAR]),
    ]
    first = QUOTING[: QUOTING_ENDS[0]]  # 27 words; with the next sentence 34
    budget = EvidenceSettings(words=len(other.split()) + 30, context_weight=0.0, articles=1)
    shown = [e.text for e in choose_evidence("What happened?", NEAR, rows, budget)]
    assert other in shown and first in shown
    assert QUOTING[QUOTING_ENDS[0] + 1 : QUOTING_ENDS[1]] not in shown, "over the budget"


def test_a_how_long_question_favours_a_sentence_holding_a_duration_or_a_length():
    from rag.config import EvidenceSettings
    from rag.evidence import score_rows
    from rag.types import Passage

    texts = [
        "Then came the phone call on May 19.",
        "Eight hours later, the president came in.",
        "Along the 1,000-kilometer front line, troops wait.",
    ]
    text = " ".join(texts)
    passage = Passage("a.txt", "A", text, 1.0, 0, len(text))
    vector = np.ones(4, dtype=np.float32) / 2
    rows = [
        {"passage": passage, "text": t, "start": text.index(t), "end": text.index(t) + len(t),
         "vector": vector, "rank": 0, "caption": False}
        for t in texts
    ]  # fmt: skip
    cfg = EvidenceSettings(context_weight=0.0, lexical_weight=0.0)
    date, duration, length = score_rows("How long did they wait?", vector, rows, cfg)
    assert duration - date == pytest.approx(cfg.answer_type_weight)  # a date is no duration
    assert length == pytest.approx(duration)  # "how long is the front line?" asks a length
    date, duration, length = score_rows("When did they call?", vector, rows, cfg)
    assert date == pytest.approx(duration) == pytest.approx(length)  # any number or date


def test_the_evidence_for_how_long_they_waited_holds_the_duration(api_engine):
    evidence = evidence_for(
        api_engine, "How long did the journalists wait at the Kremlin before Putin appeared?"
    )
    assert any(e.text.startswith("Eight hours later") for e in evidence)


def test_a_question_spanning_reports_is_shown_every_retrieved_article_however_far_below():
    """An article whose best sentence scores far under the best one gets no block of its own,
    unless the question asks about several reports ("according to the coverage")."""
    from rag.config import EvidenceSettings
    from rag.evidence import choose_evidence

    near = "The talks in Istanbul ended after two hours without any agreement at all."
    more = "The delegations left the palace in the evening and flew home the next day."
    far = "Moscow later said the prisoner exchange went ahead as planned on the border."
    rows = [
        *_quotation_rows(f"{near} {more}", [len(near), len(near) + 1 + len(more)], [NEAR, NEAR]),
        *_quotation_rows(far, [len(far)], [FAR], source="b.txt"),
    ]
    cfg = EvidenceSettings(words=30, context_weight=0.0, block_sentences=1, article_margin=0.3)
    alone = choose_evidence("What happened in Istanbul?", NEAR, rows, cfg)
    assert {e.source for e in alone} == {"a.txt"}
    spanning = choose_evidence(
        "What happened in Istanbul, according to the coverage?", NEAR, rows, cfg
    )
    assert {e.source for e in spanning} == {"a.txt", "b.txt"} and far in [e.text for e in spanning]


def test_a_claim_said_twice_is_kept_once(chain, api_engine):
    reply = (
        "Vladimir Medinsky led the Russian delegation in Istanbul [1]. "
        "He led the Russian delegation in Istanbul [1]."
    )
    use(chain, ScriptedGenerator(reply))
    answer = rag.ask(MEDINSKY)
    assert not answer.refused and answer.text.count("led the Russian delegation") == 1
    assert_citations_valid(answer, api_engine.settings.corpus)
