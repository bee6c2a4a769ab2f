"""Generators: chat completions streamed through the `openai` client (OpenAI, any compatible
server, or the embedded llama.cpp server)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

import httpx
from openai import OpenAI, OpenAIError

from rag.config import Settings, reveal
from rag.errors import RagError
from rag.local_llm import MODEL_ALIAS, LocalServer, local_server
from rag.redaction import redact

log = logging.getLogger(__name__)


class GenerationError(RagError):
    """The language model could not be reached or failed mid-answer."""


def _read_chunk(chunk: object) -> tuple[str, bool]:
    """(text, finished) of one streamed chunk; ("", False) for a malformed one (the openai
    client does not validate chunks, so any field may be missing or null)."""
    choices = getattr(chunk, "choices", None)
    choice = choices[0] if isinstance(choices, list) and choices else None
    content = getattr(getattr(choice, "delta", None), "content", None)
    return (content if isinstance(content, str) else ""), bool(
        getattr(choice, "finish_reason", None)
    )


@runtime_checkable
class Generator(Protocol):
    """What the answer chain needs of a language model (ChatGenerator; fakes in tests)."""

    name: str

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        """Text deltas of the reply; GenerationError when the model fails."""
        ...

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        """The whole reply."""
        ...

    def yes_probability(self, messages: list[dict[str, str]]) -> float | None:
        """P(yes) of a one-token yes/no reply from its logprobs; None without logprobs."""
        ...


def _first_token_top(response: object) -> list[tuple[str, float]]:
    """(token, logprob) candidates of the first generated token, [] when absent."""
    choices = getattr(response, "choices", None) or []
    logprobs = getattr(choices[0], "logprobs", None) if choices else None
    content = getattr(logprobs, "content", None) or []
    if not content:
        return []
    first = content[0]
    top = [(t.token, float(t.logprob)) for t in (getattr(first, "top_logprobs", None) or [])]
    return top or [(first.token, float(first.logprob))]


class ChatGenerator:
    """Streams chat completions from one OpenAI-compatible endpoint."""

    def __init__(
        self,
        name: str,
        model: str,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
        max_tokens: int,
        server: LocalServer | None = None,
        judge: ChatGenerator | None = None,
    ) -> None:
        self.name = name
        self.server = server
        self.judge = judge  # where yes_probability goes, when not to this endpoint
        self.model = model
        self.max_tokens = max_tokens
        self.client = OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            max_retries=0,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        )

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int | None = None
    ) -> Iterator[str]:
        """Text deltas of the reply; GenerationError when the server fails at any point: no
        answer, an error, a reply that is not the streaming format, or a stream that ends
        before its finish reason (cut off)."""
        finished = False
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                stream=True,
                temperature=0,
                max_tokens=max_tokens or self.max_tokens,
            )
            for chunk in response:
                text, done = _read_chunk(chunk)
                finished = finished or done
                if text:
                    yield text
        except (OpenAIError, httpx.HTTPError, ValueError) as exc:  # ValueError: not JSON
            crash = self.server.crash_note(wait=2.0) if self.server is not None else None
            reason = crash or f"{type(exc).__name__}: {exc}"
            raise GenerationError(redact(f"{self.name} LLM failed: {reason}")) from exc
        if not finished:
            raise GenerationError(
                f"{self.name} LLM stream ended before the reply was finished (no finish_reason); "
                "the server closed it early or does not speak the OpenAI streaming format."
            )

    def complete(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> str:
        """The whole reply as one string."""
        return "".join(self.stream(messages, max_tokens))

    def yes_probability(self, messages: list[dict[str, str]]) -> float | None:
        """P(yes) / (P(yes) + P(no)) of the first reply token (temperature 0, one token), read
        from `top_logprobs` (llama.cpp's server and OpenAI both return them); None when the
        server gives no logprobs. GenerationError when the server fails."""
        from rag.judge import yes_share

        if self.judge is not None:
            return self.judge.yes_probability(messages)
        try:
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                temperature=0,
                max_tokens=1,
                logprobs=True,
                top_logprobs=10,
            )
        except (OpenAIError, httpx.HTTPError, ValueError) as exc:
            crash = self.server.crash_note(wait=2.0) if self.server is not None else None
            reason = crash or f"{type(exc).__name__}: {exc}"
            raise GenerationError(redact(f"{self.name} LLM failed: {reason}")) from exc
        return yes_share(_first_token_top(response))


def make_generator(settings: Settings) -> ChatGenerator | None:
    """The configured generator; None for the `none` backend. Starting the local server may
    raise LocalLLMError (the caller falls back to the extractive answer)."""
    backend = settings.llm_backend
    if backend == "none":
        return None
    if backend == "openai":
        return ChatGenerator(
            "openai",
            settings.llm_model,
            settings.openai_base_url,
            reveal(settings.openai_api_key),
            settings.llm_timeout,
            settings.llm_max_tokens,
        )
    server = local_server(settings)
    judge = None
    if settings.judge.enabled:  # the judge's own server: the only one returning logprobs
        judging = local_server(settings, judge=True)
        judge = ChatGenerator(
            "local", MODEL_ALIAS, judging.base_url, None, settings.llm_timeout, 1, judging
        )
    return ChatGenerator(
        "local",
        MODEL_ALIAS,
        server.base_url,
        None,
        settings.llm_timeout,
        settings.llm_max_tokens,
        server=server,
        judge=judge,
    )
