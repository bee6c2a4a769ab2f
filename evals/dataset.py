"""The hand-written Q&A pairs in evals/qa.jsonl."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

QA_PATH = Path(__file__).parent / "qa.jsonl"
TYPES = (
    "single-fact",
    "paraphrased",
    "multi-article",
    "quote",
    "number-date",
    "unanswerable",
    "multi-turn",
)


@dataclass(frozen=True)
class QAItem:
    """One question with its reference answer, key facts (each a list of accepted variants),
    gold source articles, type, difficulty and, for follow-ups, the chat history before it."""

    id: str
    question: str
    answer: str
    key_facts: list[list[str]]
    sources: list[str]
    type: str
    difficulty: str
    history: list[dict[str, str]] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        """False for items whose right answer is a refusal."""
        return self.type != "unanswerable"


def load_items(path: Path = QA_PATH) -> list[QAItem]:
    """All items of a Q&A file, in file order."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            items.append(QAItem(**{k: data[k] for k in QAItem.__dataclass_fields__ if k in data}))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: not a valid Q&A item ({exc}).") from exc
    return items
