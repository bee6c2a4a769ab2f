"""What changed between two report folders, question by question, regressions first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.aggregate import LOWER_IS_BETTER, METRICS, summarize
from evals.dataset import TYPES
from evals.report import cell, fmt, load_results

Row = dict[str, Any]


def row_quality(row: Row) -> tuple[float, ...]:
    """A sortable quality of one question's outcome: passed, then refusal right, then the share
    of key facts found, citation precision and whether a gold article was in the top 5."""
    facts = row["facts"]
    share = sum(f["found"] for f in facts) / len(facts) if facts else 1.0
    rank = row.get("rank")
    return (
        float(row["passed"]),
        float(row["refusal_correct"]),
        share,
        row["citation_precision"] if row["citation_precision"] is not None else 1.0,
        1.0 if rank is not None and rank <= 5 else 0.0,
    )


def classify(a: Row, b: Row) -> str:
    """regression / worse / fixed / better / changed / same for one question from A to B."""
    if a["passed"] and not b["passed"]:
        return "regression"
    if b["passed"] and not a["passed"]:
        return "fixed"
    qa, qb = row_quality(a), row_quality(b)
    if qb < qa:
        return "worse"
    if qb > qa:
        return "better"
    return "changed" if " ".join(a["text"].split()) != " ".join(b["text"].split()) else "same"


ORDER = ("regression", "worse", "fixed", "better", "changed")
TITLES = {
    "regression": "Regressions (passed in A, fail in B)",
    "worse": "Worse while still failing",
    "fixed": "Fixed (failed in A, pass in B)",
    "better": "Better while still failing",
    "changed": "Answer text changed, same outcome",
}


def metric_delta_lines(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """A table of each headline metric in A and B with the change, marking what got worse."""
    lines = ["| metric | A | B | change |", "|---|---|---|---|"]
    for name in METRICS:
        va, vb = a.get(name), b.get(name)
        delta = "-" if va is None or vb is None else f"{vb - va:+.3f}"
        worse = (
            va is not None and vb is not None and (vb > va if name in LOWER_IS_BETTER else vb < va)
        )
        lines.append(f"| {name} | {fmt(va)} | {fmt(vb)} | {delta}{' (worse)' if worse else ''} |")
    return lines


def type_delta_lines(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Pass rate and key-fact accuracy of each question type in A and B."""
    lines = [
        "| type | n | pass A | pass B | KF acc A | KF acc B | refusal acc A | refusal acc B |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, mb in b.items():
        ma = a.get(kind, {})
        values = [
            fmt(m.get(name))
            for name in ("pass_rate", "key_fact_accuracy", "refusal_accuracy")
            for m in (ma, mb)
        ]
        lines.append(f"| {kind} | {mb['n']} | " + " | ".join(values) + " |")
    return lines


def question_lines(kind: str, pairs: list[tuple[Row, Row]]) -> list[str]:
    """One section of the question-by-question diff."""
    lines = [f"## {TITLES[kind]}: {len(pairs)}", ""]
    if not pairs:
        return lines
    lines += ["| id | type | question | A | B | B: why |", "|---|---|---|---|---|---|"]
    for a, b in pairs:
        why = "; ".join(b["reasons"] + b["notes"])
        lines.append(
            f"| {b['id']} | {b['type']} | {cell(b['question'], 150)} | {cell(a['text'], 200)} | "
            f"{cell(b['text'], 200)} | {cell(why, 200)} |"
        )
    return lines + [""]


def compare_results(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The Markdown comparison of two runs' results (A = before, B = after)."""
    rows_a = {r["id"]: r for r in a["rows"]}
    rows_b = {r["id"]: r for r in b["rows"]}
    common = [i for i in rows_b if i in rows_a]
    groups: dict[str, list[tuple[Row, Row]]] = {k: [] for k in (*ORDER, "same")}
    for qid in common:
        groups[classify(rows_a[qid], rows_b[qid])].append((rows_a[qid], rows_b[qid]))
    lines = [
        f"# Comparison: A = {a['meta']['label']} -> B = {b['meta']['label']}",
        "",
        f"{len(common)} questions in both; {len(groups['regression'])} regressions, "
        f"{len(groups['fixed'])} fixed, {len(groups['same'])} unchanged.",
        "",
    ]
    only_a, only_b = sorted(set(rows_a) - set(rows_b)), sorted(set(rows_b) - set(rows_a))
    if only_a or only_b:
        lines += [
            f"Only in A: {len(only_a)} questions; only in B: {len(only_b)}. "
            "Metrics below are recomputed on the questions both runs share.",
            "",
        ]
    for kind in ORDER:
        lines += question_lines(kind, groups[kind])
    sa = summarize([rows_a[i] for i in common], TYPES)
    sb = summarize([rows_b[i] for i in common], TYPES)
    lines += ["## Metrics", ""]
    lines += metric_delta_lines(sa["overall"], sb["overall"])
    lines += ["", "## By question type", ""]
    lines += type_delta_lines(sa["by_type"], sb["by_type"])
    return "\n".join(lines) + "\n"


def compare_reports(a: Path, b: Path) -> str:
    """Compare two report folders (or results.json files)."""
    return compare_results(load_results(a), load_results(b))
