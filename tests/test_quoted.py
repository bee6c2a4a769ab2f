"""A question that quotes an article is answered from the place it quotes (rag/quoted.py): the
quotation's finding and extent on small texts, then the answer chain on the real index with
scripted drafts."""

import numpy as np
import pytest

import rag
from rag.answering import AnswerChain
from rag.prompts import NOT_IN_SOURCES
from rag.quoted import find_words, question_quotation, quotation_extent, quotation_spots
from rag.types import Citation, Passage
from tests.fakes import HashingEmbedding, ScriptedGenerator, engine_like, use
from tests.helpers import assert_citations_valid

NEWSPAPER = (
    "Which Russian newspaper told European leaders to "
    '"breathe in the smell of the new world order"?'
)


def test_only_a_quotation_of_four_words_or_more_counts():
    assert question_quotation('What did Putin say was "the main thing"?') is None
    assert question_quotation('Why had Putin gone "crazy"?') is None
    asked = 'Who said "one two" and “This is not our war, it is theirs”?'
    assert question_quotation(asked) == "This is not our war, it is theirs"
    single = "Who said 'it's Joe Biden’s war, not ours' and ‘we won’t pay for it’?"
    assert question_quotation(single) == "it's Joe Biden’s war, not ours"
    assert question_quotation("Who said ‘we won’t pay for it’ in May?") == "we won’t pay for it"
    assert question_quotation("What is Biden's view on Putin's war aims?") is None


def test_the_quoted_words_are_found_whatever_their_case_punctuation_and_apostrophes():
    text = "Intro.\n“It is Joe Biden’s war, it is Vladimir Putin’s war,” he said."
    size, start, end = find_words("it is Joe Biden's war. It is Vladimir Putin's war", text)
    assert size == 12 and text[start:end] == "It is Joe Biden’s war, it is Vladimir Putin’s war"
    assert find_words("a war that nobody in this text ever mentioned", text) is None


def test_a_quotation_over_reopened_paragraphs_takes_the_line_that_introduces_it():
    text = (
        "Moscow is confident.\n\n"
        "Ultra Pro-Kremlin Komsomolskaya Pravda had this message to European leaders:\n\n"
        "“You have been warned.\n\n"
        "“Just sit in the hallway and breathe in the smell of the new world order.”\n\n"
        "Another paragraph follows."
    )
    _, start, end = find_words("breathe in the smell of the new world order", text)
    a, b = quotation_extent(text, start, end)
    assert text[a:b].startswith("Ultra Pro-Kremlin Komsomolskaya Pravda")
    assert text[a:b].endswith("new world order.”")


def test_a_quotation_closing_in_a_later_paragraph_takes_the_speaker_there():
    text = "Before.\n\n“We will try to end it.\n\n“It was worth trying,” Vance said.\n\nAfter."
    _, start, end = find_words("We will try to end it", text)
    a, b = quotation_extent(text, start, end)
    assert text[a:b] == "“We will try to end it.\n\n“It was worth trying,” Vance said."


def test_in_a_long_paragraph_it_runs_from_the_sentence_before_to_the_one_that_closes():
    filler = " ".join(f"Filler sentence number {n} says little." for n in range(30))
    text = (
        f"{filler} \"There is distrust. We will say, 'This is not our war. It is theirs. "
        f"We tried.'\" Vance said bluntly. {filler}"
    )
    _, start, end = find_words("This is not our war. It is theirs", text)
    a, b = quotation_extent(text, start, end)
    assert text[a:b] == (
        "\"There is distrust. We will say, 'This is not our war. It is theirs. We tried.'\" "
        "Vance said bluntly."
    )


def test_the_spot_comes_from_the_retrieved_articles_holding_the_quotation():
    articles = {
        "a.txt": "Nothing quoted here.\nThe smell of coffee.",
        "b.txt": "Pravda wrote:\n“Breathe in the smell of the new world order.”",
        "c.txt": "Izvestia quoted it: “the smell of the new world order”, it said.",
        "d.txt": "“Breathe in the smell of the new world order.”",  # no speaker beside it
    }
    passages = [Passage(name, name, "", 1.0, 0, 5) for name in articles]
    embed = HashingEmbedding().embed
    spots = quotation_spots(NEWSPAPER, passages, articles.__getitem__)
    assert [s.passage.source for s in spots] == ["b.txt", "c.txt"]  # most words first
    spot = spots[0].evidence(embed)
    assert spot.source == "b.txt" and spot.number == 1
    assert articles["b.txt"][spot.start : spot.end] == spot.text and "Pravda" in spot.text
    assert spot.vector.shape == embed(["x"])[0].shape and np.isclose(spot.relevance, 1.0)
    assert quotation_spots("Who wrote about the new world order?", passages, dict.get) == []


def test_a_quotation_closed_by_another_speaker_before_it_is_not_pulled_in():
    text = (
        "Leaders spoke.\n“We must act now,” Biden said.\n“Europe must pay its share,” Macron "
        "said.\n“This is not our war at all,” Trump replied."
    )
    _, start, end = find_words("This is not our war at all", text)
    a, b = quotation_extent(text, start, end)
    assert text[a:b] == "“This is not our war at all,” Trump replied."


def test_a_long_quotation_keeps_the_line_that_introduces_it():
    filler = " ".join(f"We said thing number {n}." for n in range(40))
    text = f"Vance had this message for Europe:\n“{filler} This is not our war at all.”\nAfter."
    _, start, end = find_words("This is not our war at all", text)
    a, b = quotation_extent(text, start, end)
    assert text[a:b].startswith("Vance had this message") and text[a:b].endswith("at all.”")


def test_an_answer_citing_elsewhere_gets_a_look_at_the_quotation_with_its_speaker(api_engine):
    """The draft names the wrong source; the model is asked again, shown only the quotation with
    the line that introduces it, and the answer cites that."""
    replies = [
        "Moscow's confidence feeds the belief that it has the initiative on the battlefield [1].",
        "Komsomolskaya Pravda told European leaders to breathe in that smell [1].",
    ]
    generator = ScriptedGenerator("", replies=replies)
    answer = AnswerChain(api_engine, generator).ask(NEWSPAPER)
    assert len(generator.messages) == 2 and not answer.refused
    second = generator.messages[1][1]["content"]
    assert "[1] Ultra Pro-Kremlin Komsomolskaya Pravda had this message" in second
    assert "[2]" not in second and "Komsomolskaya" in answer.text
    assert "breathe in the smell" in answer.citations[0].quote
    assert "quotation_look" in answer.timings and rag.validate_answer(answer) == []
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_an_answer_citing_the_quotation_is_not_asked_again(chain, api_engine):
    generator = ScriptedGenerator(
        "Ultra Pro-Kremlin Komsomolskaya Pravda had this message to European leaders [1]."
    )
    use(chain, generator)
    answer = rag.ask(NEWSPAPER)
    assert len(generator.messages) == 1 and "Komsomolskaya" in answer.text
    off = engine_like(api_engine, judge=api_engine.settings.judge.model_copy(
        update={"quotation_look": False}))  # fmt: skip
    wrong = ScriptedGenerator("Moscow's confidence feeds the belief it has the initiative [1].")
    AnswerChain(off, wrong).ask(NEWSPAPER)
    assert len(wrong.messages) == 1


@pytest.mark.parametrize("second", ["", "I am not sure."])
def test_a_second_draft_with_no_claim_quotes_the_quotation_verbatim(api_engine, second):
    first = "Moscow's confidence feeds the belief that it has the initiative [1]."
    answer = AnswerChain(api_engine, ScriptedGenerator("", replies=[first, second])).ask(NEWSPAPER)
    assert not answer.refused and len(answer.citations) > 1
    assert answer.text.startswith("Ultra Pro-Kremlin Komsomolskaya Pravda had this message")
    assert answer.citations[-1].quote.endswith("new world order.”")
    assert all(f"{c.quote} [{c.marker}]" in answer.text for c in answer.citations)
    assert "You have been warned" not in answer.text  # the middle of the quotation
    assert_citations_valid(answer, api_engine.settings.corpus)


def test_the_model_saying_not_in_sources_at_the_quotation_is_a_refusal(api_engine):
    first = "Moscow's confidence feeds the belief that it has the initiative [1]."
    generator = ScriptedGenerator("", replies=[first, NOT_IN_SOURCES])
    answer = AnswerChain(api_engine, generator).ask(NEWSPAPER)
    assert answer.refused and answer.refusal == "not-in-sources"


def test_the_extractive_backend_quotes_the_quotation_with_its_speaker(chain, api_engine):
    use(chain, None)
    answer = rag.ask(NEWSPAPER)
    assert not answer.refused and "Komsomolskaya Pravda" in answer.text
    assert answer.citations[0].quote.startswith("Ultra Pro-Kremlin Komsomolskaya Pravda")
    assert rag.validate_answer(answer) == []
    assert_citations_valid(answer, api_engine.settings.corpus)


def _citation(source: str, start: int, end: int) -> Citation:
    return Citation(1, source, "", "", start, end)


def test_only_a_citation_reaching_the_speaker_cites_the_spot():
    articles = {"b.txt": "Pravda wrote:\n“Breathe in the smell of the new world order.”"}
    passages = [Passage("b.txt", "b", "", 1.0, 0, 5)]
    (found,) = quotation_spots(NEWSPAPER, passages, articles.__getitem__)
    assert found.words == (14, len(articles["b.txt"]))
    assert not found.cited_by([_citation("b.txt", 14, 60)])  # the quoted words alone
    assert found.cited_by([_citation("b.txt", 0, 13)])  # the line naming the speaker
    assert not found.cited_by([_citation("a.txt", 0, 13)])
    one = "Senator Cornyn posted on X: “Breathe in the smell of the new world order.” Then."
    (alone,) = quotation_spots(NEWSPAPER, passages, {"b.txt": one}.__getitem__)
    assert alone.words == (28, 74)
    assert alone.cited_by([_citation("b.txt", 0, 74)])  # the sentence naming the speaker
    assert not alone.cited_by([_citation("b.txt", 28, 74)])


def test_a_follow_up_looks_for_its_own_quotation_not_the_one_before(chain):
    """The condensed follow-up also holds the question before it, whose quotation is longer."""
    use(chain, None)
    history = [
        {"role": "user", "content": 'Who wrote on X that "Putin does not respect the goodwill '
         'of the United States and the president"?'},
        {"role": "assistant", "content": "Senator John Cornyn [1]."},
    ]  # fmt: skip
    answer = rag.ask(NEWSPAPER, history=history)
    assert answer.text.startswith("Ultra Pro-Kremlin Komsomolskaya Pravda had this message")


def test_a_who_said_that_question_finds_its_statement_reworded_and_its_signature():
    """No quotation marks: the statement the question attributes is looked up by a run of five
    of its words, at least three of them long, and a short line signing the paragraph is the
    speaker."""
    from rag.quoted import question_statement

    asked = "Who warned that Poland and the Baltic states would suffer first if NATO attacked?"
    assert question_statement(asked) == (
        "Poland and the Baltic states would suffer first if NATO attacked"
    )
    assert question_statement('Who warned that "Poland and the Baltic states must see"?') is None
    assert question_statement("Who wrote about Poland and the Baltic states?") is None
    text = (
        "Intro line.\nPoland and the Baltic states must understand that they will suffer.\n"
        "Sergei Naryshkin, Head of the Foreign Intelligence Service\nThe Kremlin"
    )
    passages = [Passage("n.txt", "n", "", 1.0, 0, 5)]
    (spot,) = quotation_spots(asked, passages, {"n.txt": text}.__getitem__)
    assert spot.text.startswith("Poland") and spot.text.endswith("Intelligence Service")
    assert spot.cited_by([_citation("n.txt", 12, 80)])  # the sentence, beyond the words
    generic = "Who warned that prices would rise by the end of the year?"
    dull = {"n.txt": "Nothing changed by the end of the day.\nA Signature Line"}
    assert quotation_spots(generic, passages, dull.__getitem__) == []  # no long words matched
