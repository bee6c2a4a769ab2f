"""The answer path of DESIGN.md, one named step per method:

check question -> condense -> retrieve -> gather evidence -> generate -> verify markers and
similarity -> judge each claim against its quote -> Answer.

Each step is callable alone (tests and benches use them); `stream` runs them in order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from rag.citations import CheckedSentence, check_sentences, normalize_markers, render, split_answer
from rag.citations import support_matrix as similarity_matrix
from rag.condense import check_history, condense
from rag.engine import Engine, check_question
from rag.errors import RagError
from rag.evidence import Evidence, evidence_block, gather_evidence
from rag.generation import Generator, make_generator
from rag.grounding import adds_grounded_content, says_not_covered
from rag.judge import ClaimJudge
from rag.prompts import ANSWER_SYSTEM, ANSWER_USER, NOT_IN_SOURCES, REFUSAL_TEXT
from rag.redaction import redact, redact_stream
from rag.support import SupportEnforcer
from rag.types import Answer, Citation, Passage

log = logging.getLogger(__name__)

_UNSET: Any = object()


def extractive_answer(
    evidence: list[Evidence], sentences: int, margin: float
) -> tuple[str, list[Citation]]:
    """The `none` backend: up to `sentences` best-scored evidence sentences, those within
    `margin` of the best, verbatim, each cited."""
    ranked = sorted(evidence, key=lambda e: -e.score)
    best = ranked[0].score
    chosen = [e for e in ranked[:sentences] if e.score >= best - margin]
    text = " ".join(f"{' '.join(e.text.split())} [{n}]" for n, e in enumerate(chosen, 1))
    citations = [
        Citation(n, e.source, e.title, e.text, e.start, e.end, outlet=e.outlet, date=e.date)
        for n, e in enumerate(chosen, 1)
    ]
    return text, citations


def answer_messages(question: str, evidence: list[Evidence]) -> list[dict[str, str]]:
    """The chat messages for the generator: the fixed system prompt first (llama.cpp reuses
    its cached prefix), then the evidence grouped by article, then the question."""
    return [
        {"role": "system", "content": ANSWER_SYSTEM},
        {
            "role": "user",
            "content": ANSWER_USER.format(evidence=evidence_block(evidence), question=question),
        },
    ]


def as_passages(evidence: list[Evidence]) -> list[Passage]:
    """The evidence shown, as Passages (for Answer.evidence and the evals)."""
    return [
        Passage(e.source, e.title, e.text, e.score, e.start, e.end, outlet=e.outlet, date=e.date)
        for e in evidence
    ]


class AnswerChain:
    """Answers questions over one Engine's index with one generator.

    Args:
        engine: the index and retrieval resources.
        generator: the language model; unset: the configured one, started on first use (None
            means the extractive `none` backend).
    """

    def __init__(self, engine: Engine, generator: Generator | None = _UNSET) -> None:
        self.engine = engine
        self.settings = engine.settings
        self._generator: Generator | None = None if generator is _UNSET else generator
        self._generator_ready = generator is not _UNSET
        self.generator_error: str | None = None

    def generator(self) -> Generator | None:
        """The generator, started once; None for `none` or when it could not start."""
        if not self._generator_ready:
            try:
                self._generator = make_generator(self.settings)
            except RagError as exc:
                log.warning("LLM backend unavailable (%s); answering extractively.", exc)
                self.generator_error = str(exc)
            self._generator_ready = True
        return self._generator

    def backend_name(self, generator: Generator | None) -> str:
        """What Answer.backend says: the generator's name, or `none` (with why, on fallback)."""
        if generator is not None:
            return generator.name
        return f"none (fallback: {self.generator_error})" if self.generator_error else "none"

    # --- the steps -------------------------------------------------------------------------

    def condense(self, question: str, history: Any, generator: Generator | None) -> str:
        """The standalone question for retrieval (the question itself without history)."""
        return condense(question, check_history(history), generator)

    def retrieve(self, query: str) -> tuple[np.ndarray, list[Passage]]:
        """The query's vector and its top-k passages."""
        vector = self.engine.embed_model.embed([query])[0]
        return vector, self.engine.retriever.retrieve(query, self.settings.top_k, vector)

    def gather(self, query: str, vector: np.ndarray, passages: list[Passage]) -> list[Evidence]:
        """What the generator is shown (rag/evidence.py)."""
        return gather_evidence(
            query, vector, self.engine.sentences, passages, self.settings.evidence
        )

    def verify(self, raw: str, evidence: list[Evidence]) -> tuple[list[CheckedSentence], Any]:
        """Markers normalized, claims split, citations kept or moved by similarity; also the
        claim x evidence similarity matrix the judge step re-cites by."""
        cfg = self.settings.judge
        parts = split_answer(normalize_markers(raw), len(evidence), cfg.min_fact_words)
        embed = self.engine.embed_model.embed
        checked = check_sentences(parts, evidence, embed, cfg.similarity_min, cfg.min_fact_words)
        checked = [s for s in checked if not says_not_covered(s.text)]
        return checked, similarity_matrix([s.text for s in checked], evidence, embed)

    def judge(
        self,
        checked: list[CheckedSentence],
        similarity: np.ndarray,
        evidence: list[Evidence],
        generator: Generator,
    ) -> list[CheckedSentence]:
        """Every claim judged against its quote: kept, re-cited, replaced or dropped."""
        cfg = self.settings.judge
        if not cfg.enabled:
            return [s for s in checked if s.markers or not s.factual]
        enforcer = SupportEnforcer(ClaimJudge(generator, cfg.threshold), cfg)
        return enforcer.answer(checked, similarity, evidence)

    # --- the whole path --------------------------------------------------------------------

    def stream(self, question: str, history: Any = None) -> Iterator[str | Answer]:
        """Text deltas while generating, then the final verified Answer."""
        started = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        timings: dict[str, float] = {}
        generator = self.generator()
        if time.perf_counter() - started > 0.05:  # the local server started for this question
            timings["llm_start"] = time.perf_counter() - started
        backend = self.backend_name(generator)

        t = time.perf_counter()
        query = self.condense(question, history, generator)
        timings["condense"] = time.perf_counter() - t
        t = time.perf_counter()
        vector, passages = self.retrieve(query)
        timings["retrieve"] = time.perf_counter() - t
        t = time.perf_counter()
        evidence = self.gather(query, vector, passages)
        timings["evidence"] = time.perf_counter() - t

        def finish(text: str, citations: list[Citation]) -> Answer:
            timings["total"] = time.perf_counter() - started
            if not citations:
                return Answer(
                    REFUSAL_TEXT, [], True, timings, backend, passages, query, as_passages(evidence)
                )
            return Answer(
                text, citations, False, timings, backend, passages, query, as_passages(evidence)
            )

        best = max((e.score for e in evidence), default=None)
        if best is None or best < self.settings.relevance_min:
            yield finish("", [])
            return

        t = time.perf_counter()
        raw = ""
        if generator is not None:
            try:
                deltas = generator.stream(answer_messages(query, evidence))
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
        timings["generate"] = time.perf_counter() - t
        if generator is None or backend.startswith("none"):
            cfg = self.settings.evidence
            text, citations = extractive_answer(
                evidence, cfg.extractive_sentences, cfg.extractive_margin
            )
            yield ("\n\n" if raw else "") + text
            yield finish(text, citations)
            return
        if NOT_IN_SOURCES.lower() in raw.lower():
            yield finish("", [])
            return
        t = time.perf_counter()
        checked, similarity = self.verify(raw, evidence)
        timings["verify"] = time.perf_counter() - t
        t = time.perf_counter()
        checked = self.judge(checked, similarity, evidence, generator)
        timings["judge"] = time.perf_counter() - t
        text, citations = render(checked, evidence)
        if not adds_grounded_content(query, checked, evidence):
            citations = []  # the answer only restates the question: refuse
        yield finish(text, citations)

    def ask(self, question: str, history: Any = None) -> Answer:
        """The final Answer (see rag.ask)."""
        for item in self.stream(question, history):
            if isinstance(item, Answer):
                return item
        raise RagError("The answer chain ended without an answer.")  # unreachable by design
