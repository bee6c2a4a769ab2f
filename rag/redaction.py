"""Keep secrets out of what users see: a key the environment holds is replaced wherever a
server or a model echoes it back (answer text, streamed deltas, error messages, logs)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

REDACTED = "[redacted]"
SECRET_VARIABLES = ("OPENAI_API_KEY", "RAG_CHROMA_TOKEN", "RAG_UI_PASSWORD")
MIN_SECRET_CHARS = 8  # a shorter value would blank ordinary words


def secret_values() -> list[str]:
    """The secrets set in the environment now, longest first."""
    values = {os.environ.get(name, "").strip() for name in SECRET_VARIABLES}
    return sorted((v for v in values if len(v) >= MIN_SECRET_CHARS), key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    """`text` with every secret replaced by [redacted]."""
    for secret in secret_values() if secrets is None else secrets:
        text = text.replace(secret, REDACTED)
    return text


def _held_back(text: str, secrets: list[str]) -> int:
    """How many characters at the end of `text` could be the beginning of a secret."""
    held = 0
    for secret in secrets:
        i = text.find(secret[0], max(0, len(text) - len(secret) + 1))
        while i != -1 and not secret.startswith(text[i:]):
            i = text.find(secret[0], i + 1)
        if i != -1:
            held = max(held, len(text) - i)
    return held


def redact_stream(deltas: Iterable[str]) -> Iterator[str]:
    """`deltas` redacted, even a secret split across deltas: an end that could begin a secret
    is held back until the next delta shows whether it does (everything else flows on)."""
    secrets = secret_values()
    if not secrets:
        yield from deltas
        return
    pending = ""
    for delta in deltas:
        pending = redact(pending + delta, secrets)
        cut = len(pending) - _held_back(pending, secrets)
        if cut > 0:
            yield pending[:cut]
            pending = pending[cut:]
    if pending:
        yield pending
