"""rag/premise.py: cited paragraphs that place the question's event otherwise in time."""

import rag
from index.chunking import line_span
from rag.premise import (
    ahead_only,
    order_contradicted,
    premise_contradicted,
    subject_unnamed,
)
from tests.fakes import ScriptedGenerator, use

LONDON = "What was agreed at the Wednesday meeting of US, European and Ukrainian negotiators?"
AHEAD = "Negotiators from the United States, Europe, and Ukraine will still meet on Wednesday."
AFTER = "How did Zelenski react publicly after the two-hour Trump-Putin call?"
BEFORE = (
    "Trump briefly spoke with Zelenski before the call to Putin. According to his sources, "
    "the Ukrainian leader suggested a 30-day ceasefire."
)


def test_paragraph_is_the_line_holding_the_span():
    text = "First line.\n\nSecond one, with the quote. And more.\nThird."
    start = text.index("the quote")
    begin, end = line_span(text, start, start + 9)
    assert text[begin:end] == "Second one, with the quote. And more."
    assert line_span("one paragraph", 4, 7) == (0, len("one paragraph"))


def test_an_event_asked_about_as_done_that_the_sources_put_ahead():
    assert ahead_only(LONDON, [AHEAD]) == "meeting"
    assert premise_contradicted(LONDON, ["A ceasefire was signed.", AHEAD]) == "ahead: meeting"
    assert ahead_only(LONDON, ["The negotiators are due to meet in London."]) == "meeting"
    at_vote = "What was decided at the Senate vote?"
    assert ahead_only(at_vote, ["The Senate will vote on the bill next week."]) == "vote"


def test_a_paragraph_reporting_the_asked_event_is_no_contradiction_whatever_else_is_ahead():
    """A second review's cases: each paragraph answers its question, and names a later event."""
    cases = [
        (
            "What did the two leaders discuss at the meeting?",
            "Trump and Xi discussed tariffs and fentanyl, and agreed they will meet in April.",
        ),
        (
            "What did Trump tell Putin during the call?",
            "Trump told Putin that he will call Zelensky right after their conversation.",
        ),
        (
            "What did Trump say at the meeting with Zelensky?",
            "Speaking alongside Zelensky, Trump said he will meet Putin in Budapest.",
        ),
        (
            "What was agreed at the meeting?",
            "The sides agreed on a prisoner swap; ministers are set to meet in May.",
        ),
        ("What was agreed at the meeting?", "The aim is to meet the targets by 2030."),
        (
            "What was the margin in the Senate vote?",
            "The Senate voted 68-32 to advance the bill, which the House will vote on next week.",
        ),
    ]
    for question, text in cases:
        assert premise_contradicted(question, [text]) == "", (question, text)


def test_an_event_named_as_done_anywhere_or_not_at_all_is_no_contradiction():
    assert ahead_only(LONDON, [AHEAD, "At Wednesday's meeting they agreed on a text."]) == ""
    assert ahead_only(LONDON, ["They met on Wednesday. They will meet again in May."]) == ""
    assert ahead_only(LONDON, ["A ceasefire was signed."]) == ""  # silent: not contradicted
    assert ahead_only(LONDON, ["The negotiators will meet again on Monday."]) == ""  # a repeat


def test_a_question_that_says_its_event_is_ahead_or_only_mentions_it_is_not_checked():
    due = "Where were the negotiators still due to meet after the talks?"
    assert ahead_only(due, [AHEAD]) == ""
    assert ahead_only("How did Gorka describe his hopes for a Trump-Putin meeting?", [AHEAD]) == ""
    assert ahead_only("Where was he speaking to reporters from?", ["He will speak soon."]) == ""
    assert ahead_only("What is agreed at the Wednesday meeting?", [AHEAD]) == ""  # no past


def test_after_an_event_that_the_sources_place_before_it():
    assert order_contradicted(AFTER, [BEFORE]) == "after call"
    assert premise_contradicted(AFTER, [BEFORE]) == "order: after call"
    asked_before = "What did Zelenski suggest before the Trump-Putin call?"
    assert order_contradicted(asked_before, [BEFORE]) == ""
    assert order_contradicted(asked_before, ["He spoke to them after the call."]) == "before call"


def test_the_asked_side_said_without_the_event_or_a_longer_phrase_is_no_contradiction():
    cases = [
        (
            "What did Netanyahu say after the strikes?",
            "Following the strikes, Netanyahu said Iran was set back. Before the strikes, he "
            "had warned Tehran.",
        ),
        (
            "What did Netanyahu say after the strikes?",
            "He said afterwards that it worked; before the strikes he had been silent.",
        ),
        (
            "What did Trump say after the court ruling?",
            "His lawyers had argued before the court that the tariffs were legal.",
        ),
        (
            "What did she say after the hearing?",
            "Testifying before the committee, she said the hearing went well.",
        ),
    ]
    for question, text in cases:
        assert order_contradicted(question, [text]) == "", (question, text)
    prior = "The minister spoke to him prior to the call."
    assert order_contradicted(AFTER, [prior]) == "after call"


def test_the_asked_side_anywhere_another_event_or_silence_is_no_contradiction():
    both = "He informed Zelenski during a call right after the call with Putin."
    assert order_contradicted(AFTER, [BEFORE, both]) == ""
    assert order_contradicted(AFTER, ["He spoke before the summit."]) == ""  # another event
    assert order_contradicted(AFTER, ["Zelenski suggested a ceasefire."]) == ""
    assert order_contradicted("What happened after he left?", [BEFORE]) == ""  # no event noun
    both = "What did Trump say after the call? Did he talk to Zelenski before that call?"
    assert order_contradicted(both, [BEFORE]) == ""  # asked on both sides
    phone = "What did Trump say after his phone call with Putin? Did he call her before that call?"
    assert order_contradicted(phone, [BEFORE]) == ""  # "phone call" is a call
    assert order_contradicted("What was said after his phone call?", [BEFORE]) == "after call"
    assert premise_contradicted("Who led the delegation?", [BEFORE, AHEAD]) == ""


def refused_off_question(chain, reply: str, question: str) -> bool:
    """Whether `question`, answered by the scripted `reply` over the real index, is an
    off-question refusal with no citation."""
    use(chain, ScriptedGenerator(reply))
    answer = rag.ask(question)
    return answer.refused and answer.refusal == "off-question" and answer.citations == []


def test_a_cited_answer_whose_paragraph_puts_the_event_before_is_off_question(chain):
    """The real index: the Wall Street Journal paragraph says Zelenski spoke to Trump before
    the call; a question about after the call is not answered by it (q102's kind)."""
    reply = (
        "Zelenski suggested a 30-day ceasefire, a future meeting between Putin and Zelenski, "
        "and unifying the line and tone between the United States and Ukraine [1]."
    )
    assert refused_off_question(chain, reply, AFTER)
    answered = rag.ask("What did Zelenski suggest to Trump before the Trump-Putin call?")
    assert not answered.refused and "30-day ceasefire" in answered.citations[0].quote


def test_a_cited_answer_whose_paragraph_puts_the_asked_meeting_ahead_is_off_question(chain):
    """The real index: the New York Times paragraph says the negotiators will still meet on
    Wednesday; what was agreed there, it cannot say (q101's kind)."""
    reply = (
        "Negotiators from the United States, Europe and Ukraine will meet on Wednesday in "
        "London to continue drafting a ceasefire proposal [1]."
    )
    assert refused_off_question(chain, reply, LONDON.replace("?", " in London?"))
    answered = rag.ask(
        "Where were the negotiators from the United States, Europe and Ukraine still due to meet?"
    )
    assert not answered.refused and "London" in answered.text


BILL = "What is the official name of the Graham-Blumenthal Russia sanctions bill?"


def test_a_name_asked_for_must_come_from_a_paragraph_about_the_named_thing():
    wartime = "“The Wartime Act I passed has a presidential reduction authority,” he said."
    assert subject_unnamed(BILL, [wartime]) == "Graham-Blumenthal Russia sanctions bill"
    assert premise_contradicted(BILL, [wartime]).startswith("subject: Graham-Blumenthal")
    assert subject_unnamed(BILL, [wartime, "He backs the Graham Blumenthal bill."]) == ""
    assert subject_unnamed(BILL, ["The bill is called the Sanctioning Russia Act."]) == ""
    spokesperson = "What is the name of the White House spokesperson who spoke of frustration?"
    assert (
        subject_unnamed(spokesperson, ["Karoline Leavitt said so."]) == "White House spokesperson"
    )
    assert subject_unnamed(spokesperson, ["A White House spokeswoman said so."]) == ""
    assert subject_unnamed("Who led the delegation?", [wartime]) == ""  # no "name of"
    drones = "What is the name of the company that makes the drones?"
    assert subject_unnamed(drones, ["They are made by Baykar, a Turkish firm."]) == ""  # generic
    staff = "What is the name of Zelensky's chief of staff?"
    assert subject_unnamed(staff, ["Andriy Yermak, the top aide to Zelensky, led it."]) == ""
    assert subject_unnamed(staff, ["Andriy Yermak led it."]) == "Zelensky's chief of staff"
    security = "What did the government do in the name of National Security?"
    assert subject_unnamed(security, ["It banned the app."]) == ""  # asks for no name


def test_a_name_from_a_paragraph_that_never_names_the_bill_is_off_question(chain):
    """The real index: McCaul's "Wartime Act I passed" is not the name of the Graham-Blumenthal
    bill (q103's kind); the bill's sponsors, asked for, are in a paragraph about it."""
    wartime = "The Wartime Act I passed has a presidential authority [1]."
    assert refused_off_question(chain, wartime, BILL)
    reply = "The bill is sponsored by Lindsey Graham and Richard Blumenthal [1]."
    use(chain, ScriptedGenerator(reply))
    answered = rag.ask("Who sponsored the Graham-Blumenthal Russia sanctions bill?")
    assert not answered.refused and "Blumenthal" in answered.citations[0].quote
