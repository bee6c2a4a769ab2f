"""A minimal llama-index LLM for any OpenAI-compatible chat server (here: the local llama.cpp one).

`llama-index-llms-openai-like` is not installed, so this is the few lines it would give us: chat
completions through the `openai` client, temperature 0, no retries, nothing streamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from openai import OpenAI
from pydantic import PrivateAttr


class OpenAILikeLLM(CustomLLM):
    """Chat completions from an OpenAI-compatible endpoint, as a llama-index LLM."""

    model: str
    base_url: str
    api_key: str = "not-needed"
    max_tokens: int = 256
    context_window: int = 4096
    timeout: float = 300.0
    _client: Any = PrivateAttr()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client = OpenAI(
            base_url=self.base_url,
            api_key=self.api_key,
            max_retries=0,
            timeout=self.timeout,
        )

    @classmethod
    def class_name(cls) -> str:
        return "OpenAILikeLLM"

    @property
    def metadata(self) -> LLMMetadata:
        """Context window and output budget, so llama-index packs prompts to fit."""
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=self.model,
        )

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """One chat completion (the server applies the model's chat template)."""
        response = self._client.chat.completions.create(
            model=self.model,
            messages=[{"role": m.role.value, "content": m.content or ""} for m in messages],
            temperature=0,
            max_tokens=self.max_tokens,
        )
        text = response.choices[0].message.content or ""
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """A prompt sent as one user message."""
        reply = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)])
        return CompletionResponse(text=reply.message.content or "")

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Not streamed: the whole completion as one delta."""
        text = self.complete(prompt, formatted=formatted).text
        yield CompletionResponse(text=text, delta=text)
