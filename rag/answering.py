"""The answer path of DESIGN.md, one named step per method:

check question -> condense -> retrieve -> gather evidence -> generate -> verify markers and
similarity -> judge each claim against its quote -> Answer.

Each step is callable alone (tests and benches use them); `stream` runs them in order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any

import numpy as np

from index.chunking import line_span, split_sentences
from rag.answer_type import gives_what_was_asked, numbers_missing, wrong_side
from rag.citations import (
    CheckedSentence,
    check_sentences,
    normalize_markers,
    pointed_at,
    quoted,
    render,
    split_answer,
    without_repeats,
)
from rag.citations import support_matrix as similarity_matrix
from rag.claims import without_asked_attribution, without_source_frame
from rag.condense import check_history, condense
from rag.corroborate import corroborated, judged
from rag.engine import Engine, check_question
from rag.errors import RagError
from rag.evidence import Evidence, eligible, evidence_block, gather_evidence, sentence_rows
from rag.filters import Filters, check_filters
from rag.generation import Generator, make_generator
from rag.grounding import adds_grounded_content, says_not_covered
from rag.judge import ClaimJudge
from rag.multi_article import each_report, other_reports
from rag.position import position_spot
from rag.premise import premise_contradicted
from rag.prompts import (
    ANSWER_SYSTEM,
    ANSWER_USER,
    NOT_IN_SOURCES,
    REFUSAL_TEXT,
    REFUSAL_UNSTATED,
)
from rag.quoted import Spot, question_quotation, quotation_spots, quoted_answer
from rag.rare_names import rare_token
from rag.redaction import redact, redact_stream
from rag.report_cues import spans_reports
from rag.support import SupportEnforcer
from rag.timewindow import without_window_phrases
from rag.types import Answer, Citation, Passage

log = logging.getLogger(__name__)

_UNSET: Any = object()


def extractive_answer(
    evidence: list[Evidence],
    sentences: int,
    margin: float,
    question: str = "",
    relevance_min: float = 0.0,
) -> tuple[str, list[Citation]]:
    """The `none` backend: up to `sentences` best-scored evidence sentences, those within
    `margin` of the best, verbatim, each cited. For a `question` spanning reports, the best
    sentence of each article instead (rag/multi_article.py)."""
    ranked = sorted(evidence, key=lambda e: -e.score)
    if spans_reports(question):
        chosen = each_report(ranked, sentences, relevance_min)
    else:
        chosen = [e for e in ranked[:sentences] if e.score >= ranked[0].score - margin]
    text = " ".join(f"{' '.join(e.text.split())} [{n}]" for n, e in enumerate(chosen, 1))
    citations = [e.citation(n) for n, e in enumerate(chosen, 1)]
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
    return [e.passage() for e in evidence]


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

    def retrieve(
        self, query: str, filters: Filters | None = None
    ) -> tuple[np.ndarray, list[Passage]]:
        """The query's vector and its top-k passages among the articles `filters` keeps."""
        vector = self.engine.embed_model.embed([query])[0]
        passages = self.engine.retriever.retrieve(
            query, self.settings.top_k, vector, filters=filters
        )
        return vector, passages

    def gather(self, query: str, vector: np.ndarray, passages: list[Passage]) -> list[Evidence]:
        """What the generator is shown (rag/evidence.py)."""
        return gather_evidence(
            query, vector, self.engine.sentences, passages, self.settings.evidence
        )

    def verify(
        self, raw: str, evidence: list[Evidence], question: str = "", *, strict: bool = False
    ) -> tuple[list[CheckedSentence], Any]:
        """Markers normalized (a reply of markers alone reads as the sentences they cite),
        claims split (a leading "The article states that" dropped),
        citations kept or moved by similarity; also the claim x evidence similarity matrix
        the judge step re-cites by. A leading "According to X," or "X said" whose X the question
        names is kept in the text but not in what similarity and the judge read (rag.claims).
        `strict` (a second look): markers alone say nothing, and are no answer."""
        cfg = self.settings.judge
        embed = self.engine.embed_model.embed
        reply = normalize_markers(raw)
        pointing = [] if strict else pointed_at(reply, len(evidence))
        pointed = [quoted(evidence[n - 1], n) for n in pointing]
        if pointed:  # "[3]" alone: the sentences it cites, verbatim (a quote states itself)
            return pointed, similarity_matrix([s.claim() for s in pointed], evidence, embed)
        parts = split_answer(reply, len(evidence), cfg.min_fact_words)
        shown = [without_source_frame(claim) for claim, _ in parts]
        read = [without_asked_attribution(claim, question) for claim in shown]
        parts = [(claim, numbers) for claim, (_, numbers) in zip(read, parts, strict=True)]
        checked = check_sentences(parts, evidence, embed, cfg.similarity_min, cfg.min_fact_words)
        checked = [
            replace(s, text=text, judged=s.text if s.text != text else "")
            for s, text in zip(checked, shown, strict=True)
        ]
        checked = [s for s in checked if not says_not_covered(s.text)]
        return checked, similarity_matrix([s.claim() for s in checked], evidence, embed)

    def judge(
        self,
        checked: list[CheckedSentence],
        similarity: np.ndarray,
        evidence: list[Evidence],
        generator: Generator,
        question: str = "",
        *,
        strict: bool = False,
    ) -> list[CheckedSentence]:
        """Every claim judged against its quote: kept, re-cited, replaced or dropped.
        `strict` (a second look): a rejected claim is not replaced by the evidence sentence it
        paraphrased (anchoring to the sentence holding an asked-for item still applies)."""
        cfg = self.settings.judge
        if not cfg.enabled:
            return [s for s in checked if s.markers or not s.factual]
        context = self._in_context if cfg.context_sentences or cfg.context_after else None
        embed = self.engine.embed_model.embed
        judge = ClaimJudge(generator, cfg.threshold)
        enforcer = SupportEnforcer(judge, cfg, context, question, embed, replace=not strict)
        return enforcer.answer(checked, similarity, evidence)

    def asked_for(self, run: _Run, text: str, citations: list[Citation]) -> list[Citation]:
        """The citations, or none (an off-question refusal) when the question asks for a number,
        a date or a name and the answer holds none the question did not say, or when it states
        a number that no cited quote's surroundings hold (the numbers of a time window that
        narrowed retrieval are dates of articles, and not checked), or when it asks about one
        side and the answer names only another's (rag/answer_type), or when the cited
        paragraphs contradict the question's premise: its event ahead when it asks about it as
        done, before when it asks what came after, or no name of the thing whose name it asks
        (rag/premise)."""
        stated = without_window_phrases(run.query) if run.note else run.query
        read = cache(self._article)  # each cited article read once for both checks
        if citations and (
            not gives_what_was_asked(run.query, text)
            or numbers_missing(stated, (around(c, read(c.source)) for c in citations))
            or wrong_side(run.query, [text, *(c.quote for c in citations)])
            or premise_contradicted(
                run.query, [cited_paragraph(c, read(c.source)) for c in citations]
            )
        ):
            run.refusal = "off-question"
            return []
        return citations

    def _article(self, source: str) -> str | None:
        """The text `source`'s offsets point into; None when it cannot be read."""
        try:
            return self.engine.article_text(source)
        except RagError:
            return None

    def _in_context(self, evidence: Evidence) -> str:
        """`evidence` with the article's `context_sentences` sentences just before it and its
        `context_after` sentences just after it (who is speaking, whom 'he' means); the
        sentence alone when the article text cannot be read."""
        cfg = self.settings.judge
        try:
            text = self.engine.article_text(evidence.source)
        except RagError:
            return evidence.text
        spans = [s for s in split_sentences(text, 0, evidence.start) if s[1] <= evidence.start]
        before = spans[-cfg.context_sentences :] if cfg.context_sentences else []
        ahead = min(len(text), evidence.end + 2000)
        after = [s for s in split_sentences(text, evidence.end, ahead) if s[0] >= evidence.end]
        chosen = [*before, (evidence.start, evidence.end), *after[: cfg.context_after]]
        return " ".join(" ".join(text[a:b].split()) for a, b in chosen)

    # --- the whole path --------------------------------------------------------------------

    def stream(
        self, question: str, history: Any = None, filters: Any = None
    ) -> Iterator[str | Answer]:
        """Text deltas while generating, then the final verified Answer."""
        run = _Run(time.perf_counter())
        question = check_question(question, self.settings.max_question_chars)
        check_filters(filters)  # a malformed filter is a QuestionError before any work
        generator = self.generator()
        if run.elapsed() > 0.05:  # the local server started for this question
            run.timings["llm_start"] = run.elapsed()
        run.backend = self.backend_name(generator)
        with run.stage("condense"):
            run.query = self.condense(question, history, generator)
        with run.stage("retrieve"):
            narrowed, note = self.engine.apply_time_window(run.query, filters)
            vector, run.passages = self.retrieve(run.query, narrowed)
        run.note = note
        with run.stage("evidence"):
            run.evidence = self.gather(run.query, vector, run.passages)
        best = max((e.relevance for e in run.evidence), default=None)
        if best is None or best < self.settings.relevance_min:
            run.refusal = "off-topic"
            yield run.answer("", [])
            return
        with run.stage("generate"):
            raw = yield from self._generate(generator, run)
        if generator is None or run.backend.startswith("none"):
            text, citations = self._extractive(run)
            spot = self._place(question, run, citations)
            if spot is not None:
                run.evidence = spot.sentences(self.engine.embed_model.embed)
                text, citations = quoted_answer(run.evidence)
            yield ("\n\n" if raw else "") + text
            yield run.answer(text, self.asked_for(run, text, citations))
            return
        text, citations = self._drafted(raw, generator, run)
        spot = self._place(question, run, citations)
        if spot is not None:
            run.refusal = ""
            shown = [spot.evidence(self.engine.embed_model.embed)]
            looked = yield from self._look_again(generator, run, shown)
            text, citations = looked or ("", [])
            if not citations and run.refusal != "not-in-sources":
                run.evidence = spot.sentences(self.engine.embed_model.embed)
                text, citations = quoted_answer(run.evidence)  # the quotation with its speaker
            yield run.answer(text, self.asked_for(run, text, citations))
            return
        looks = self.settings.judge.second_look
        if not citations and looks and run.refusal in SECOND_LOOK_REFUSALS:
            shown = closest_evidence(run.evidence, looks)
            looked = yield from self._look_again(generator, run, shown, strict=True)
            text, citations = looked or (text, citations)
        if (
            not citations
            and not run.strict  # a second look's answer must be the model's own
            and run.refusal in FALLBACK_REFUSALS
            and self.settings.judge.extractive_fallback
        ):
            text, citations = self._extractive(run)
            run.backend += f" (extractive: no claim of the model held, {run.refusal})"
        yield run.answer(text, self.asked_for(run, text, citations))

    def _look_again(
        self, generator: Generator, run: _Run, evidence: list[Evidence], *, strict: bool = False
    ) -> Iterator[str]:
        """Ask the model once more, shown only `evidence`, after a blank line in the stream
        (timed as `second_look` when `strict`, else `quotation_look`); returns the checked
        reply, None when the model wrote nothing."""
        run.evidence = evidence
        run.strict = strict
        yield "\n\n"
        with run.stage("second_look" if strict else "quotation_look"):
            raw = yield from self._generate(generator, run)
        return self._drafted(raw, generator, run) if raw.strip() else None

    def _generate(self, generator: Generator | None, run: _Run) -> Iterator[str]:
        """Stream the generator's reply (redacted); returns the whole reply, "" when there is
        no generator or it failed (run.backend then says the fallback and why)."""
        raw = ""
        if generator is None:
            return raw
        try:
            deltas = generator.stream(answer_messages(run.query, run.evidence))
            for delta in redact_stream(deltas):  # a key echoed back never reaches the user
                if not raw:
                    run.timings.setdefault("first_token", run.elapsed())
                raw += delta
                yield delta
        except RagError as exc:
            log.warning("%s; answering extractively.", redact(str(exc)))
            run.backend = f"none (fallback: {redact(str(exc))})"
            return ""
        if not raw.strip():
            run.backend = f"none (fallback: {generator.name} LLM returned an empty reply)"
        return raw

    def _drafted(self, raw: str, generator: Generator, run: _Run) -> tuple[str, list[Citation]]:
        """The model's reply as a checked answer; no citation (a refusal) when it says
        NOT IN SOURCES."""
        if NOT_IN_SOURCES.lower() in raw.lower():
            run.refusal = "not-in-sources"
            return "", []
        return self._checked(raw, generator, run)

    def _checked(self, raw: str, generator: Generator, run: _Run) -> tuple[str, list[Citation]]:
        """The reply verified by similarity, then every claim judged; no citation (a refusal)
        when nothing is left or the answer only restates the question."""
        with run.stage("verify"):
            checked, similarity = self.verify(raw, run.evidence, run.query, strict=run.strict)
        cited = any(c.markers for c in checked)
        with run.stage("judge"):
            checked = self.judge(
                checked, similarity, run.evidence, generator, run.query, strict=run.strict
            )
        checked = without_repeats(checked)  # a claim said twice is kept once
        embed = self.engine.embed_model.embed
        floor = self.settings.relevance_min
        if not run.strict:  # a second look's answer stands as the model wrote it
            checked += other_reports(run.query, checked, run.evidence, embed, floor)
        text, citations = render(checked, run.evidence)
        if not citations:
            run.refusal = "unsupported" if cited else "uncited"
        elif not adds_grounded_content(run.query, checked, run.evidence):
            run.refusal = "restates-question"
            citations = []
        elif not run.strict and self.settings.judge.enabled and self.settings.judge.corroborate:
            with run.stage("corroborate"):
                more, every = self.corroborate(checked, run, generator)
            if more != checked:
                text, citations = render(more, every)
        return text, citations

    def corroborate(
        self, checked: list[CheckedSentence], run: _Run, generator: Generator
    ) -> tuple[list[CheckedSentence], list[Evidence]]:
        """Each claim that gives a rare name, a date or a large number also cited to another
        retrieved article stating it, when the judge accepts (rag/corroborate.py); and the
        evidence the markers number (the shown evidence, then those sentences). Not after a
        judge that failed on this answer."""
        if not judged(checked):
            return checked, run.evidence
        cfg = self.settings.judge
        judge = ClaimJudge(generator, cfg.threshold)
        try:
            return corroborated(
                run.query,
                checked,
                run.evidence,
                lambda: sentence_rows(self.engine.sentences, run.passages),
                self.engine.embed_model.embed,
                lambda claim, group: (
                    judge.judge(claim, " ".join(self._in_context(e) for e in group)).probability
                ),
                partial(rare_token, self.engine.keyword()),
                partial(eligible, cfg=self.settings.evidence),
                threshold=judge.threshold,
                calls=cfg.corroborate,
            )
        except RagError as exc:  # a dead judge: the answer stands as judged
            log.warning("Citing a second article failed (%s).", redact(str(exc)))
            return checked, run.evidence

    def _place(self, question: str, run: _Run, citations: list[Citation]) -> Spot | None:
        """The place the question quotes, with its speaker, when the answer cites none of it
        beyond the quoted words in any retrieved article that holds them (rag/quoted.py); else
        the closing or opening lines of the best article when the question names them and the
        answer cites none of them (rag/position.py); None otherwise or when turned off. The
        quotation is read from the question as asked (a condensed follow-up also holds the
        question before it), else from the condensed one."""
        cfg = self.settings.judge
        spots: list[Spot] = []
        if cfg.quotation_look:
            asked = question if question_quotation(question) else run.query
            spots = quotation_spots(asked, run.passages, self.engine.article_text)
        if not spots and cfg.position_look:
            place = position_spot(
                run.query, run.passages, self.engine.sentences, self.engine.article_text
            )
            spots = [place] if place is not None else []
        if not spots or any(spot.cited_by(citations) for spot in spots):
            return None
        return spots[0]

    def _extractive(self, run: _Run) -> tuple[str, list[Citation]]:
        """The extractive answer over the run's evidence: its best sentences, verbatim."""
        cfg = self.settings.evidence
        return extractive_answer(
            run.evidence,
            cfg.extractive_sentences,
            cfg.extractive_margin,
            run.query,
            self.settings.relevance_min,
        )

    def ask(self, question: str, history: Any = None, filters: Any = None) -> Answer:
        """The final Answer (see rag.ask)."""
        for item in self.stream(question, history, filters):
            if isinstance(item, Answer):
                return item
        raise RagError("The answer chain ended without an answer.")  # unreachable by design


def around(citation: Citation, text: str | None) -> str:
    """The cited quote with the article `text` `NUMBER_WINDOW` characters either side of it,
    and its article's date (the quote alone when there is no text)."""
    if text is None:
        return citation.quote
    start = max(0, citation.start - NUMBER_WINDOW)
    return f"{citation.date} {text[start : citation.end + NUMBER_WINDOW]}"


def cited_paragraph(citation: Citation, text: str | None) -> str:
    """The paragraph of the article `text` holding the cited quote (the quote alone when there
    is no text, or it no longer holds the quote there)."""
    if text is None or text[citation.start : citation.end] != citation.quote:
        return citation.quote
    start, end = line_span(text, citation.start, citation.end)
    return text[start:end]


def closest_evidence(evidence: list[Evidence], count: int) -> list[Evidence]:
    """The `count` best-scored evidence sentences, in prompt order, numbered from 1: what a
    second look at a refused question shows the model."""
    best = sorted(sorted(evidence, key=lambda e: -e.score)[:count], key=lambda e: e.number)
    return [replace(e, number=n) for n, e in enumerate(best, 1)]


# How far around a cited quote a number the question states may stand (about a paragraph): "the
# April 2024 package" is named a sentence before the quote that gives its unspent sum.
NUMBER_WINDOW = 400

# Refusals after generation that a second look (JudgeSettings.second_look) asks again for: the
# model said NOT IN SOURCES, with the evidence in front of it. A draft that answered and failed
# the judge is not asked again: its second try, from fewer sentences, answered unanswerable
# questions ("more than a dozen civilians" for the deaths in the attacks that made Trump call
# Putin "crazy"; docs/measurements.md).
SECOND_LOOK_REFUSALS = ("not-in-sources",)

# Refusals after generation that the extractive fallback (JudgeSettings.extractive_fallback)
# answers instead: the model wrote nothing citable, or the judge accepted none of it.
FALLBACK_REFUSALS = ("uncited", "unsupported")


@dataclass
class _Run:
    """What one question's run has found so far, and its timings."""

    started: float
    timings: dict[str, float] = field(default_factory=dict)
    backend: str = ""
    query: str = ""
    note: str = ""  # the time window applied, if any
    passages: list[Passage] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    refusal: str = ""  # which step refuses, if the answer ends with no citation
    # A second look: no markers-alone reading, no other report's sentence, no paraphrase
    # replacement (anchoring stays), no extractive fallback.
    strict: bool = False

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a step into timings[name]."""
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = time.perf_counter() - t

    def answer(self, text: str, citations: list[Citation]) -> Answer:
        """The Answer (a refusal when there is no citation); Answer.query says the time window
        that narrowed retrieval, when one did."""
        self.timings["total"] = self.elapsed()
        query = f"{self.query} [{self.note}]" if self.note else self.query
        shown = as_passages(self.evidence)
        if not citations:
            refusal = self.refusal or "uncited"
            text = REFUSAL_TEXT if refusal == "off-topic" else REFUSAL_UNSTATED
        else:
            refusal = ""
        return Answer(
            text, citations, not citations, self.timings, self.backend, self.passages, query,
            shown, refusal,
        )  # fmt: skip
