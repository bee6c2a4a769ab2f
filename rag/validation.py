"""The invariants every Answer keeps (DESIGN.md, "Public API"), checked in one place.

Tests, benches and evals call `validate_answer`; an empty list means the answer is sound.
"""

from __future__ import annotations

from collections.abc import Callable

from rag.claims import markers_in
from rag.types import Answer


def validate_answer(answer: Answer, article_text: Callable[[str], str]) -> list[str]:
    """What is wrong with `answer`, one sentence per problem; [] when every invariant holds.

    Args:
        answer: the answer to check.
        article_text: the article text offsets point into, by source (rag.article_text).
    Returns:
        Problems: a quote that is not the article's text at its offsets, a marker without
        exactly one citation, a citation not used in the text, markers not numbered 1..k in
        order of first use, a support outside 0..1, or a refusal that cites something.
    """
    problems: list[str] = []
    used = list(dict.fromkeys(markers_in(answer.text)))
    numbers = [c.marker for c in answer.citations]
    if answer.refused and answer.citations:
        problems.append(f"a refused answer has {len(answer.citations)} citation(s)")
    if len(numbers) != len(set(numbers)):
        problems.append(f"citation markers repeat: {numbers}")
    for n in sorted(set(used) - set(numbers)):
        problems.append(f"marker [{n}] in the text has no citation")
    for n in sorted(set(numbers) - set(used)):
        problems.append(f"citation {n} is not used in the text")
    if used != list(range(1, len(used) + 1)):
        problems.append(f"markers are not numbered 1..k by first use: {used}")
    for c in answer.citations:
        try:
            text = article_text(c.source)
        except (OSError, KeyError, ValueError) as exc:
            problems.append(f"citation {c.marker}: no article text for {c.source!r} ({exc})")
            continue
        if text[c.start : c.end] != c.quote:
            problems.append(
                f"citation {c.marker}: {c.source}[{c.start}:{c.end}] is "
                f"{text[c.start : c.end][:60]!r}, not the quote {c.quote[:60]!r}"
            )
        if c.support is not None and not 0.0 <= c.support <= 1.0:
            problems.append(f"citation {c.marker}: support {c.support} is outside 0..1")
    return problems
