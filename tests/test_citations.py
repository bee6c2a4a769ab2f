"""The citation post-processor, with a deterministic bag-of-words embedding (no model)."""

import hashlib
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answering import extractive_answer
from rag.citations import check_sentences, normalize_markers, render, split_answer
from rag.evidence import Evidence

ARTICLE = (
    "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation in Istanbul.\n"
    "The two sides agreed to exchange 1,000 prisoners of war.\n"
    "Trump said the call lasted two hours and went very well.\n"
)


def bow_embed(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        v = np.zeros(256, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % 256] += 1
        rows.append(v / max(np.linalg.norm(v), 1e-9))
    return np.array(rows)


def make_evidence() -> list[Evidence]:
    evidence, start = [], 0
    for n, line in enumerate(ARTICLE.splitlines(), 1):
        s = ARTICLE.index(line, start)
        evidence.append(
            Evidence(n, "a.txt", "Title", line, s, s + len(line), 1.0, bow_embed([line])[0])
        )
        start = s + len(line)
    return evidence


def verify_answer(raw: str, evidence: list[Evidence], embed):  # noqa: ANN001, ANN201
    """The similarity step of the chain: normalize, split, check, render."""
    checked = check_sentences(split_answer(normalize_markers(raw)), evidence, embed, 0.45, 3)
    text, citations = render(checked, evidence)
    return text, citations, checked


def test_marker_forms_are_normalized():
    assert normalize_markers("A [1, 2] B [3-4] C Source 5 D [Source 6]") == (
        "A [1][2] B [3][4] C [5] D [6]"
    )
    assert normalize_markers("Claim. [2] Next [x] one【3】.") == "Claim [2]. Next  one."


def test_a_reply_of_markers_alone_reads_as_the_sentences_it_cites():
    from rag.citations import pointed_at

    count = len(make_evidence())
    assert pointed_at("[2]", count) == [2]
    assert pointed_at(" [3][1][3] ", count) == [3, 1]
    assert pointed_at("[9]", count) == []  # no such sentence: an ordinary (uncited) reply
    assert pointed_at("Medinsky led it [1].", count) == []


def test_split_answer_reads_markers_per_claim():
    parts = split_answer("Medinsky led it [1]. Prisoners were swapped [2][2][3].")
    assert parts == [("Medinsky led it.", [1]), ("Prisoners were swapped.", [2, 3])]
    parts = split_answer("Medinsky led it [1] and 1,000 prisoners were swapped [2].")
    assert parts == [("Medinsky led it", [1]), ("and 1,000 prisoners were swapped.", [2])]


def test_a_quoted_statement_of_several_sentences_is_one_claim_as_in_the_evidence():
    quote = "\u201cThe deal is about timing. My expectations are limitless,\u201d he said [1]."
    assert split_answer(quote) == [(quote.replace(" [1]", ""), [1])]
    inside = 'He told reporters: "Trump spoke warmly. Russia is a partner [1]." Then rain [2].'
    assert split_answer(inside) == [
        ('He told reporters: "Trump spoke warmly. Russia is a partner."', [1]),
        ("Then rain.", [2]),
    ]
    # markers inside the quotation before its last sentence: a claim per sentence, as before
    marked = '"Drones hit the city overnight [1]. Air defences shot most down [2]," he said.'
    first, second = (
        '"Drones hit the city overnight [1].',
        'Air defences shot most down [2]," he said.',
    )
    assert split_answer(marked) == split_answer(first) + split_answer(second)
    assert split_answer(marked)[0] == ('"Drones hit the city overnight.', [1])
    # markers opening the quotation close the claim before it (the extractive answer's form)
    led = 'Snegovaya doubts it. [1] "Sanctions bite. They work," she said. [2]'
    assert split_answer(led) == [
        ("Snegovaya doubts it.", [1]),
        ('"Sanctions bite. They work," she said.', [2]),
    ]
    unclosed = '"Trump spoke warmly. Russia is a partner [1].'
    assert [c for c, _ in split_answer(unclosed)] == [
        '"Trump spoke warmly.',
        "Russia is a partner.",
    ]


def test_a_leading_source_frame_is_no_part_of_the_claim():
    from rag.claims import without_source_frame as bare

    assert bare("The article states that on May 19, Trump called.") == "On May 19, Trump called."
    assert bare("According to the article from BBC, leaders warned Putin.") == (
        "Leaders warned Putin."
    )
    assert bare('The report from 2025-05-19 says "Kyiv agreed."') == '"Kyiv agreed."'
    kept = "According to the New York Times report cited in the analysis, Rubio withdrew."
    assert bare(kept) == kept  # a named outlet is an attribution the quote must state
    assert bare("The article states that.") == "The article states that."  # nothing left
    assert bare("The analysis of Rubio's withdrawal was written later.").startswith("The anal")


def test_an_attribution_the_question_makes_is_no_part_of_the_judged_claim():
    from rag.claims import without_asked_attribution as bare

    vance = "According to JD Vance, how many armed men does Putin have?"
    assert bare("According to JD Vance, Putin has a million armed men.", vance) == (
        "Putin has a million armed men."
    )
    assert bare("JD Vance said that Putin has a million armed men.", vance) == (
        "Putin has a million armed men."
    )
    rosenberg = "Whose novel did Rosenberg say being lost in the Kremlin felt like?"
    assert bare("Steve Rosenberg said it felt like a Le Carre novel.", rosenberg) == (
        "It felt like a Le Carre novel."
    )
    kept = [
        "According to Rubio, Putin has a million armed men.",  # not the question's speaker
        "The negotiators from the United States, Europe and Ukraine will meet in London.",
        "Vance said so.",  # nothing left to judge
        "the Kremlin said that talks would go on",  # no capitalized speaker
    ]
    for claim in kept:
        assert bare(claim, vance + " What did the United States, Kremlin negotiators say?") == claim


def test_wrong_and_out_of_range_markers_are_fixed_and_renumbered():
    evidence = make_evidence()
    raw = "The call lasted two hours [1]. Medinsky led the Russian delegation [9]."
    text, citations, _ = verify_answer(raw, evidence, bow_embed)
    assert text == "The call lasted two hours [1]. Medinsky led the Russian delegation [2]."
    assert [(c.marker, c.quote) for c in citations] == [
        (1, evidence[2].text),
        (2, evidence[0].text),
    ]
    for c in citations:
        assert ARTICLE[c.start : c.end] == c.quote


def test_unsupported_sentence_gets_no_citation():
    text, citations, checked = verify_answer(
        "The weather in Paris was sunny yesterday [1].", make_evidence(), bow_embed
    )
    assert citations == [] and "[" not in text
    assert checked[0].markers == []


def test_extractive_answer_quotes_evidence_verbatim():
    text, citations = extractive_answer(make_evidence(), 2, 0.08)
    assert text.startswith(make_evidence()[0].text) and text.count("[") == len(citations)
    assert [c.marker for c in citations] == list(range(1, len(citations) + 1))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab [],.-1239Source\n\u3010\u3011!?'\"")), max_size=120)
    | st.text(max_size=120)
)
def test_any_model_output_yields_valid_citations(raw):
    evidence = make_evidence()
    text, citations, _ = verify_answer(raw, evidence, bow_embed)
    used = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert used == {c.marker for c in citations}
    assert [c.marker for c in citations] == list(range(1, len(citations) + 1))
    for c in citations:
        assert ARTICLE[c.start : c.end] == c.quote


def test_a_clause_after_a_marker_reads_on_or_opens_its_own_sentence():
    """'Yes, according to the evidence [1], Putin made ...' splits after the marker; rendered,
    the second piece joins the first without a space, and with the first dropped it no longer
    opens with a comma (the answer read ", Putin made a statement ...")."""
    from rag.citations import CheckedSentence

    evidence = make_evidence()
    first = CheckedSentence("Yes, according to the evidence", [1], True)
    second = CheckedSentence(", Putin appointed Medinsky to lead the delegation.", [1], True)
    assert render([first, second], evidence)[0] == (
        "Yes, according to the evidence [1], Putin appointed Medinsky to lead the delegation [1]."
    )
    assert render([second], evidence)[0] == ("Putin appointed Medinsky to lead the delegation [1].")
    after_stop = CheckedSentence("The sides agreed to swap prisoners.", [2], True)
    assert render([after_stop, second], evidence)[0] == (
        "The sides agreed to swap prisoners [1]. Putin appointed Medinsky to lead the "
        "delegation [2]."
    )


def test_without_repeats_drops_a_claim_said_again_with_no_new_citation():
    from rag.citations import CheckedSentence, without_repeats

    first = CheckedSentence("JD Vance spoke to reporters from Air Force 2.", [1], True)
    again = CheckedSentence("He was speaking to reporters from Air Force 2.", [1], True)
    elsewhere = CheckedSentence("He was speaking to reporters from Air Force 2.", [2], True)
    more = CheckedSentence("He told reporters on Air Force 2 to end the war in Ukraine.", [1], True)
    assert without_repeats([first, again]) == [first]
    assert without_repeats([first, elsewhere]) == [first, elsewhere]  # a citation of its own
    assert without_repeats([first, more]) == [first, more]  # says more
    assert without_repeats([again, first]) == [again, first]  # the later one names him
