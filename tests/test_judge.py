"""The claim judge and support enforcement, with small fakes (no model): P(yes) from logprobs,
verbatim claims, re-citing, replacing and dropping rejected claims, the claims eval."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals.judge_eval import auc, confusion, evaluate_scores, fit_threshold, load_pairs
from rag.citations import CheckedSentence, render
from rag.config import JudgeSettings
from rag.evidence import Evidence
from rag.judge import ClaimJudge, judge_messages, yes_share
from rag.prompts import JUDGE_SYSTEM
from rag.support import SupportEnforcer, is_verbatim
from tests.test_citations import bow_embed, make_evidence


class TableModel:
    """A yes/no model that answers from a table of (claim substring, quote substring) -> P."""

    name = "table"

    def __init__(self, table: dict[tuple[str, str], float], default: float = 0.0) -> None:
        self.table = table
        self.default = default
        self.calls = 0

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        self.calls += 1
        content = messages[-1]["content"]
        passage, claim = content.split("\n\nClaim: ")
        for (c, q), p in self.table.items():
            if c in claim and q in passage:
                return p
        return self.default


def _evidence(texts: list[str]) -> list[Evidence]:
    """Evidence 1..n of one article, a bag-of-words vector each."""
    return [
        Evidence(n, "a.txt", "Title", t, 0, len(t), 1.0, bow_embed([t])[0])
        for n, t in enumerate(texts, 1)
    ]


def test_yes_share_reads_yes_against_no_in_any_spelling():
    top = [("Yes", math.log(0.6)), (" yes", math.log(0.1)), ("No", math.log(0.3))]
    assert yes_share(top) == pytest.approx(0.7)
    assert yes_share([("maybe", 0.0)]) is None
    assert yes_share([("NO", 0.0)]) == 0.0


def test_judge_prompt_is_the_named_constant_with_passage_and_claim():
    system, user = judge_messages("Medinsky led it.", "Putin  appointed\\n Medinsky.")
    assert system == {"role": "system", "content": JUDGE_SYSTEM}
    assert "Passage: Putin appointed\\n Medinsky." in user["content"]
    assert "Claim: Medinsky led it." in user["content"]
    assert user["content"].rstrip().endswith("Answer yes or no.")


def test_threshold_turns_probability_into_a_verdict():
    judge = ClaimJudge(TableModel({("led", "Medinsky"): 0.6}), threshold=0.5)
    assert judge.judge("Medinsky led it.", "Medinsky").accepted
    assert not ClaimJudge(judge.model, threshold=0.7).judge("Medinsky led it.", "Medinsky").accepted


def test_verbatim_claims_need_no_judge():
    quote = "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation."
    assert is_verbatim("his aide Vladimir Medinsky", quote)
    assert is_verbatim("Putin appointed his aide, Vladimir Medinsky.", quote)
    assert not is_verbatim("Putin did not appoint Medinsky", quote)
    assert not is_verbatim("", quote)


def _enforce(
    table: dict[tuple[str, str], float],
    claims: list[tuple[str, list[int]]],
    model: TableModel | None = None,
    evidence: list | None = None,
    **settings: float,
):
    evidence = evidence or make_evidence()
    model = model or TableModel(table)
    cfg = JudgeSettings(threshold=0.5, replace_min=0.5, recite_min=0.1, **settings)
    checked = [CheckedSentence(text, markers, True) for text, markers in claims]
    similarity = np.stack(
        [bow_embed([text])[0] @ np.stack([e.vector for e in evidence]).T for text, _ in claims]
    )
    return SupportEnforcer(ClaimJudge(model, cfg.threshold), cfg).answer(
        checked, similarity, evidence
    ), model


def test_accepted_claim_keeps_its_marker_and_carries_p_yes():
    kept, _ = _enforce({("prisoners", "1,000"): 0.9}, [("They swapped 1,000 prisoners.", [2])])
    assert kept[0].markers == [2] and kept[0].support == {2: 0.9}


def test_rejected_claim_is_recited_to_evidence_the_judge_accepts():
    kept, model = _enforce(
        {("prisoners", "Medinsky"): 0.1, ("prisoners", "1,000"): 0.9},
        [("The two sides agreed to swap 1,000 prisoners of war.", [1])],
    )
    assert kept[0].markers == [2] and kept[0].support == {2: 0.9} and model.calls == 2


def test_a_rejected_claim_is_tried_against_the_next_evidence_too():
    claim = [("The two sides agreed to swap 1,000 prisoners of war.", [3])]
    table = {("prisoners", "1,000"): 0.1, ("prisoners", "Medinsky"): 0.9}
    kept, model = _enforce(table, claim)  # its marker, then the two closest others
    assert kept[0].markers == [1] and kept[0].support == {1: 0.9} and model.calls == 3
    kept, model = _enforce(table, claim, alternatives=1)  # one other: replaced verbatim
    assert kept[0].text == make_evidence()[1].text and model.calls == 2


def test_rejected_paraphrase_is_replaced_by_its_evidence_sentence_verbatim():
    claim = "Trump said the call lasted three hours and went very well."
    kept, _ = _enforce({}, [(claim, [3])])
    assert kept[0].text == make_evidence()[2].text and kept[0].markers == [3]
    assert kept[0].support == {3: 1.0}


def test_rejected_claim_with_no_close_evidence_is_dropped_and_uncited_claims_go():
    kept, _ = _enforce({}, [("The weather in Paris was sunny.", [1]), ("Uncited fact here.", [])])
    assert kept == []


def test_a_rejected_or_uncited_claim_giving_the_asked_item_is_replaced_by_the_sentence_holding_it():
    evidence = make_evidence()
    question = "How many prisoners of war did the sides agree to swap?"
    claims = [
        ("In Istanbul the parties said they would swap 1,000 captured soldiers.", [1]),
        ("The parties promised 1,000 captured soldiers.", []),  # uncited
    ]
    similarity = np.stack(
        [bow_embed([t])[0] @ np.stack([e.vector for e in evidence]).T for t, _ in claims]
    )

    def enforce(anchored: bool, question: str = question) -> list[CheckedSentence]:
        cfg = JudgeSettings(threshold=0.5, replace_min=0.99, pool_min=0.05, anchored=anchored)
        checked = [CheckedSentence(t, m, True) for t, m in claims]
        enforcer = SupportEnforcer(ClaimJudge(TableModel({}), 0.5), cfg, None, question)
        return enforcer.answer(checked, similarity, evidence)

    assert enforce(anchored=False) == []  # rejected and not similar enough to replace: dropped
    kept = enforce(anchored=True)  # both give "1,000": the sentence stating it, once
    assert [(k.text, k.markers, k.support) for k in kept] == [(evidence[1].text, [2], {2: 1.0})]
    assert enforce(True, "Why did the sides meet in Istanbul?") == []  # asks for no number
    claims[0] = ("The parties said they would swap 2,000 captured soldiers.", [1])
    claims[1] = ("They freed 2,000.", [])
    assert enforce(anchored=True) == []  # no evidence sentence holds the model's number


def test_a_rejected_claim_quoting_evidence_is_replaced_by_the_sentence_holding_the_quote():
    evidence = make_evidence()
    question = "What did Trump say about the call?"
    claims = [('Trump told reporters the call "went very well" and was long.', [])]

    def enforce(claims: list[tuple[str, list[int]]]) -> list[CheckedSentence]:
        cfg = JudgeSettings(threshold=0.5, replace_min=0.99, pool_min=0.05)
        similarity = np.stack(
            [bow_embed([t])[0] @ np.stack([e.vector for e in evidence]).T for t, _ in claims]
        )
        checked = [CheckedSentence(t, m, True) for t, m in claims]
        enforcer = SupportEnforcer(ClaimJudge(TableModel({}), 0.5), cfg, None, question)
        return enforcer.answer(checked, similarity, evidence)

    kept = enforce(claims)  # uncited and no judge says yes: the sentence holding the quote
    assert [(k.text, k.markers) for k in kept] == [(evidence[2].text, [3])]
    assert enforce([('Trump said the call "went very badly" and was long.', [])]) == []
    assert enforce([('Trump said the call "went very" well.', [])]) == []  # two words: no anchor


def test_a_rejected_claim_giving_the_asked_date_is_anchored_before_a_closer_sentence_without_it():
    texts = [
        "What started late at night went on with a two-hour call between Putin and Trump.",
        "Then came the phone call by Trump and Putin on May 19.",
    ]
    evidence = _evidence(texts)
    claim = "On May 19, Trump held a two-hour call with Putin."
    similarity = np.array([[0.6, 0.5]])  # the closer sentence (over replace_min) has no date

    def enforce(question: str) -> list[tuple[str, list[int]]]:
        cfg = JudgeSettings(threshold=0.5, replace_min=0.55, pool_min=0.3)
        enforcer = SupportEnforcer(ClaimJudge(TableModel({}), 0.5), cfg, None, question)
        kept = enforcer.answer([CheckedSentence(claim, [1], True)], similarity, evidence)
        return [(k.text, k.markers) for k in kept]

    assert enforce("On what date did Trump hold the two-hour call with Putin?") == [(texts[1], [2])]
    assert enforce("Why did Trump call Putin?") == [(texts[0], [1])]  # asks for no date


def _replaced(
    texts: list[str], similarity: list[float], claim: str, question: str, **settings: object
) -> list[str]:
    """What stays of `claim` (cited to sentence 1, rejected by a judge that says no to all)."""
    evidence = _evidence(texts)
    cfg = JudgeSettings(threshold=0.5, replace_min=0.55, pool_min=0.3, **settings)
    enforcer = SupportEnforcer(ClaimJudge(TableModel({}), 0.5), cfg, None, question)
    kept = enforcer.answer([CheckedSentence(claim, [1], True)], np.array([similarity]), evidence)
    return [k.text for k in kept]


def test_a_rejected_claim_is_replaced_by_the_sentence_holding_what_it_adds_to_the_question():
    texts = [
        "Gorka suggested Thursday that a meeting between Trump and Putin is about to take place.",
        "\u201cThe deal is about timing. My expectations are limitless,\u201d he said in a speech.",
    ]
    question = "How did Gorka describe his expectations for a Trump-Putin meeting?"
    claim = "Gorka described limitless expectations for a Trump-Putin meeting."
    assert _replaced(texts, [0.6, 0.42], claim, question) == [texts[1]]
    assert _replaced(texts, [0.6, 0.42], claim, question, replace_by_new_words=False) == [texts[0]]
    assert _replaced(texts, [0.5, 0.25], claim, question) == []  # under pool_min: dropped


def test_a_replacement_holds_the_claims_quotations_and_one_of_its_numbers():
    question = "How many people were killed in the attacks on Kiev?"
    dozen = "More than a dozen civilians were killed in Kiev last month."
    claim = "12 civilians were killed in the attacks on Kiev."
    assert _replaced([dozen], [0.45], claim, question) == []  # another number: not its source
    twelve = "Twelve civilians were killed in Kiev last month."
    assert _replaced([twelve], [0.45], claim, question) == [twelve]
    assert _replaced([dozen], [0.7], claim, question) == [dozen]  # close enough: replaced
    said = "Trump said Putin had gone too far with the attacks."
    question = "What did Trump say about Putin?"
    quoting = 'Trump said Putin had gone "too far with everything".'
    assert _replaced([said], [0.45], quoting, question) == []  # words he did not say
    assert _replaced([said], [0.45], quoting.replace('"', ""), question) == [said]


class BothModel(TableModel):
    """Says yes only to a passage that holds both words: a claim two sentences state together."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__({})
        self.words = (first, second)

    def yes_probability(self, messages: list[dict[str, str]]) -> float:
        self.calls += 1
        passage = messages[-1]["content"].split("\n\nClaim: ")[0]
        return 0.9 if all(w in passage for w in self.words) else 0.1


def test_a_claim_two_sentences_state_together_is_judged_against_both_when_pooled():
    claim = ("Medinsky's delegation agreed to exchange 1,000 prisoners of war.", [])
    model = BothModel("Medinsky", "1,000")
    kept, _ = _enforce({}, [claim], model, pool=2, pool_min=0.1)
    assert kept[0].markers == [1, 2] and kept[0].support == {1: 0.9, 2: 0.9}
    assert kept[0].text == claim[0]  # judged as written, not replaced
    kept, _ = _enforce({}, [claim], BothModel("Medinsky", "1,000"))  # pool off: uncited, dropped
    assert kept == []
    model = BothModel("Medinsky", "Trump")  # the pool does not state it: dropped, not replaced
    kept, _ = _enforce({}, [claim], model, pool=2, pool_min=0.1)
    assert kept == [] and model.calls == 1


def test_sentences_of_two_articles_are_never_pooled():
    from dataclasses import replace as swap

    evidence = make_evidence()
    evidence[1] = swap(evidence[1], source="b.txt")  # the 1,000 prisoners: another article
    claim = ("Medinsky's delegation agreed to exchange 1,000 prisoners of war.", [])
    model = BothModel("Medinsky", "1,000")
    kept, _ = _enforce({}, [claim], model, evidence, pool=3, pool_min=0.1)
    assert kept == [] and model.calls == 1  # judged against one article's sentences only


def test_claims_file_is_usable_for_calibration():
    pairs = load_pairs()
    assert len(pairs) >= 120 and {p.split for p in pairs} == {"fit", "test"}


def test_calibration_metrics():
    scores, labels = [0.9, 0.8, 0.3, 0.1], [True, True, False, False]
    assert auc(scores, labels) == 1.0
    assert fit_threshold(scores, labels) == 0.8
    c = confusion(scores, labels, 0.5)
    assert c["precision"] == 1.0 and c["recall"] == 1.0 and c["unsupported_caught"] == 1.0
    c = confusion(scores, labels, 0.95)
    assert c["precision"] is None and c["recall"] == 0.0
    pairs = load_pairs()[:4]
    report = evaluate_scores(pairs, [0.5] * 4, 0.5)
    assert set(report) == {"configured_threshold", "fitted_threshold", "fit", "test"}


def _logprobs_reply(handler) -> None:  # noqa: ANN001
    """A chat completion whose first token carries top_logprobs, as llama.cpp and OpenAI send."""
    import json

    from tests.reliability.fake_openai import send_body

    top = [
        {"token": "Yes", "logprob": math.log(0.7), "bytes": None, "top_logprobs": []},
        {"token": "No", "logprob": math.log(0.2), "bytes": None, "top_logprobs": []},
    ]
    body = {
        "id": "x", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{
            "index": 0, "finish_reason": "length",
            "message": {"role": "assistant", "content": "Yes"},
            "logprobs": {"content": [{"token": "Yes", "logprob": math.log(0.7), "bytes": None,
                                      "top_logprobs": top}]},
        }],
    }  # fmt: skip
    send_body(handler, 200, json.dumps(body), "application/json")


def test_generator_reads_p_yes_from_a_real_server_reply():
    from rag.generation import ChatGenerator
    from tests.reliability.fake_openai import FakeOpenAIServer

    server = FakeOpenAIServer(_logprobs_reply)
    try:
        generator = ChatGenerator("openai", "fake", server.url, "k", 5.0, 50)
        p = generator.yes_probability(judge_messages("a claim", "a passage"))
        assert p == pytest.approx(0.7 / 0.9)
        request = server.requests[-1]
        assert request["max_tokens"] == 1 and request["temperature"] == 0
        assert request["logprobs"] is True and request["top_logprobs"] >= 5
    finally:
        server.close()


def test_a_server_without_logprobs_leaves_the_similarity_verdicts():
    class NoLogprobs:
        name = "nolog"

        def yes_probability(self, messages: list[dict[str, str]]) -> None:
            return None

    evidence = make_evidence()
    checked = [CheckedSentence("They swapped 1,000 prisoners of war.", [2], True)]
    cfg = JudgeSettings()
    kept = SupportEnforcer(ClaimJudge(NoLogprobs(), 0.5), cfg).answer(
        checked, np.ones((1, len(evidence))), evidence
    )
    assert kept == checked and kept[0].support == {}


def test_a_test_half_only_run_reports_the_test_half_and_fits_nothing():
    from evals.judge_eval import judge_table, run_judge_eval

    pairs = [p for p in load_pairs() if p.split == "test"]
    report = run_judge_eval(lambda c, q: 0.9 if c in q else 0.1, lambda c, q: 0.5, 0.5, 0.45, pairs)
    assert report["judge"]["fitted_threshold"] == 0.5
    assert report["judge"]["test"]["at_configured"]["n"] == len(pairs)
    table = judge_table(report)
    assert "test half only" in table and " fit " not in table


def test_the_judge_server_takes_the_log_softmax_of_the_rows_it_reads_only():
    from llama_cpp import Llama

    from rag.judge_server import RowsOnDemand, logits_to_logprobs

    logits = np.random.default_rng(0).normal(size=(6, 50)).astype(np.single)
    lazy = logits_to_logprobs(logits)
    assert isinstance(lazy, RowsOnDemand)
    np.testing.assert_allclose(lazy[4:], Llama.logits_to_logprobs(logits)[4:], rtol=1e-6)
    row = logits_to_logprobs(logits[5])  # one row, as the streaming code passes it
    np.testing.assert_allclose(row, Llama.logits_to_logprobs(logits)[5], rtol=1e-6)
    assert math.isclose(float(np.exp(row).sum()), 1.0, rel_tol=1e-5)


def test_the_judge_server_refuses_a_draft_model_whose_positions_it_would_leave_empty():
    from rag.judge_server import NextTokenLlama

    with pytest.raises(ValueError, match="draft model"):
        NextTokenLlama(model_path="unused.gguf", draft_model=object())


def test_a_rejected_compound_claim_keeps_each_clause_its_own_article_states():
    from rag.support import clauses

    texts = [
        "Secretary of State Marco Rubio has decided to withdraw from the next stage of ceasefire "
        'negotiations in Ukraine," The New York Times reported.',
        "As confirmed by The Wall Street Journal, Trump briefly spoke with Zelenski before the "
        "call to Putin.",
    ]
    evidence = [
        Evidence(n, f"{n}.txt", "Title", t, 0, len(t), 1.0, bow_embed([t])[0])
        for n, t in enumerate(texts, 1)
    ]
    claim = (
        "The New York Times reported Rubio's withdrawal from the ceasefire negotiations, while "
        "The Wall Street Journal reported Trump's call with Zelenski before he phoned Putin."
    )
    assert [judged for _, judged in clauses(claim)] == [
        "The New York Times reported Rubio's withdrawal from the ceasefire negotiations",
        "The Wall Street Journal reported Trump's call with Zelenski before he phoned Putin.",
    ]
    similarity = np.array([[0.6, 0.6]])
    first = ("New York Times reported Rubio", "Rubio has decided")
    second = ("Wall Street Journal reported Trump", "Trump briefly spoke")

    def enforce(table: dict, embed=bow_embed) -> list[tuple[str, list[int]]]:
        cfg = JudgeSettings(threshold=0.5, alternatives=1, recite_min=0.1, anchored=False)
        judge = ClaimJudge(TableModel(table), 0.5)
        enforcer = SupportEnforcer(judge, cfg, None, "Which newspapers reported what?", embed)
        kept = enforcer.answer([CheckedSentence(claim, [], True)], similarity, evidence)
        return [(k.text, k.markers) for k in kept]

    both = enforce({first: 0.9, second: 0.8})
    text, _ = render([CheckedSentence(t, m, True) for t, m in both], evidence)
    assert text == (
        "The New York Times reported Rubio's withdrawal from the ceasefire negotiations [1], "
        "while The Wall Street Journal reported Trump's call with Zelenski before he phoned "
        "Putin [2]."
    )
    assert both == [
        ("The New York Times reported Rubio's withdrawal from the ceasefire negotiations,", [1]),
        (
            "while The Wall Street Journal reported Trump's call with Zelenski before he "
            "phoned Putin.",
            [2],
        ),
    ]
    # one clause unsupported: the other stays, as a sentence of its own
    assert enforce({second: 0.8}) == [
        ("The Wall Street Journal reported Trump's call with Zelenski before he phoned Putin.", [2])
    ]
    assert enforce({}) == []  # neither: dropped, as before
    assert enforce({first: 0.9, second: 0.8}, embed=None) == []  # no embedder: never split
    # a list is not two statements: "Rubio, Vance," is no claim, so nothing is split
    listed = CheckedSentence("Rubio, Vance, and Witkoff attended the talks in Istanbul.", [], True)
    cfg = JudgeSettings(threshold=0.5, alternatives=1, recite_min=0.1, anchored=False)
    judge = ClaimJudge(TableModel({("Witkoff attended", ""): 0.9}), 0.5)
    enforcer = SupportEnforcer(judge, cfg, None, "Who attended the talks?", bow_embed)
    assert enforcer.answer([listed], similarity, evidence) == []
    assert clauses("Trump spoke with Putin, and asked him about the war.") == []
    assert clauses("Rubio, Vance and Witkoff attended.") == []


def test_an_uncited_claim_giving_the_asked_time_is_anchored_to_the_line_that_states_it():
    texts = ["I'm lost. Inside the Kremlin.", "2:30 am.", "Putin kept everyone waiting."]
    evidence = _evidence(texts)
    claim = "The article states that Rosenberg found himself lost inside the Kremlin at 2:30 am."
    similarity = np.array([[0.45, 0.29, 0.1]])  # the line with the time shares no other word
    cfg = JudgeSettings(threshold=0.5, pool_min=0.3)

    def enforce(question: str, text: str = claim) -> list[tuple[str, list[int]]]:
        enforcer = SupportEnforcer(ClaimJudge(TableModel({}), 0.5), cfg, None, question)
        kept = enforcer.answer([CheckedSentence(text, [], True)], similarity, evidence)
        return [(k.text, k.markers) for k in kept]

    assert enforce("What time was it when Rosenberg got lost inside the Kremlin?") == [
        ("2:30 am.", [2])
    ]
    # a lone digit is not specific enough: "2" is in many sentences
    two = "The call with Putin lasted 2 hours."
    assert enforce("How many hours did the call last?", two.replace("2", "2 2")) == []
    # a name is not specific enough alone: below the similarity floor nothing is anchored
    named = "Rosenberg was lost inside the Kremlin with Putin."
    assert enforce("Who was Rosenberg lost inside the Kremlin with?", named) == []


def test_an_uncited_claim_giving_a_compound_number_is_anchored_to_its_words():
    """A held-out question: "a two-week stretch" is the asked-for span, and the evidence writes
    "after two weeks of diplomacy"; the uncited claim was dropped and the question refused."""
    texts = [
        "Since March, the administration has called for a 30-day ceasefire.",
        "The Russian media concluded that after two weeks of diplomacy, Moscow won.",
    ]
    evidence = _evidence(texts)
    claim = "Rosenberg assesses that Russia came out ahead over a two-week stretch of diplomacy."
    similarity = np.array([[0.40, 0.35]])
    cfg = JudgeSettings(threshold=0.5, pool_min=0.3)
    enforcer = SupportEnforcer(
        ClaimJudge(TableModel({}), 0.5), cfg, None, "Over how long a stretch of diplomacy?"
    )
    kept = enforcer.answer([CheckedSentence(claim, [], True)], similarity, evidence)
    assert [(k.text, k.markers) for k in kept] == [(texts[1], [2])]


def test_an_accepted_claim_of_two_predicates_keeps_only_the_part_its_quote_states():
    """q102: "Zelenski expressed interest in hosting negotiations and urged unity ..." was
    accepted whole at 0.65 against a quote that states only the second part."""
    from rag.support import conjuncts

    claim = (
        "Zelenski expressed interest in hosting negotiations and urged unity to force Putin to "
        "end the war."
    )
    assert conjuncts(claim) == [
        "Zelenski expressed interest in hosting negotiations.",
        "Zelenski urged unity to force Putin to end the war.",
    ]
    assert conjuncts("Zelenski urged unity.") == []
    assert conjuncts("Rubio, Vance, and Witkoff attended and spoke.") == []  # no subject part
    assert conjuncts("Russia attacked Kyiv, and launched drones at Lviv.") == []  # a comma: a list
    nested = "The Journal confirmed that Trump spoke with Zelenski and asked him about the talks."
    assert conjuncts(nested) == []  # whose is "asked"?
    quote = (
        "Zelensky sat with leaders from France, Germany, Poland and Britain on Friday on a phone "
        "call with Trump, urging Unity to force Putin to end the war."
    )
    evidence = [Evidence(1, "a.txt", "Title", quote, 0, len(quote), 1.0, bow_embed([quote])[0])]
    whole = ("hosting negotiations and urged", "")
    first = ("hosting negotiations.", "")
    second = ("Zelenski urged unity", "")

    def enforce(table: dict, **settings: object) -> list[tuple[str, dict]]:
        cfg = JudgeSettings(threshold=0.5, alternatives=0, anchored=False, **settings)
        model = TableModel(table)
        enforcer = SupportEnforcer(ClaimJudge(model, 0.5), cfg, None, "How did he react?")
        sentence = CheckedSentence(claim, [1], True, {1: 0.7})
        kept = enforcer.answer([sentence], np.array([[0.7]]), evidence)
        return [(k.text, k.support) for k in kept]

    assert enforce({whole: 0.65, first: 0.28, second: 0.93}) == [
        ("Zelenski urged unity to force Putin to end the war.", {1: 0.93})
    ]
    assert enforce({whole: 0.65, first: 0.8, second: 0.93}) == [(claim, {1: 0.65})], "both held"
    assert enforce({whole: 0.65, first: 0.28, second: 0.93}, judge_conjuncts=False) == [
        (claim, {1: 0.65})
    ]
    assert enforce({whole: 0.65}, replace_min=0.99, replace_by_new_words=False) == []  # neither


def test_a_claim_of_two_predicates_stays_whole_when_the_budget_has_no_room_for_its_parts():
    claim = "Zelenski expressed interest in hosting talks and urged unity to end the war."
    quote = "Zelensky urged unity to force Putin to end the war."
    evidence = [Evidence(1, "a.txt", "Title", quote, 0, len(quote), 1.0, bow_embed([quote])[0])]
    table = {
        ("talks and urged", ""): 0.65,
        ("hosting talks.", ""): 0.2,
        ("Zelenski urged", ""): 0.9,
    }
    for budget, expected in (
        (1, [claim]),
        (2, [claim]),
        (3, ["Zelenski urged unity to end the war."]),
    ):
        cfg = JudgeSettings(threshold=0.5, alternatives=0, anchored=False, max_calls=budget)
        enforcer = SupportEnforcer(ClaimJudge(TableModel(table), 0.5), cfg, None, "How?")
        kept = enforcer.answer(
            [CheckedSentence(claim, [1], True, {1: 0.7})], np.array([[0.7]]), evidence
        )
        assert [k.text for k in kept] == expected, budget
