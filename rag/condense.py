"""Follow-up questions: turn (history, question) into one standalone query for retrieval."""

from __future__ import annotations

import logging

from rag.errors import QuestionError, RagError
from rag.generation import ChatGenerator
from rag.prompts import CONDENSE_SYSTEM, CONDENSE_USER

log = logging.getLogger(__name__)

HISTORY_TURNS = 4  # messages of history the condenser sees


def check_history(history: object) -> list[dict[str, str]]:
    """The history as a clean list of {"role", "content"}, or QuestionError saying what is wrong."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise QuestionError("history must be a list of {'role', 'content'} messages.")
    clean = []
    for n, message in enumerate(history):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise QuestionError(
                f"history[{n}] must be a dict with role 'user' or 'assistant' and a content string."
            )
        content = message.get("content")
        if isinstance(content, str) and content.strip():
            content = content.encode("utf-8", "replace").decode("utf-8")  # as check_question
            clean.append({"role": message["role"], "content": content.strip()})
    return clean


def heuristic_standalone(question: str, history: list[dict[str, str]]) -> str:
    """Without an LLM: the last user question, then the follow-up (keeps the topic's keywords)."""
    previous = [m["content"] for m in history if m["role"] == "user"]
    return f"{previous[-1]} {question}" if previous else question


def condense(question: str, history: list[dict[str, str]], generator: ChatGenerator | None) -> str:
    """A standalone version of `question` given the chat history."""
    if not history:
        return question
    if generator is None:
        return heuristic_standalone(question, history)
    transcript = "\n".join(
        f"{m['role']}: {' '.join(m['content'].split())[:600]}" for m in history[-HISTORY_TURNS:]
    )
    messages = [
        {"role": "system", "content": CONDENSE_SYSTEM},
        {"role": "user", "content": CONDENSE_USER.format(history=transcript, question=question)},
    ]
    try:
        rewritten = " ".join(generator.complete(messages, max_tokens=60).split()).strip('"')
    except RagError as exc:
        log.warning("Condensing the follow-up failed (%s); using the heuristic.", exc)
        return heuristic_standalone(question, history)
    if not rewritten or len(rewritten) > 400:
        return heuristic_standalone(question, history)
    # The rewrite drives retrieval; the raw follow-up keeps its own keywords in play too.
    return f"{rewritten} {question}" if question.lower() not in rewritten.lower() else rewritten
