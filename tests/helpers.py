"""Assertions shared by answer tests."""

from __future__ import annotations

import re
from pathlib import Path

import rag


def assert_citations_valid(answer: rag.Answer, corpus: Path) -> None:
    """DESIGN.md's invariant: markers and citations match one to one; quotes are verbatim."""
    used = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    markers = [c.marker for c in answer.citations]
    assert len(markers) == len(set(markers)), answer
    assert set(used) == set(markers), answer
    assert markers == list(range(1, len(markers) + 1)), answer
    for c in answer.citations:
        text = (corpus / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote, c
        assert c.title
    if answer.refused:
        assert answer.citations == []
