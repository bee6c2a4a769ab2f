"""What a question must be before anything is retrieved for it: text, not empty, not too long."""

from __future__ import annotations

from rag.errors import QuestionError


def check_question(question: object, max_chars: int) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, not {type(question).__name__}.")
    # Lone surrogates (undecodable bytes in argv, \ud800 escapes in JSON) cannot be encoded for
    # the tokenizer or a server: they are read as "?".
    text = question.encode("utf-8", "replace").decode("utf-8").strip()
    if not text:
        raise QuestionError("The question is empty: type a question about the news corpus.")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text)} characters long; the limit is {max_chars} "
            "(RAG_MAX_QUESTION_CHARS). Shorten it to the point you want answered."
        )
    return text
