import pytest

from index.chunking import (
    QUOTE_WORDS,
    article_sentences,
    chunk_article,
    split_sentences,
    statements,
)
from index.cleaning import content_spans, is_boilerplate
from index.loading import Article, load_folder
from tests.conftest import CORPUS, CountingTokens


def test_boilerplate_lines_are_dropped():
    for line in (
        "Leave a Reply",
        "Source link",
        "Connect with us",
        "Photo of author",
        "By [email\xa0protected]",
        "NEWS",
        "https://example.com/a/b.jpg",
        "BMClogo",
    ):
        assert is_boilerplate(line), line
    assert not is_boilerplate("Putin appointed his aide Vladimir Medinsky.")


def test_repeated_header_and_glued_prefix():
    text = (
        "NEWS\nNEWS\n\nReal sentence one.\nYour email address will not be published. "
        "Required fields are marked *Snegovaya agrees.\n"
    )
    kept = [text[s:e] for s, e in content_spans(text)]
    assert kept == ["Real sentence one.", "Snegovaya agrees."]


def test_sentence_split_keeps_abbreviations_and_offsets():
    text = "The U.S. envoy met Mr. Putin. He said “no.” Then 30 days passed! Done"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "The U.S. envoy met Mr. Putin.",
        "He said “no.”",
        "Then 30 days passed!",
        "Done",
    ]


def sentences_of(*parts: str, sep: str = " ", start: int = 0) -> list[str]:
    text = sep.join(parts)
    return [text[s:e] for s, e in statements(text, split_sentences(text, start))]


def test_a_short_quotation_of_several_sentences_is_one_unit_with_its_speaker():
    curly = ("\u201cYou have been warned.", "Don\u2019t wave threats,\u201d the paper wrote.")
    assert sentences_of(*curly, "Then rain.") == [" ".join(curly), "Then rain."]
    straight = ('"It is over.', 'We go home," he said.')
    assert sentences_of(*straight) == [" ".join(straight)]
    said = ('She added: "It is over.', 'We go home."', "Then rain.")
    assert sentences_of(*said) == [" ".join(said[:2]), "Then rain."]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ("\u201e", "\u201d"),
        ("\u201e", "\u201c"),
        ("\u00ab ", " \u00bb"),
        ("\u00ab\u00a0", "\u00a0\u00bb"),
        ("\u00bb", "\u00ab"),
    ],
    ids=["romanian", "german", "french", "french-no-break-spaces", "danish"],
)
def test_quotations_in_other_languages_marks_are_one_unit_too(opening, closing):
    said = (f"She added: {opening}It is over.", f"We go home.{closing}", "Then rain.")
    assert sentences_of(*said) == [" ".join(said[:2]), "Then rain."]
    unclosed = (f"She added: {opening}It is over.", "We go home.")
    assert sentences_of(*unclosed) == list(unclosed)


def test_quotations_are_not_joined_when_long_unclosed_or_across_paragraphs():
    unclosed = ('"It is over.', "We go home.")  # runs on in the next paragraph
    assert sentences_of(*unclosed) == list(unclosed)
    straight = ('"It is over.', 'We go home," he said.')
    assert sentences_of(*straight, sep="\n") == list(straight)
    long_quote = ('"' + "word " * QUOTE_WORDS + "end.", 'Last words," he said.')
    assert sentences_of(*long_quote) == list(long_quote)
    plain = ("It rained.", "It stopped.")
    assert sentences_of(*plain) == list(plain)


def test_a_quotation_state_is_read_from_its_line_not_from_where_splitting_starts():
    # split from the middle of a long quotation: its closing quote does not open a new one
    parts = (
        '"' + "word " * QUOTE_WORDS + "end.",
        'Last words," he said.',
        "It rained.",
        'A "b" c.',
    )
    text = " ".join(parts)
    start = len(parts[0]) + 1
    assert [text[s:e] for s, e in statements(text, split_sentences(text, start))] == list(parts[1:])


def test_a_chunk_never_cuts_a_short_quotation_and_its_sentences_know_it():
    from index.records import sentence_records

    found = False
    for article in load_folder(CORPUS):
        text = article.text
        chunks = chunk_article(article, 40, CountingTokens())  # small: many chunk boundaries
        sentences = article_sentences(article)
        quotes = [q for q in statements(text, sentences) if q not in sentences]  # joined ones
        for a, b in quotes:
            assert any(c.start <= a and b <= c.end for c in chunks), text[a:b]
        for record in sentence_records(chunks, {article.source: article}):
            meta = record.metadata
            assert text[meta["start"] : meta["end"]] == record.text  # each sentence is stored alone
            if "quote_start" in meta:
                assert (meta["quote_start"], meta["quote_end"]) in quotes
            if record.text.startswith('"There is nothing to discuss'):
                quote = text[meta["quote_start"] : meta["quote_end"]]
                assert quote.endswith(
                    "stated Volodymyr Zelensky, reacting to the conditions demanded by Russia."
                )
                found = True
    assert found


def test_every_chunk_maps_to_its_original_span():
    for article in load_folder(CORPUS):
        chunks = chunk_article(article, 120, CountingTokens())
        assert chunks
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            assert chunk.source == article.source and chunk.title == article.title


def test_chunks_exclude_boilerplate_and_respect_size():
    counter = CountingTokens()
    for article in load_folder(CORPUS):
        sentences = article_sentences(article)
        for chunk in chunk_article(article, 120, counter):
            for line in chunk.text.splitlines():
                assert not is_boilerplate(line)
            inside = [s for s in sentences if chunk.start <= s[0] and s[1] <= chunk.end]
            if len(inside) > 1:
                assert counter(chunk.text) <= 120 + 5


def test_chunk_ids_are_stable_and_unique():
    article = Article("a.txt", "One sentence here. Another one there.\n\nOne sentence here.", "T")
    first = chunk_article(article, 4, CountingTokens())
    second = chunk_article(article, 4, CountingTokens())
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first) == 3
