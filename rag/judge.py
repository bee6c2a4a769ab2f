"""Judge each claim of an answer against the quote(s) it cites: does the quote state it?

Similarity is not support: a quote about the Russian delegation is similar to "Medinsky headed
Ukraine's delegation". With a language model, the generator itself is asked a short yes/no
question (temperature 0, one token) and P(yes) is read from the logprobs of that token; the
threshold that turns it into a verdict is calibrated on hand-labelled claim/quote pairs
(evals/claims.jsonl, `rag eval --judge`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rag.prompts import JUDGE_SYSTEM, JUDGE_USER


@runtime_checkable
class YesNoModel(Protocol):
    """A model that can answer a yes/no prompt with the probability of "yes"."""

    name: str

    def yes_probability(self, messages: list[dict[str, str]]) -> float | None:
        """P(yes) of the first reply token, or None when the model gives no logprobs."""
        ...


def yes_share(top: Sequence[tuple[str, float]]) -> float | None:
    """P(yes) / (P(yes) + P(no)) from (token, logprob) pairs of the first reply token.

    Tokens are compared stripped and lower-cased, so "Yes", " yes" and "YES" count together.
    None when neither word is among the candidates.
    """
    yes = no = 0.0
    for token, logprob in top:
        word = token.strip().lower()
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    if yes + no == 0.0:
        return None
    return yes / (yes + no)


def judge_messages(claim: str, quote: str) -> list[dict[str, str]]:
    """The judge prompt for one claim against the text of its cited quote(s)."""
    passage = " ".join(quote.split())
    return [
        {"role": "system", "content": JUDGE_SYSTEM},
        {"role": "user", "content": JUDGE_USER.format(passage=passage, claim=claim.strip())},
    ]


@dataclass(frozen=True)
class Verdict:
    """The judge's reading of one claim: P(yes) and whether it clears the threshold."""

    probability: float | None
    accepted: bool


class ClaimJudge:
    """Accepts a claim when the model's P(yes) that its quote states it reaches `threshold`."""

    def __init__(self, model: YesNoModel, threshold: float) -> None:
        self.model = model
        self.threshold = threshold

    def judge(self, claim: str, quote: str) -> Verdict:
        """The verdict for `claim` against `quote`; a model without logprobs accepts nothing
        it cannot read (probability None counts as rejected)."""
        probability = self.model.yes_probability(judge_messages(claim, quote))
        accepted = probability is not None and probability >= self.threshold
        return Verdict(probability, accepted)
