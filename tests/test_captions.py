"""Image captions (a line carrying a photo credit) are never shown to the model as evidence:
they describe a picture, not the news (index/cleaning.py, rag/evidence.py)."""

from __future__ import annotations

import pytest

from index.cleaning import is_photo_caption
from rag.api import chain_for


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        (
            "Mikhail Svetlov/Getty Images Vladimir Putin and Donald Trump sit together in 2019.",
            True,
        ),
        ("Paville Beniakov/AFP through Getty Vladimir Putin sitting on a golden chair.", True),
        ("Zelensky meets Trump in the Vatican. Ukraine President's Office via Getty Images", True),
        ("Trump and Putin at the summit. Photo: Reuters", True),
        ("Putin in Moscow (Photo by Alexander Kazakov/Sputnik)", True),
        ("Trump told Reuters the talks would go on.", False),
        ("The AFP news agency reported that the talks had ended.", False),
        ("Images of the summit were shown on Russian television.", False),
    ],
)
def test_a_line_with_a_photo_credit_is_a_caption(line, caption):
    assert is_photo_caption(line) == caption


def test_caption_lines_of_the_shipped_corpus_are_never_evidence(api_engine):
    """The shipped BBC article's captions ("... via Getty Images") were chosen as evidence for
    the Vatican funeral and Putin's golden chair; its other sentences still are."""
    chain = chain_for(api_engine)
    question = "Where did Zelensky meet Trump during the funeral of Pope Francis?"
    vector, passages = chain.retrieve(question)
    assert any("Getty" in p.text for p in passages), "the caption's passage is retrieved"
    evidence = chain.gather(question, vector, passages)
    assert evidence and not [e.text for e in evidence if "Getty" in e.text or "AFP" in e.text]
