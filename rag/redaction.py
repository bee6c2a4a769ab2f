"""Keep secrets out of what users see: every secret Settings holds (API key, Chroma token, UI
password), set in the environment, in `.env` or on the Settings an Engine was given, is replaced
wherever a server or a model echoes it back (answer text, streamed deltas, errors, logs)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from pydantic import ValidationError

from rag.config import Settings

REDACTED = "[redacted]"
MIN_SECRET_CHARS = 8  # a shorter value would blank ordinary words

_known: set[str] = set()  # secrets of Settings objects engines were given
_lock = threading.Lock()


def remember(settings: Settings) -> None:
    """Redact `settings`' secrets from now on (they may not be in the environment at all)."""
    with _lock:
        _known.update(settings.secret_values())


def secret_values() -> list[str]:
    """The secrets known now (remembered ones, the environment's and `.env`'s), longest first."""
    try:
        current = Settings().secret_values()
    except ValidationError:  # a malformed setting elsewhere must not stop redaction
        current = []
    with _lock:
        values = _known | set(current)
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
