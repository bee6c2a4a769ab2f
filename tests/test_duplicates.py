"""Near-duplicate stories: the threshold measured on edited copies of the shipped articles."""

import itertools

import pytest

from index.duplicates import StoryConfig, group_stories, shingles, similarity, story_copies
from index.loading import Article, load_folder
from rag.config import PROJECT_ROOT, Settings
from tests.near_duplicates import VARIANTS

SHIPPED = load_folder(PROJECT_ROOT / "corpus")
S = Settings()
CONFIG = StoryConfig(S.story_threshold, S.story_perms, S.story_shingle)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_edited_copy_clears_the_threshold(variant):
    # Measured with 5-word shingles and 128 permutations: the lowest copy scores 0.398 (a fifth
    # of the paragraphs dropped and the end cut), so 0.3 leaves a margin both ways (the
    # distinct shipped articles score 0.00 to each other).
    scores = [similarity(a.text, VARIANTS[variant](a.text), CONFIG) for a in SHIPPED]
    assert min(scores) >= CONFIG.threshold + 0.05, (variant, scores)


def test_the_five_shipped_articles_are_distinct_stories():
    # All five are about the same week of Ukraine talks, so they share names and phrases.
    pairs = itertools.combinations(SHIPPED, 2)
    worst = max(similarity(a.text, b.text, CONFIG) for a, b in pairs)
    assert worst <= CONFIG.threshold - 0.2, worst
    stories = group_stories(SHIPPED, CONFIG)
    assert stories == {a.source: a.source for a in SHIPPED}


def test_copies_are_grouped_under_the_first_name_in_path_order():
    base = SHIPPED[4]
    copies = [
        Article("zz_wire.txt", VARIANTS["wire copy"](base.text), "Wire copy", "AP"),
        Article("aa_respelled.txt", VARIANTS["respelled"](base.text), "Respelled"),
    ]
    stories = group_stories([*SHIPPED, *copies], CONFIG)
    assert stories["zz_wire.txt"] == stories["aa_respelled.txt"] == base.source  # "0" < "a"
    assert len(set(stories.values())) == 5
    others = story_copies(stories)
    assert others[base.source] == ["aa_respelled.txt", "zz_wire.txt"]
    assert others[SHIPPED[0].source] == []


def test_a_text_without_words_is_its_own_story():
    blank = [Article("a.txt", "...", "a"), Article("b.txt", "!!!", "b")]
    assert shingles("...", 5) == set()
    assert group_stories(blank, CONFIG) == {"a.txt": "a.txt", "b.txt": "b.txt"}


def test_the_fixture_wire_pair_is_one_story_and_the_other_pages_are_not():
    """The two hand-written wire copies (two outlets, edited) extracted from their HTML pages
    are grouped; no other fixture page joins them."""
    pages = load_folder(PROJECT_ROOT / "tests" / "fixtures" / "news")
    wire = {"global-wire-grain-corridor.html", "harbour-post-grain-corridor.html"}
    assert wire <= {a.source for a in pages}
    by_source = {a.source: a for a in pages}
    pair = similarity(*(by_source[s].text for s in sorted(wire)), CONFIG)
    assert pair >= CONFIG.threshold + 0.05, pair
    stories = group_stories(pages, CONFIG)
    assert len({stories[s] for s in wire}) == 1
    grouped = {s for s, story in stories.items() if story == stories[min(wire)]}
    assert grouped == wire
