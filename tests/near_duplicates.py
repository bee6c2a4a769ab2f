"""Near-duplicate variants of an article, as wire copies and republished pages differ from it."""

from __future__ import annotations

import re
from collections.abc import Callable


def new_headline(text: str) -> str:
    """Another outlet's headline, byline and page furniture around the same body."""
    return (
        "Russia sure of itself after a fortnight of talks\nBy Staff and agencies\n\n"
        + text
        + "\n\nRead more: related stories from our desk.\nShare this article"
    )


def edited_sentences(text: str) -> str:
    """A copy editor's pass: one word changed in every sentence, a tag added to every eighth."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return " ".join(
        s.replace(" the ", " a ", 1) + (" officials said." if i % 8 == 0 else "")
        for i, s in enumerate(sentences)
    )


def trimmed(text: str) -> str:
    """Every fifth paragraph dropped and the last 15% cut, as a shorter wire version."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    kept = [p for i, p in enumerate(paragraphs) if i % 5 != 3]
    return "\n\n".join(kept[: max(1, int(len(kept) * 0.85))])


def respelled(text: str) -> str:
    """House style: other spellings of the names throughout."""
    for old, new in (("Zelensky", "Zelenskyy"), ("Zelinski", "Zelenskyy"), ("Kiev", "Kyiv")):
        text = text.replace(old, new)
    return text.replace("Putin", "Vladimir Putin")


def wire_copy(text: str) -> str:
    """All of the above at once: the hardest case the threshold must still group."""
    return respelled(trimmed(new_headline(text)))


VARIANTS: dict[str, Callable[[str], str]] = {
    "new headline": new_headline,
    "edited sentences": edited_sentences,
    "trimmed": trimmed,
    "respelled": respelled,
    "wire copy": wire_copy,
}
