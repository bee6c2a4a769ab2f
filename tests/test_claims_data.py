"""The hand-written claim/quote pairs for the entailment judge (evals/claims.jsonl).

Stdlib only: these tests check the data file itself, not the judge.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "evals" / "claims.jsonl"
CORPUS = ROOT / "corpus"

FIELDS = {"id", "source", "start", "end", "quote", "claim", "label", "kind", "split", "note"}
SUPPORTED_KINDS = {"paraphrase", "verbatim", "partial", "combined"}
FAILURE_KINDS = {
    "wrong-role",
    "wrong-number",
    "date-moved",
    "wrong-speaker",
    "negation",
    "not-happened",
    "added-person",
    "question-fact",
    "speculation",
    "wrong-article",
    "unrelated",
}
LABELS = {"supported", "unsupported"}
SPLITS = {"fit", "test"}


def _rows() -> list[dict]:
    with CLAIMS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


ROWS = _rows()


def _unsupported_share(rows: list[dict]) -> float:
    return sum(r["label"] == "unsupported" for r in rows) / len(rows)


def test_at_least_120_pairs() -> None:
    assert len(ROWS) >= 120


def test_fields_are_exactly_the_schema() -> None:
    for row in ROWS:
        assert set(row) == FIELDS, row.get("id")
        assert isinstance(row["start"], int) and isinstance(row["end"], int), row["id"]
        assert row["claim"].strip() and row["note"].strip(), row["id"]


def test_ids_are_unique() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_quote_is_verbatim_at_its_offsets(row: dict) -> None:
    text = (CORPUS / row["source"]).read_text(encoding="utf-8")
    assert 0 <= row["start"] < row["end"] <= len(text)
    assert text[row["start"] : row["end"]] == row["quote"]
    # A quote is whole sentences of one paragraph, never a stretch across lines.
    assert "\n" not in row["quote"]
    assert row["quote"] == row["quote"].strip()


def test_labels_kinds_and_splits_are_known_and_consistent() -> None:
    for row in ROWS:
        assert row["label"] in LABELS, row["id"]
        assert row["split"] in SPLITS, row["id"]
        assert row["kind"] in SUPPORTED_KINDS | FAILURE_KINDS, row["id"]
        expected = "supported" if row["kind"] in SUPPORTED_KINDS else "unsupported"
        assert row["label"] == expected, row["id"]


def test_about_half_unsupported_overall_and_in_each_split() -> None:
    assert 0.4 <= _unsupported_share(ROWS) <= 0.6
    for split in SPLITS:
        rows = [r for r in ROWS if r["split"] == split]
        assert rows, split
        assert 0.4 <= _unsupported_share(rows) <= 0.6, split


def test_every_failure_kind_appears_at_least_three_times() -> None:
    counts = Counter(r["kind"] for r in ROWS)
    assert {k: counts[k] for k in FAILURE_KINDS if counts[k] < 3} == {}


def test_every_label_is_in_both_splits() -> None:
    pairs = {(r["label"], r["split"]) for r in ROWS}
    assert pairs == {(label, split) for label in LABELS for split in SPLITS}


def test_every_article_is_used() -> None:
    articles = {p.name for p in CORPUS.glob("*.txt")}
    assert {r["source"] for r in ROWS} == articles


def test_verbatim_claims_copy_a_sentence_of_their_quote() -> None:
    for row in ROWS:
        if row["kind"] == "verbatim":
            assert row["claim"] in row["quote"], row["id"]
