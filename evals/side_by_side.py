"""A side-by-side Markdown table of several systems' results on the same questions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evals.aggregate import METRICS, summarize
from evals.dataset import TYPES
from evals.report import SHORT_NAMES, cell, fmt

# The goals set for Newsdesk (issue 4); shown next to the measured values, never used to score.
TARGETS: dict[str, tuple[str, float]] = {
    "hit_at_5": (">=", 0.95),
    "hit_at_1": (">=", 0.85),
    "key_fact_accuracy": (">=", 0.75),
    "citation_precision": (">=", 0.90),
    "refusal_accuracy": (">=", 0.85),
    "false_refusal_rate": ("<=", 0.10),
}


def restrict(results: dict[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """The same results limited to the questions `ids`, with metrics recomputed on them."""
    wanted = set(ids)
    rows = [r for r in results["rows"] if r["id"] in wanted]
    missing = wanted - {r["id"] for r in rows}
    if missing:
        raise ValueError(
            f"The run {results['meta']['label']!r} lacks question(s) {', '.join(sorted(missing))}."
        )
    return {**results, "rows": rows, "metrics": summarize(rows, TYPES)}


def _target(name: str) -> str:
    if name not in TARGETS:
        return ""
    op, value = TARGETS[name]
    return f"{op} {value:.2f}"


def side_by_side_markdown(systems: dict[str, dict[str, Any]], intro: str = "") -> str:
    """Headline metrics, latency and per-type pass rates of each system, one column each."""
    names = list(systems)
    overall = {n: systems[n]["metrics"]["overall"] for n in names}
    lines = ["# Newsdesk vs baseline", ""]
    if intro:
        lines += [intro, ""]
    lines += ["| metric | " + " | ".join(names) + " | target (Newsdesk) |"]
    lines += ["|---" * (len(names) + 2) + "|"]
    for metric in METRICS:
        values = " | ".join(fmt(overall[n].get(metric)) for n in names)
        lines.append(f"| {SHORT_NAMES[metric]} | {values} | {_target(metric)} |")
    for stage in ("retrieve", "generate", "total"):
        cells = []
        for n in names:
            q = overall[n]["latency"].get(stage)
            cells.append(f"{fmt(q['p50'], 1)} / {fmt(q['p95'], 1)}" if q else "-")
        lines.append(f"| latency {stage} p50 / p95 (s) | " + " | ".join(cells) + " | |")
    lines += ["", "## Pass rate and key-fact accuracy by question type", ""]
    header = " | ".join(f"{n}: pass | {n}: KF acc" for n in names)
    lines += [f"| type | n | {header} |", "|---" * (2 * len(names) + 2) + "|"]
    first = systems[names[0]]["metrics"]["by_type"]
    for kind, m in first.items():
        cells = []
        for n in names:
            mt = systems[n]["metrics"]["by_type"].get(kind, {})
            cells += [fmt(mt.get("pass_rate")), fmt(mt.get("key_fact_accuracy"))]
        lines.append(f"| {kind} | {m['n']} | " + " | ".join(cells) + " |")
    lines += ["", "## Question by question", ""]
    lines += ["| id | type | " + " | ".join(names) + " |", "|---" * (len(names) + 2) + "|"]
    rows = {n: {r["id"]: r for r in systems[n]["rows"]} for n in names}
    for qid, r in rows[names[0]].items():
        verdicts = []
        for n in names:
            row = rows[n][qid]
            why = cell("; ".join(row["reasons"]), 120)
            verdicts.append("PASS" if row["passed"] else f"FAIL: {why}")
        lines.append(f"| {qid} | {r['type']} | " + " | ".join(verdicts) + " |")
    return "\n".join(lines) + "\n"
