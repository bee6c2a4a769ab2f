"""Time windows named in questions: the phrase, and the since/until it becomes."""

import pytest

from rag.errors import QuestionError
from rag.filters import Filters
from rag.timewindow import apply_time_window, date_span, parse_time_window

TABLE = [
    ("What was reported after May 16?", "2025-05-17", None, "after May 16"),
    ("What happened since May 16?", "2025-05-16", None, "since May 16"),
    ("What was said before 2025-05-20?", None, "2025-05-19", "before 2025-05-20"),
    ("Which talks took place in April 2025?", "2025-04-01", "2025-04-30", "in April 2025"),
    ("What changed since May?", "2025-05-01", None, "since May"),
    ("What was reported after May?", "2025-06-01", None, "after May"),
    ("Any news until May 20th?", None, "2025-05-20", "until May 20th"),
    ("What did Lavrov say on 23 May?", "2025-05-23", "2025-05-23", "on 23 May"),
    ("Reports from the 16th of May 2024?", "2024-05-16", None, "from the 16th of May 2024"),
    ("Calls in 2024?", "2024-01-01", "2024-12-31", "in 2024"),
    ("Before March 3, 2025, who met?", None, "2025-03-02", "Before March 3, 2025"),
    ("What happened in Sept.?", "2025-09-01", "2025-09-30", "in Sept."),
    (
        "What was said between May 16 and May 19?",
        "2025-05-16",
        "2025-05-19",
        "between May 16 and May 19",
    ),
    ("News from May 10 to May 12 please", "2025-05-10", "2025-05-12", "from May 10 to May 12"),
    (
        "What was reported after May 16 and before May 20?",
        "2025-05-17",
        "2025-05-19",
        "after May 16 and before May 20",
    ),
    ("after may 16, who spoke?", "2025-05-17", None, "after may 16"),
]

NOT_WINDOWS = [
    "Who led the Russian delegation?",
    "What may happen in the talks?",
    "What will Putin do in may?",  # lower-case "may" alone is the verb
    "How many died after 2000 soldiers attacked?",  # a count, not a year
    "What did he say on February 30?",  # no such day
    "Is the war over since last week?",  # relative phrases are out of scope
]


@pytest.mark.parametrize(("question", "since", "until", "phrase"), TABLE)
def test_windows_are_read_from_the_question(question, since, until, phrase):
    window = parse_time_window(question, 2025)
    assert window is not None, question
    assert (window.since, window.until, window.phrase) == (since, until, phrase)


@pytest.mark.parametrize("question", NOT_WINDOWS)
def test_other_questions_name_no_window(question):
    assert parse_time_window(question, 2025) is None


def test_a_month_covers_all_its_days_in_leap_years_too():
    assert [d.isoformat() for d in date_span("February 2024", 2025)] == [
        "2024-02-01",
        "2024-02-29",
    ]
    assert date_span("2025-02-30", 2025) is None


def test_the_year_of_a_dateless_phrase_is_the_newest_articles_year():
    filters, note = apply_time_window("What was reported after May 16?", None, newest="2024-06-01")
    assert filters == Filters(since="2024-05-17")
    assert note == 'dates 2024-05-17.. ("after May 16")'


def test_a_window_narrows_given_filters_and_keeps_the_rest():
    given = {"outlets": ["BBC"], "since": "2025-05-18", "until": "2025-05-30"}
    filters, note = apply_time_window("What was reported before May 25?", given, "2025-05-24")
    assert filters == Filters(outlets=("BBC",), since="2025-05-18", until="2025-05-24")
    assert note == 'dates 2025-05-18..2025-05-24 ("before May 25")'


def test_a_window_outside_the_given_range_says_nothing_can_match():
    given = {"until": "2025-05-10"}
    filters, note = apply_time_window("News after May 16?", given, "2025-05-24")
    assert (filters.since, filters.until) == ("2025-05-17", "2025-05-10")
    assert note.endswith("no article can match")


def test_without_dated_articles_or_a_window_nothing_is_applied():
    assert apply_time_window("What happened after May 16?", None, newest=None) == (None, "")
    kept = apply_time_window("Who led the delegation?", {"outlets": ["BBC"]}, "2025-05-24")
    assert kept == (Filters(outlets=("BBC",)), "")


def test_bad_filters_are_still_refused():
    with pytest.raises(QuestionError, match="'sinse'"):
        apply_time_window("after May 16", {"sinse": "2025-05-01"}, "2025-05-24")


def test_a_date_of_an_event_does_not_narrow_by_article_date():
    """ "on May 10" dates the ultimatum, not the reporting: narrowing would refuse a question
    the corpus answers."""
    question = "What ultimatum did European leaders give Putin on May 10?"
    assert apply_time_window(question, None, "2025-05-24") == (None, "")
    assert apply_time_window("Which articles were published after May 16?", None, "2025-05-24")[1]
