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


def stratified(items: list[QAItem], per_type: int) -> list[QAItem]:
    """`per_type` items of each type, evenly spaced through the file (so they span the articles),
    in file order. Deterministic: the same subset every run."""
    chosen: set[str] = set()
    for kind in dict.fromkeys(i.type for i in items):
        group = [i for i in items if i.type == kind]
        step = len(group) / min(per_type, len(group)) if group else 1
        chosen |= {group[int(n * step)].id for n in range(min(per_type, len(group)))}
    return [i for i in items if i.id in chosen]


def select_items(
    items: list[QAItem],
    ids: list[str] | None = None,
    types: list[str] | None = None,
    per_type: int | None = None,
    limit: int | None = None,
) -> list[QAItem]:
    """The items to run: by id, by type, a stratified sample, then the first `limit`.

    Raises ValueError naming any unknown id or type.
    """
    if ids:
        unknown = sorted(set(ids) - {i.id for i in items})
        if unknown:
            raise ValueError(f"Unknown question id(s): {', '.join(unknown)}.")
        items = [i for i in items if i.id in set(ids)]
    if types:
        unknown = sorted(set(types) - set(TYPES))
        if unknown:
            raise ValueError(f"Unknown type(s) {', '.join(unknown)}; known: {', '.join(TYPES)}.")
        items = [i for i in items if i.type in set(types)]
    if per_type:
        items = stratified(items, per_type)
    return items[:limit] if limit else items
