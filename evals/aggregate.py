"""Combine per-question rows (evals.scoring) into the suite's metrics, overall and by type.

Each metric is averaged over the questions it applies to (its `n` is in `counts`):
retrieval and answer metrics over answerable questions, citation precision over answerable
questions that cite something, citation recall over answered answerable questions, support over
answers with judged sentences, refusal accuracy over unanswerable questions. A question whose run
raised an error counts as a miss everywhere it applies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from evals import metrics

# The headline metrics, in report order, with a short description each.
METRICS: dict[str, str] = {
    "hit_at_1": "a gold article is the first retrieved passage",
    "hit_at_5": "a gold article is among the first 5 passages",
    "mrr": "mean reciprocal rank of the first gold passage",
    "key_fact_recall": "share of key facts in the answer",
    "key_fact_accuracy": "answers holding every key fact",
    "citation_precision": "cited articles that are gold sources",
    "citation_recall": "gold sources that are cited (answered questions)",
    "support_rate": "answer sentences similar to their citations (similarity signal)",
    "judge_accepted": "answered questions whose every claim the judge accepted",
    "passage_coverage": "answerable items whose key facts all occur in the retrieved passages",
    "evidence_coverage": "answerable items whose key facts all occur in the evidence shown",
    "refusal_accuracy": "unanswerable questions refused",
    "judge_precision": "claims the judge accepts that are supported (claims.jsonl, test half)",
    "judge_recall": "supported claims the judge accepts (claims.jsonl, test half)",
    "judge_unsupported_caught": "unsupported claims the judge rejects (claims.jsonl, test half)",
    "judge_auc": "judge AUC on claims.jsonl, test half",
    "false_refusal_rate": "answerable questions refused (lower is better)",
    "error_rate": "questions where the system raised (lower is better)",
    "pass_rate": "questions passing every check",
}
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "error_rate"})
STAGES = ("condense", "retrieve", "evidence", "first_token", "generate", "verify", "judge", "total")

Row = dict[str, Any]


def _rate(rows: Sequence[Row], value: Callable[[Row], float | None]) -> tuple[float | None, int]:
    values = [value(r) for r in rows]
    present = [v for v in values if v is not None]
    return metrics.mean(present), len(present)


def _support(row: Row) -> float | None:
    sentences = row["sentences"]
    return sum(bool(ok) for _, ok in sentences) / len(sentences) if sentences else None


def _all(found: list[bool] | None) -> float | None:
    return None if found is None else float(all(found))


def _answered(row: Row) -> bool:
    return not row["error"] and not row["refused"]


def group_metrics(rows: Sequence[Row]) -> dict[str, Any]:
    """Every headline metric over `rows`, with how many questions each was measured on."""
    answerable = [r for r in rows if r["answerable"]]
    with_facts = [r for r in answerable if r["facts"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    specs: dict[str, tuple[Sequence[Row], Callable[[Row], float | None]]] = {
        "hit_at_1": (answerable, lambda r: metrics.hit_at(r["rank"], 1)),
        "hit_at_5": (answerable, lambda r: metrics.hit_at(r["rank"], 5)),
        "mrr": (answerable, lambda r: metrics.reciprocal_rank(r["rank"])),
        "key_fact_recall": (
            with_facts,
            lambda r: metrics.key_fact_recall([f["found"] for f in r["facts"]]),
        ),
        "key_fact_accuracy": (
            with_facts,
            lambda r: float(_answered(r) and all(f["found"] for f in r["facts"])),
        ),
        "citation_precision": (answerable, lambda r: r["citation_precision"]),
        "citation_recall": (
            [r for r in answerable if _answered(r)],
            lambda r: r["citation_recall"],
        ),
        "support_rate": ([r for r in rows if _answered(r)], _support),
        "judge_accepted": (
            [r for r in rows if _answered(r)],
            lambda r: None if r.get("judge_accepted") is None else float(r["judge_accepted"]),
        ),
        "passage_coverage": (with_facts, lambda r: _all(r.get("passage_facts"))),
        "evidence_coverage": (with_facts, lambda r: _all(r.get("evidence_facts"))),
        "refusal_accuracy": (unanswerable, lambda r: float(r["refusal_correct"])),
        "false_refusal_rate": (answerable, lambda r: float(r["refused"] and not r["error"])),
        "error_rate": (rows, lambda r: float(bool(r["error"]))),
        "pass_rate": (rows, lambda r: float(r["passed"])),
    }
    values: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for name, (subset, value) in specs.items():
        values[name], counts[name] = _rate(subset, value)
    values["counts"] = counts
    values["n"] = len(rows)
    values["refusals"] = refusal_reasons(rows)
    values["latency"] = latency(rows)
    return values


def refusal_reasons(rows: Sequence[Row]) -> dict[str, dict[str, int]]:
    """How many refusals each step made (Answer.refusal), among answerable questions (false
    refusals) and unanswerable ones (right refusals): what each refusal gate earns and costs."""
    result: dict[str, dict[str, int]] = {"answerable": {}, "unanswerable": {}}
    for r in rows:
        if r["refused"] and not r["error"]:
            side = result["answerable" if r["answerable"] else "unanswerable"]
            reason = r.get("refusal") or "unknown"
            side[reason] = side.get(reason, 0) + 1
    return result


def latency(rows: Sequence[Row]) -> dict[str, dict[str, float | None]]:
    """p50 and p95 seconds of each stage in the answers' timings (failed questions left out)."""
    result = {}
    for stage in STAGES:
        values = [r["timings"][stage] for r in rows if not r["error"] and stage in r["timings"]]
        if values:
            result[stage] = {
                "p50": metrics.percentile(values, 50),
                "p95": metrics.percentile(values, 95),
            }
    return result


def summarize(rows: Sequence[Row], types: Sequence[str] | None = None) -> dict[str, Any]:
    """{"overall": metrics, "by_type": {type: metrics}} for a run's rows."""
    order = list(types) if types else []
    order += sorted({r["type"] for r in rows} - set(order))
    return {
        "overall": group_metrics(rows),
        "by_type": {
            t: group_metrics([r for r in rows if r["type"] == t])
            for t in order
            if any(r["type"] == t for r in rows)
        },
    }
