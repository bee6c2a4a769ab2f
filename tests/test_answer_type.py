"""The answer-type gate: a question asking for a number, a date or a name is answered only by a
reply holding one the question did not say (rag/answer_type.py)."""

import pytest

from rag.answer_type import DATE, NAME, NUMBER, expected_type, gives_what_was_asked


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many prisoners of war did the two sides agree to swap?", NUMBER),
        ("What is the dollar value of the minerals agreement?", NUMBER),
        ("How long did the phone call last?", NUMBER),
        ("What time was it when Rosenberg got lost in the Kremlin?", NUMBER),
        ("At what time of year do the talks resume?", None),
        ("On what date is the second round of talks scheduled?", DATE),
        ("Which year did the war begin?", DATE),
        ("What is the name of the Pope who offered to host the talks?", NAME),
        ("Who led the Russian delegation in Istanbul?", NAME),
        ("Which senators sponsor the sanctions bill?", NAME),
        ("In which city did the negotiators meet?", NAME),
        ("At which event did Gorka and Schmitt make their remarks?", NAME),
        ("On what date were the talks, and who led the Russian delegation?", None),
        ("Where did he speak from? Who was with him?", None),
        ("Who is Maria Snegovaya?", None),
        ("Who was the envoy sent to Moscow?", NAME),
        ("How did Zelenski react after the call?", None),
        ("Why is the Kremlin chief torn over a lull?", None),
        ("What was agreed at the meeting in London?", None),
    ],
)
def test_the_kind_a_question_asks_for(question, kind):
    assert expected_type(question) == kind


@pytest.mark.parametrize(
    ("question", "answer", "kept"),
    [
        ("How many prisoners did they swap?", "They agreed to exchange 1,000 prisoners [1].", True),
        ("How many armed men does Putin have?", "He has a million armed men [1].", True),
        ("How many prisoners did they swap?", "The sides agreed on an exchange [1].", False),
        ("How long did the 2 hour call last?", "The call lasted 2 hours [1].", False),
        ("On what date is the next round?", "The next round is on May 16 [1].", True),
        ("On what date is the next round?", "Russia offered another round in Istanbul [1].", False),
        ("What is the name of the Pope who offered to host the talks at the Vatican?",
         "The Vatican, represented by the Pope, has declared its interest in hosting [1].", False),
        ("What is the name of the Pope who offered to host the talks?",
         "Pope Leo XIV offered to host them [1].", True),
        ("Who led the Russian delegation?", "Vladimir Medinsky led it [1].", True),
        ("Who led the Russian delegation?", "He led the Russian delegation [1].", False),
        ("What is the title of the CSIS report?", "She said CSIS’s report shows it [1].", False),
        ("How did Zelenski react?", "He said nothing new [1].", True),
        # a measure is asked for as a number
        ("How deep is the buffer zone Putin pledged?",
         "Russia will broaden its offensive to seize more territory [1].", False),
        ("How deep is the buffer zone Putin pledged?", "It is 30 kilometres deep [1].", True),
        # a count joined to a unit is a number; other compounds are not
        ("Over how long a stretch did Russia come out ahead?",
         "Russia came out ahead over a two-week stretch [1].", True),
        ("How many soldiers were exchanged?", "It was a one-sided exchange [1].", False),
        ("How many prisoners were freed?", "It was a half-hearted effort [1].", False),
        ("How much did the deal cost?", "It was a first-ever deal [1].", False),
        ("What time was it when he got lost?", "He got lost at 2:30 am [1].", True),
        ("What time was it when he got lost?", "He got lost in the night [1].", False),
        # a hyphenated name in the question says each of its names
        ("What is the official name of the Graham-Blumenthal bill?",
         "Senator Lindsey Graham said the bill has 84 co-sponsors [1].", True),
        ("What is the official name of the Graham-Blumenthal bill?",
         "Graham said the bill would pass [1].", False),
    ],
)  # fmt: skip
def test_an_answer_holds_a_new_one_of_that_kind(question, answer, kept):
    assert gives_what_was_asked(question, answer) is kept


@pytest.mark.parametrize(
    ("question", "around", "missing"),
    [
        ("In which city did Trump and Putin meet in 2018?", ["They met in Turkey."], ["2018"]),
        ("What about the 30-day ceasefire?", ["a 30 -day ceasefire"], []),
        ("How many were freed on May 05?", ["2025-05-05 prisoners freed"], []),
        ("Why did they swap 1000 prisoners?", ["They swapped 1,000 prisoners."], []),
        ("What did the three-day truce of 9 May bring?", ["a truce from the ninth", "nine"], []),
        ("What was held on May 16, and who led it?", ["Medinsky led it."], []),  # two parts
        ("Who met in 2018 or 2019?", ["in 2019", "They met in 2018"], []),  # any quote holds it
        ("When is the second round of talks?", ["Talks in Istanbul on May 16."], ["2nd"]),
        ("When is the second round of talks?", ["The 2nd round is on June 2."], []),
        ("When is the 3rd round of talks?", ["the third round opens"], []),
        ("What happened in a second?", ["It ended."], []),  # time, not an ordinal
    ],
)
def test_a_number_the_question_states_must_stand_near_a_cited_quote(question, around, missing):
    from rag.answer_type import numbers_missing

    assert numbers_missing(question, around) == missing


@pytest.mark.parametrize(
    ("question", "texts", "wrong"),
    [
        (
            "Who led the Ukrainian delegation?",
            ["Medinsky led the Russian delegation."],
            "ukraine delegation",
        ),
        ("Who headed Ukraine's delegation?", ["Umerov led the Ukrainian delegation."], ""),
        ("Who led the US delegation?", ["The U.S. delegation was led by Rubio."], ""),
        ("Who led the Ukrainian delegation?", ["The talks took place in Istanbul."], ""),  # no side
        (
            "How did the Ukrainian delegation react?",
            ["The Russian delegation left."],
            "",
        ),  # no name asked
        (
            "Who told us about the Russian troops?",
            ["The Ukrainian troops, Vance said."],
            "russia troop",
        ),
        (  # sides joined by "and" share their noun, in either order
            "How long had it been since Russian and Ukrainian officials last met?",
            ["Ukrainian and Russian officials held talks for the first time in years."],
            "",
        ),
        (  # one of the sides asked about is an answer; a third side is not
            "How many Russian and Ukrainian soldiers were exchanged?",
            ["390 Ukrainian soldiers returned home."],
            "",
        ),
        (
            "How many Russian and Ukrainian officials met?",
            ["Twelve American officials met."],
            "russia official",
        ),
    ],
)
def test_an_answer_about_another_side_does_not_answer(question, texts, wrong):
    from rag.answer_type import wrong_side

    assert wrong_side(question, texts) == wrong


@pytest.mark.parametrize(
    ("answer", "question", "found"),
    [
        ('The guards said "No way out!" [1].', "What did the guards say?", ["No way out!"]),
        ("He called it „a very bad war“ and “terrible”.", "What did he say?", ["a very bad war"]),
        ('Vance said "This is not our war."', 'Who said "This is not our war"?', []),  # asked
        ("It was “unacceptable”, he said.", "What did he say?", []),  # too short to anchor
        ('He said "no way out".', "Was it the casino way outside?", ["no way out"]),  # words
    ],
)
def test_an_answer_gives_the_quotations_the_question_does_not_hold(answer, question, found):
    from rag.answer_type import quotations

    assert quotations(answer, question) == found


def test_a_compound_number_is_held_by_its_parts_side_by_side():
    from rag.answer_type import held

    text = "The Russian media concluded that after two weeks of diplomacy, Moscow won."
    assert held("two-week", text) and held("two", text)
    assert not held("two-hour", text) and not held("three-week", text)
    assert not held("two-week", "The two sides met for weeks.")
    assert not held("100-day", "Over 100 people died in the first days of fighting.")
    assert held("30-day", "a 30-day ceasefire") and held("30-day", "for 30 days")
