"""The entailment judge on hand-labelled claim/quote pairs (evals/claims.jsonl).

The threshold is fitted on the `fit` half (the value that maximizes balanced accuracy) and the
judge is reported on the `test` half, at the configured threshold and at the fitted one; the
old similarity support is reported beside it as the baseline it replaced.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

CLAIMS_PATH = Path(__file__).parent / "claims.jsonl"


@dataclass(frozen=True)
class ClaimPair:
    """One hand-labelled pair: does `quote` state `claim`?"""

    id: str
    source: str
    quote: str
    claim: str
    supported: bool
    kind: str
    split: str


def load_pairs(path: Path = CLAIMS_PATH) -> list[ClaimPair]:
    """Every pair of a claims file, in file order."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            pairs.append(
                ClaimPair(
                    d["id"],
                    d["source"],
                    d["quote"],
                    d["claim"],
                    d["label"] == "supported",
                    d["kind"],
                    d["split"],
                )
            )
    return pairs


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> dict[str, Any]:
    """Precision and recall of accepting a claim (score >= threshold) as supported, and how
    many unsupported claims are caught (rejected)."""
    accept = np.asarray(scores) >= threshold
    truth = np.asarray(labels, dtype=bool)
    tp = int((accept & truth).sum())
    fp = int((accept & ~truth).sum())
    fn = int((~accept & truth).sum())
    tn = int((~accept & ~truth).sum())
    return {
        "threshold": round(float(threshold), 4),
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "unsupported_caught": tn / (tn + fp) if tn + fp else None,
        "balanced_accuracy": 0.5
        * ((tp / (tp + fn) if tp + fn else 0) + (tn / (tn + fp) if tn + fp else 0)),
        "n": len(labels),
    }


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve: P(a supported pair scores above an unsupported one)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def fit_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The threshold with the best balanced accuracy (ties: the higher, the stricter)."""
    candidates = sorted(set(float(s) for s in scores)) or [0.5]
    best = max(candidates, key=lambda t: (confusion(scores, labels, t)["balanced_accuracy"], t))
    return best


def evaluate_scores(
    pairs: Sequence[ClaimPair], scores: Sequence[float], configured: float
) -> dict[str, Any]:
    """Fit on the fit half, report both halves at the configured and the fitted threshold."""
    fit = [i for i, p in enumerate(pairs) if p.split == "fit"]
    test = [i for i, p in enumerate(pairs) if p.split == "test"]

    def part(idx: list[int]) -> tuple[list[float], list[bool]]:
        return [scores[i] for i in idx], [pairs[i].supported for i in idx]

    fitted = fit_threshold(*part(fit)) if fit else configured
    report: dict[str, Any] = {"configured_threshold": configured, "fitted_threshold": fitted}
    for name, idx in (("fit", fit), ("test", test)):
        s, y = part(idx)
        report[name] = {
            "auc": auc(s, y),
            "at_configured": confusion(s, y, configured),
            "at_fitted": confusion(s, y, fitted),
        }
    return report


def run_judge_eval(
    probability: Callable[[str, str], float | None],
    similarity: Callable[[str, str], float],
    configured: float,
    similarity_threshold: float,
    pairs: Sequence[ClaimPair] | None = None,
) -> dict[str, Any]:
    """The judge and the similarity baseline on every pair.

    Args:
        probability: P(yes) of the judge for (claim, quote); None counts as 0.
        similarity: the similarity support of (claim, quote), 0..1.
        configured: the judge threshold in Settings.
        similarity_threshold: the similarity threshold in Settings.
        pairs: the labelled pairs (default: evals/claims.jsonl).
    Returns:
        {"judge": ..., "similarity": ..., "by_kind": ..., "rows": [...]}.
    """
    pairs = list(pairs or load_pairs())
    judged = [probability(p.claim, p.quote) or 0.0 for p in pairs]
    similar = [similarity(p.claim, p.quote) for p in pairs]
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({p.kind for p in pairs}):
        idx = [i for i, p in enumerate(pairs) if p.kind == kind]
        right = [(judged[i] >= configured) == pairs[i].supported for i in idx]
        by_kind[kind] = {"n": len(idx), "judge_correct": sum(right) / len(idx)}
    rows = [
        {
            "id": p.id,
            "kind": p.kind,
            "split": p.split,
            "supported": p.supported,
            "p_yes": round(j, 4),
            "similarity": round(s, 4),
        }
        for p, j, s in zip(pairs, judged, similar, strict=True)
    ]
    return {
        "judge": evaluate_scores(pairs, judged, configured),
        "similarity": evaluate_scores(pairs, similar, similarity_threshold),
        "by_kind": by_kind,
        "rows": rows,
    }


def judge_pairs_for(chain: Any, splits: tuple[str, ...] = ("fit", "test")) -> dict[str, Any] | None:
    """The claims eval with a chain's own generator and embedding model, on the pairs of
    `splits` (the gate needs the test half only; fitting needs both); None when the chain has
    no language model (the extractive backend runs no judge)."""
    from rag.citations import support_matrix
    from rag.evidence import Evidence
    from rag.judge import ClaimJudge

    generator = chain.generator()
    if generator is None:
        return None
    cfg = chain.settings.judge
    judge = ClaimJudge(generator, cfg.threshold)
    embed = chain.engine.embed_model.embed

    def similarity(claim: str, quote: str) -> float:
        ev = Evidence(1, "", "", quote, 0, len(quote), 0.0, embed([quote])[0])
        return float(support_matrix([claim], [ev], embed)[0, 0])

    pairs = [p for p in load_pairs() if p.split in splits]
    return run_judge_eval(
        lambda c, q: judge.judge(c, q).probability,
        similarity,
        cfg.threshold,
        cfg.similarity_min,
        pairs,
    )


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """The judge metrics the gate checks: the test half at the configured threshold."""
    test = report["judge"]["test"]
    at = test["at_configured"]
    return {
        "judge_precision": at["precision"],
        "judge_recall": at["recall"],
        "judge_unsupported_caught": at["unsupported_caught"],
        "judge_auc": test["auc"],
    }


def judge_table(report: dict[str, Any]) -> str:
    """A few lines for the terminal: judge and similarity on both halves."""
    j = report["judge"]
    fitted = (
        f"fitted on the fit half {j['fitted_threshold']:.3f}"
        if j["fit"]["at_configured"]["n"]
        else "test half only"
    )
    lines = [f"claims judge (configured threshold {j['configured_threshold']}, {fitted})"]
    for name in ("judge", "similarity"):
        for half in ("fit", "test"):
            r = report[name][half]
            if not r["at_configured"]["n"]:
                continue
            a = r["at_configured"]
            lines.append(
                f"  {name:10} {half:4} AUC {_f(r['auc'])}  P {_f(a['precision'])}  "
                f"R {_f(a['recall'])}  unsupported caught {_f(a['unsupported_caught'])}"
            )
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
