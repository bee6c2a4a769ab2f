from index.chunking import article_sentences, chunk_article, split_sentences
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
