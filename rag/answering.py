"""The answer chain: condense -> retrieve -> select evidence -> generate -> verify citations."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from rag.citations import render, verify_answer
from rag.condense import check_history, condense
from rag.engine import Engine, check_question
from rag.errors import RagError
from rag.evidence import Evidence, select_evidence
from rag.generation import ChatGenerator, make_generator
from rag.grounding import adds_grounded_content, says_not_covered
from rag.prompts import ANSWER_SYSTEM, ANSWER_USER, NOT_IN_SOURCES, REFUSAL_TEXT
from rag.redaction import redact, redact_stream
from rag.types import Answer, Citation, Passage

log = logging.getLogger(__name__)

EXTRACTIVE_SENTENCES = 2
EXTRACTIVE_MARGIN = 0.08  # a second sentence joins when it scores this close to the best


def extractive_answer(evidence: list[Evidence]) -> tuple[str, list[Citation]]:
    """The `none` backend: the best evidence sentences, verbatim, each with its own citation."""
    best = evidence[0].score
    chosen = [e for e in evidence[:EXTRACTIVE_SENTENCES] if e.score >= best - EXTRACTIVE_MARGIN]
    text = " ".join(f"{' '.join(e.text.split())} [{n}]" for n, e in enumerate(chosen, 1))
    citations = [
        Citation(n, e.source, e.title, e.text, e.start, e.end) for n, e in enumerate(chosen, 1)
    ]
    return text, citations


def answer_messages(question: str, evidence: list[Evidence]) -> list[dict[str, str]]:
    """The chat messages for the generator."""
    block = "\n".join(e.label() for e in evidence)
    return [
        {"role": "system", "content": ANSWER_SYSTEM},
        {"role": "user", "content": ANSWER_USER.format(evidence=block, question=question)},
    ]


class AnswerChain:
    """Answers questions over one Engine's index with the configured generator."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = engine.settings
        self._generator: ChatGenerator | None = None
        self._generator_error: str | None = None
        self._generator_ready = False

    def generator(self) -> ChatGenerator | None:
        """The generator, started once; None for `none` or when it could not start."""
        if not self._generator_ready:
            try:
                self._generator = make_generator(self.settings)
            except RagError as exc:
                log.warning("LLM backend unavailable (%s); answering extractively.", exc)
                self._generator_error = str(exc)
            self._generator_ready = True
        return self._generator

    def _refusal(self, passages: list[Passage], backend: str, timings: dict[str, float]) -> Answer:
        return Answer(REFUSAL_TEXT, [], True, timings, backend, passages)

    def stream(self, question: str, history: Any = None) -> Iterator[str | Answer]:
        """Text deltas while generating, then the final verified Answer."""
        started = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        turns = check_history(history)
        timings: dict[str, float] = {}
        generator = self.generator()
        if time.perf_counter() - started > 0.05:  # the local server started for this question
            timings["llm_start"] = time.perf_counter() - started
        backend = generator.name if generator else "none"
        if generator is None and self._generator_error:
            backend = f"none (fallback: {self._generator_error})"

        t = time.perf_counter()
        standalone = condense(question, turns, generator)
        timings["condense"] = time.perf_counter() - t
        t = time.perf_counter()
        query_vector = self.engine.embed_model.embed([standalone])[0]
        passages = self.engine.retriever.retrieve(standalone, self.settings.top_k, query_vector)
        evidence = select_evidence(
            standalone,
            query_vector,
            self.engine.sentences,
            passages,
            self.settings.evidence_sentences,
            self.settings.evidence_window,
        )
        timings["retrieve"] = time.perf_counter() - t
        if not evidence or evidence[0].score < self.settings.relevance_min:
            timings["generate"] = 0.0
            timings["total"] = time.perf_counter() - started
            yield self._refusal(passages, backend, timings)
            return

        t = time.perf_counter()
        raw = ""
        if generator is not None:
            try:
                deltas = generator.stream(answer_messages(standalone, evidence))
                for delta in redact_stream(deltas):  # a key echoed back never reaches the user
                    if not raw:
                        timings["first_token"] = time.perf_counter() - started
                    raw += delta
                    yield delta
            except RagError as exc:
                log.warning("%s; answering extractively.", redact(str(exc)))
                backend = f"none (fallback: {redact(str(exc))})"
                raw = ""
            if not raw.strip() and not backend.startswith("none"):
                backend = f"none (fallback: {generator.name} LLM returned an empty reply)"
        if not raw.strip() or backend.startswith("none"):
            text, citations = extractive_answer(evidence)
            yield ("\n\n" if raw else "") + text
        elif NOT_IN_SOURCES.lower() in raw.lower():
            citations = []
        else:
            text, citations, checked = verify_answer(raw, evidence, self.engine.embed_model.embed)
            kept = [s for s in checked if not says_not_covered(s.text)]
            if len(kept) < len(checked):  # "... is not specified in the evidence": no claim
                text, citations = render(kept, evidence)
            if not adds_grounded_content(standalone, kept, evidence):
                citations = []  # the answer only restates the question: refuse
        timings["generate"] = time.perf_counter() - t
        timings["total"] = time.perf_counter() - started
        if not citations:
            yield self._refusal(passages, backend, timings)
            return
        yield Answer(text, citations, False, timings, backend, passages)

    def ask(self, question: str, history: Any = None) -> Answer:
        """The final Answer (see rag.ask)."""
        for item in self.stream(question, history):
            if isinstance(item, Answer):
                return item
        raise RagError("The answer chain ended without an answer.")  # unreachable by design
