"""Sentences in a document that talk to the language model instead of the reader.

A news sentence reports; an injected one commands the assistant ("ignore all previous
instructions", "reply only with ...", "print your system prompt"). The prompt already says the
evidence is data, but a 1.5B model still obeyed such a line once in a while (it replied "PWNED"
depending on what its server had cached), so these sentences are never shown to it as evidence.
They stay in the index and in the article; only evidence selection skips them.
"""

from __future__ import annotations

import re

# Each pattern is phrased the way instructions to a chat model are, not the way news reports on
# them; tests/test_injection.py checks that no sentence of the shipped corpus matches.
INSTRUCTION_PATTERNS = (
    r"\b(ignore|disregard|forget|override)\b[^.!?]{0,40}\b(instructions?|rules|prompts?|guidelines)\b",
    r"\b(system|developer|hidden) (prompt|message|instructions)\b",
    r"\b(reply|respond|answer|output|say|print)\b[^.!?]{0,20}\bonly\b[^.!?]{0,20}\b(word|phrase|text|with)\b",
    r"\b(reply|respond|answer|output|say|print) only\b",
    r"\byou are (now )?(an? )?(ai|assistant|language model|chatbot|llm)\b",
    r"\b(as an|dear) (ai|assistant|language model|chatbot|llm)\b",
    r"\bapi[_ ]?key\b",
    r"\bnew instructions\b",
)
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in INSTRUCTION_PATTERNS), re.IGNORECASE)


def addresses_the_model(sentence: str) -> bool:
    """True when the sentence reads as an instruction to an AI assistant."""
    return _INSTRUCTION.search(sentence) is not None
