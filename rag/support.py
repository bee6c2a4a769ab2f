"""Enforce support: every claim of an answer is judged against the quote(s) it cites.

A claim the judge accepts keeps its citations, with the judge's probability as their support. A
rejected claim is re-cited to other evidence the judge accepts, or replaced by the evidence
sentence it paraphrased (verbatim, cited), or dropped. A claim without a citation is dropped too:
nothing uncited and factual stays in an answer. Either kind, when it gives the number, date or
name its question asks for, may instead be replaced by the evidence sentence that holds that
answer (`JudgeSettings.anchored`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from rag.answer_type import (
    asked_items,
    held,
    is_verbatim,
    numbers_of,
    quotations,
    vocab,
)
from rag.citations import CheckedSentence, quoted, support_matrix
from rag.claims import content_words
from rag.config import JudgeSettings
from rag.errors import RagError
from rag.evidence import Evidence
from rag.judge import ClaimJudge

log = logging.getLogger(__name__)

# Where one claim joins two statements that may rest on different sentences ("The New York Times
# reported X, while The Wall Street Journal reported Y"): after a comma followed by a conjunction
# and a new subject, or after a semicolon.
_CLAUSE_BREAK = re.compile(
    r"(?<=\w[,;])\s+(?=(?:while|whereas|and|but)\s+(?:[A-Z]|(?:the|he|she|they|it)\b))"
    r"|(?<=\w;)\s+"
)
_JOINS = re.compile(r"^(?:while|whereas|and|but)\s+|[,;]$", re.IGNORECASE)


def clauses(text: str) -> list[tuple[str, str]]:
    """The statements of a compound claim: (as shown, as judged: without the comma and the
    conjunction that join it to the others); [] when it is one statement."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if p.strip()]
    if len(parts) < 2:
        return []
    return [(p, _JOINS.sub("", p).strip()) for p in parts]


# One subject with two predicates ("Zelenski expressed interest in hosting negotiations and urged
# unity ..."): a judge asked about both at once accepted the pair at 0.65 while the first part
# alone scored 0.28 (issue 10: a claim its quote does not state, riding on one it does). A
# predicate starts with a verb in the past tense: a regular one, or one of these.
_IRREGULAR_PAST = vocab(
    "said made took gave told met sent held left led won lost began spoke wrote saw kept put "
    "set went came became brought thought felt found paid sought fought struck"
)
_SUBORDINATE = vocab("that which who whom whose when while after before because if since as")


def _past_verb(word: str) -> bool:
    word = word.lower().strip(",.;:")
    return (len(word) > 4 and word.endswith("ed")) or word in _IRREGULAR_PAST


def conjuncts(claim: str) -> list[str]:
    """The two statements of a claim whose subject takes two predicates joined by "and" ("X
    expressed A and urged B" -> "X expressed A.", "X urged B"); [] for any other claim. The
    subject is what comes before the first verb; a comma before "and" (a list) does not split,
    nor does a clause inside the first predicate ("X confirmed that Y spoke and asked": whose
    is "asked"?)."""
    words = claim.split()
    first = next((i for i, w in enumerate(words) if _past_verb(w)), None)
    if not first:
        return []
    for i in range(first + 2, len(words) - 2):
        if words[i].lower() == "and" and _past_verb(words[i + 1]) and words[i - 1][-1] != ",":
            if _SUBORDINATE & {w.lower() for w in words[first + 1 : i]}:
                return []  # "X confirmed that Trump spoke ... and asked ...": whose predicate?
            subject = " ".join(words[:first])
            return [" ".join(words[:i]) + ".", f"{subject} {' '.join(words[i + 1 :])}"]
    return []


def _sentence(clause: str) -> str:
    """A clause as a sentence: capitalized, ending in a full stop."""
    clause = clause.strip()
    if clause and clause[-1] not in ".!?…\"'”’)":
        clause += "."
    return clause[:1].upper() + clause[1:]


class JudgeUnavailable(RagError):
    """The model gave no yes/no probability (its server returns no logprobs)."""


class SupportEnforcer:
    """Applies one ClaimJudge to every claim of a verified answer, within a budget of calls."""

    def __init__(
        self,
        judge: ClaimJudge,
        cfg: JudgeSettings,
        context: Callable[[Evidence], str] | None = None,
        question: str = "",
        embed: Callable[[list[str]], np.ndarray] | None = None,
        *,
        replace: bool = True,
    ) -> None:
        self.judge = judge
        self.replace = replace  # False: a rejected claim is never replaced by the sentence it
        # paraphrased (a second look); anchoring still applies
        self.cfg = cfg
        self.context = context  # an evidence sentence with the article text around it
        self.question = question  # the standalone question (for anchored replacement)
        self.embed = embed  # for the clauses of a compound claim; None: never split
        self.calls = 0

    def _probability(self, claim: str, evidence: list[Evidence], numbers: list[int]) -> float:
        quote = " ".join(evidence[n - 1].text for n in numbers)
        if is_verbatim(claim, quote):
            return 1.0
        if self.calls >= self.cfg.max_calls:
            return 0.0  # past the budget nothing more is accepted unjudged
        self.calls += 1
        if self.context is not None:
            quote = " ".join(self.context(evidence[n - 1]) for n in numbers)
        probability = self.judge.judge(claim, quote).probability
        log.debug("judge P(yes)=%s for %r against %s", probability, claim, numbers)
        if probability is None:
            raise JudgeUnavailable(
                f"{self.judge.model.name} returned no logprobs for the yes/no judge prompt"
            )
        return probability

    def _accepts(self, p: float) -> bool:
        return p >= self.judge.threshold

    def claim(
        self, sentence: CheckedSentence, similarity: np.ndarray, evidence: list[Evidence]
    ) -> list[CheckedSentence]:
        """What of the claim stays in the answer: itself (re-cited), its clauses, or the
        evidence sentence replacing it; [] drops it."""
        if not sentence.markers and not sentence.factual:
            return [sentence]
        ranked = [int(j) + 1 for j in np.argsort(-similarity)]
        if sentence.markers:
            p = self._probability(sentence.claim(), evidence, sentence.markers)
            if self._accepts(p):
                parts = self._conjuncts(sentence, p, evidence)
                if parts is None:
                    return [replace(sentence, support=dict.fromkeys(sentence.markers, p))]
                if parts:
                    return parts
            others = [n for n in ranked if n not in sentence.markers][: self.cfg.alternatives]
            found = self._first_accepted(sentence.claim(), others, similarity, evidence)
            if found is not None:
                n, p = found
                return [replace(sentence, markers=[n], support={n: p})]
        pooled = self._pooled(sentence, similarity, evidence, ranked)
        if pooled is not None:
            return [pooled]
        split = self._split(sentence, evidence)
        if split:
            return split
        anchored = self._anchored(sentence, similarity, evidence, ranked)
        if anchored is not None:  # before plain replacement: it keeps what was asked for
            return [anchored]
        best = self._paraphrased(sentence.claim(), similarity, evidence, ranked)
        if self.replace and sentence.markers and best is not None:
            return [quoted(evidence[best - 1], best)]
        return []

    def _conjuncts(
        self, sentence: CheckedSentence, p: float, evidence: list[Evidence]
    ) -> list[CheckedSentence] | None:
        """An accepted claim of one subject and two predicates, each predicate judged alone
        against the same quote: None when the setting is off, the claim is not such a pair, the
        quote states it word for word, the judge's budget has no room for both calls, or the
        judge accepts both parts (the claim stands whole); else the accepted parts, each a
        sentence of its own ([] when neither is: the claim is treated as rejected)."""
        parts = conjuncts(sentence.claim()) if self.cfg.judge_conjuncts and p < 1.0 else []
        if not parts or self.calls + len(parts) > self.cfg.max_calls:
            return None  # past the budget a part would read as rejected: keep the claim whole
        probabilities = [self._probability(part, evidence, sentence.markers) for part in parts]
        if all(self._accepts(q) for q in probabilities):
            return None
        return [
            CheckedSentence(
                _sentence(part),
                sentence.markers,
                True,
                {n: sentence.similarity.get(n, 0.0) for n in sentence.markers},
                dict.fromkeys(sentence.markers, q),
            )  # fmt: skip
            for part, q in zip(parts, probabilities, strict=True)
            if self._accepts(q)
        ]

    def _paraphrased(
        self, claim: str, similarity: np.ndarray, evidence: list[Evidence], ranked: list[int]
    ) -> int | None:
        """The number of the evidence sentence `claim` paraphrased, or None. Candidates: every
        sentence at least `replace_min` similar and, with `replace_by_new_words`, a less
        similar one (down to `pool_min`) that holds half or more of the words the claim adds to
        the question (what it asserts, not what was asked), every quotation the claim makes
        verbatim and, when the claim gives numbers the question does not, one of them. Of the
        candidates, the one holding most added words, the most similar among equals: "Gorka
        expected limitless expectations" paraphrased '"... My expectations are limitless," he
        said', not the likelier-looking "Gorka suggested that a meeting ... is about to take
        place"; "12 civilians were killed in the attacks" did not paraphrase "more than a
        dozen civilians in Kiev last month"."""
        close = [n for n in ranked if similarity[n - 1] >= self.cfg.replace_min]
        if not self.cfg.replace_by_new_words:
            return close[0] if close else None
        added = set(content_words(claim)) - set(content_words(self.question))
        held = {n: len(added & set(content_words(evidence[n - 1].text))) for n in ranked}
        quoted_words = quotations(claim, self.question, min_words=1)
        claim_numbers = numbers_of(claim) - numbers_of(self.question)

        def restates(n: int) -> bool:  # for a sentence under replace_min
            text = evidence[n - 1].text
            if claim_numbers and not claim_numbers & numbers_of(text):
                return False
            return 2 * held[n] >= len(added) > 0 and all(is_verbatim(q, text) for q in quoted_words)

        close += [
            n
            for n in ranked
            if n not in close and similarity[n - 1] >= self.cfg.pool_min and restates(n)
        ]
        if not close:
            return None
        return max(close, key=lambda n: held[n])

    def _first_accepted(
        self, claim: str, candidates: list[int], similarity: np.ndarray, evidence: list[Evidence]
    ) -> tuple[int, float] | None:
        """(number, P(yes)) of the first of `candidates` (evidence numbers, most similar first)
        the judge accepts for `claim`, trying them while at least `recite_min` similar."""
        for n in candidates:
            if similarity[n - 1] < self.cfg.recite_min:
                break
            p = self._probability(claim, evidence, [n])
            if self._accepts(p):
                return n, p
        return None

    def _split(self, sentence: CheckedSentence, evidence: list[Evidence]) -> list[CheckedSentence]:
        """A rejected compound claim as its clauses, each judged on its own against its most
        similar evidence sentences (the best `alternatives` + 1 at least `recite_min`
        similar) and cited to the first one the judge accepts; the accepted clauses only, []
        when none is. Each clause may rest on another article: "The New York Times reported
        X, while The Wall Street Journal reported Y" is two claims, and no one sentence
        states both."""
        parts = clauses(sentence.claim()) if self.embed is not None and evidence else []
        judged = [claim for _, claim in parts]
        if not parts or any(len(content_words(c)) < self.cfg.min_fact_words for c in judged):
            return []  # one statement, or a list ("Rubio, Vance, and Witkoff")
        similarity = support_matrix(judged, evidence, self.embed)  # type: ignore[arg-type]
        kept = []
        for i, (part, claim) in enumerate(parts):
            ranked = [int(j) + 1 for j in np.argsort(-similarity[i])]
            top = ranked[: self.cfg.alternatives + 1]
            found = self._first_accepted(claim, top, similarity[i], evidence)
            if found is not None:
                n, p = found
                kept.append(
                    CheckedSentence(
                        part,
                        [n],
                        True,
                        {n: float(similarity[i, n - 1])},
                        {n: p},
                        judged=claim if claim != part else "",
                    )  # fmt: skip
                )
        if len(kept) < len(parts):  # some left out: each kept clause as a sentence of its own
            kept = [replace(c, text=_sentence(c.claim()), judged="") for c in kept]
        return kept

    def _anchored(
        self,
        sentence: CheckedSentence,
        similarity: np.ndarray,
        evidence: list[Evidence],
        ranked: list[int],
    ) -> CheckedSentence | None:
        """The claim replaced by the evidence sentence most similar to it that holds every
        number, date or name it gives for what the question asks ("Lindsey Graham", "2:30")
        and every quotation of three words or more it gives ("No way out!"), verbatim and
        cited; None when the setting is off, the claim gives none of these, or no sentence at
        least `pool_min` similar holds them all (any sentence, when what it gives are numbers of
        three digits or more).
        The model picked the answer, and the sentence that states it is shown instead of the
        model's wording of it."""
        if not self.cfg.anchored:
            return None
        items = {w.lower() for w in asked_items(self.question, sentence.claim())}
        quotes = quotations(sentence.claim(), self.question)
        if not items and not quotes:
            return None
        # three digits or more are specific enough alone: "2:30 am." shares no other word
        # with the claim; a lone "2" is not
        numeric = (
            bool(items)
            and all(any(c.isdigit() for c in w) for w in items)
            and sum(c.isdigit() for w in items for c in w) >= 3
        )
        for n in ranked:
            if similarity[n - 1] < self.cfg.pool_min and not numeric:
                break
            text = evidence[n - 1].text
            if all(held(w, text) for w in items) and all(is_verbatim(q, text) for q in quotes):
                return quoted(evidence[n - 1], n)
        return None

    def _pooled(
        self,
        sentence: CheckedSentence,
        similarity: np.ndarray,
        evidence: list[Evidence],
        ranked: list[int],
    ) -> CheckedSentence | None:
        """The claim judged against its `pool` most similar evidence sentences of the article of
        the most similar one, read together (in prompt order, so a quote and the line naming
        its speaker sit side by side), cited to all of them when the judge accepts; None when
        the pool is off, empty or rejected. Sentences of two articles are never pooled: a
        claim stitched from both states what neither article does."""
        if self.cfg.pool < 2:
            return None
        if not ranked or similarity[ranked[0] - 1] < self.cfg.pool_min:
            return None
        source = evidence[ranked[0] - 1].source  # one article: its lines name its speakers
        same = [n for n in ranked if evidence[n - 1].source == source][: self.cfg.pool]
        numbers = sorted(n for n in same if similarity[n - 1] >= self.cfg.pool_min)
        if not numbers or numbers == sorted(sentence.markers):
            return None
        p = self._probability(sentence.claim(), evidence, numbers)
        if not self._accepts(p):
            return None
        return replace(sentence, markers=numbers, support=dict.fromkeys(numbers, p))

    def answer(
        self, checked: list[CheckedSentence], similarity: np.ndarray, evidence: list[Evidence]
    ) -> list[CheckedSentence]:
        """The claims that stay, in order; a claim replaced by a sentence already in the
        answer is not repeated. A judge that fails (a dead server) leaves the similarity
        verdicts in place, with support None; so does one whose server gives no logprobs."""
        kept: list[CheckedSentence] = []
        try:
            for i, sentence in enumerate(checked):
                for one in self.claim(sentence, similarity[i], evidence):
                    if all(k.text != one.text for k in kept):
                        kept.append(one)
        except RagError as exc:
            log.warning("The claim judge failed (%s); keeping the similarity check only.", exc)
            return checked
        return kept
