"""The model's drafts of an eval run: recorded with every answer, replayed to re-measure the steps
after generation without generating again.

Generation is temperature 0, so the model writes the same draft for the same prompt; what the
chain does with a draft (verify markers, judge each claim, re-cite, refuse) is what most changes
to issue 10's answer path touch. `rag eval --replay REPORT` answers every question with the
drafts REPORT recorded (its condensed questions too) and runs everything else for real,
judge calls included, so such a change is measured over the whole Q&A set in judge time only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.generation import Generator


class DraftRecorder:
    """A Generator that passes every call to `model` and keeps what one question's `complete`
    (condensing) and `stream` (the answer) calls returned, in order."""

    def __init__(self, model: Generator) -> None:
        self.model = model
        self.name = model.name
        self.calls: dict[str, list[str]] = {"complete": [], "stream": []}

    def start(self, item_id: str = "") -> None:
        """Begin the question `item_id`: forget the previous question's drafts."""
        self.calls = {"complete": [], "stream": []}

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        self.calls["stream"].append("")
        for delta in self.model.stream(messages, max_tokens):
            self.calls["stream"][-1] += delta
            yield delta

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        reply = self.model.complete(messages, max_tokens)
        self.calls["complete"].append(reply)
        return reply

    def yes_probability(self, messages: list[dict[str, str]]) -> float | None:
        return self.model.yes_probability(messages)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


class DraftReplayer(DraftRecorder):
    """A Generator that answers `stream` and `complete` calls with the drafts recorded for the
    current question (see `start`), and passes the rest (the judge) to `model`. A question
    without a recorded draft, or one that asks for more calls than were recorded, is generated
    live (counted in `live`)."""

    def __init__(self, model: Generator, drafts: dict[str, dict[str, list[str]]]) -> None:
        super().__init__(model)
        self.drafts = drafts
        self.pending: dict[str, list[str]] = {"complete": [], "stream": []}
        self.live = 0

    def start(self, item_id: str = "") -> None:
        super().start(item_id)
        saved = self.drafts.get(item_id, {})
        self.pending = {kind: list(saved.get(kind, [])) for kind in ("complete", "stream")}

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        if not self.pending["stream"]:
            self.live += 1
            yield from super().stream(messages, max_tokens)
            return
        draft = self.pending["stream"].pop(0)
        self.calls["stream"].append(draft)
        if draft:
            yield draft

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        if not self.pending["complete"]:
            self.live += 1
            return super().complete(messages, max_tokens)
        reply = self.pending["complete"].pop(0)
        self.calls["complete"].append(reply)
        return reply


def load_drafts(report: Path) -> dict[str, dict[str, list[str]]]:
    """question id -> its recorded calls, from a report folder's results.json (rows without
    drafts, from older reports, are left out)."""
    path = report / "results.json" if report.is_dir() else report
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass a report folder of `rag eval`.")
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    drafts = {r["id"]: r["drafts"] for r in rows if isinstance(r.get("drafts"), dict)}
    if not drafts:
        raise ValueError(
            f"{path} holds no drafts (reports before drafts were recorded): run `rag eval` "
            "with an LLM backend once to record them."
        )
    return drafts
