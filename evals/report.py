"""Write a run's report folder: results.json, summary.md, questions.md, metrics_by_type.png."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.aggregate import METRICS

REPORTS_DIR = Path(__file__).parent / "reports"
TABLE_METRICS = (
    "hit_at_1",
    "hit_at_5",
    "mrr",
    "key_fact_recall",
    "key_fact_accuracy",
    "citation_precision",
    "citation_recall",
    "support_rate",
    "judge_accepted",
    "passage_coverage",
    "evidence_coverage",
    "refusal_accuracy",
    "false_refusal_rate",
    "pass_rate",
)
SHORT_NAMES = {
    "hit_at_1": "hit@1",
    "hit_at_5": "hit@5",
    "mrr": "MRR",
    "key_fact_recall": "KF recall",
    "key_fact_accuracy": "KF acc",
    "citation_precision": "cite P",
    "citation_recall": "cite R",
    "support_rate": "support",
    "judge_accepted": "judged",
    "judge_precision": "judge P",
    "judge_recall": "judge R",
    "judge_unsupported_caught": "judge caught",
    "judge_auc": "judge AUC",
    "passage_coverage": "psg cov",
    "evidence_coverage": "evid cov",
    "refusal_accuracy": "refusal acc",
    "false_refusal_rate": "false refusals",
    "error_rate": "errors",
    "pass_rate": "pass",
}


def fmt(value: float | None, digits: int = 3) -> str:
    """A metric value for a table ('-' when not applicable)."""
    return "-" if value is None else f"{value:.{digits}f}"


def cell(text: str, limit: int = 400) -> str:
    """Text made safe for one Markdown table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def new_report_dir(root: Path, label: str) -> Path:
    """A fresh folder `<root>/<YYYYmmdd-HHMMSS>-<label>` (suffixed if it already exists)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(root) / f"{stamp}-{label}"
    n = 1
    while folder.exists():
        n += 1
        folder = Path(root) / f"{stamp}-{label}-{n}"
    folder.mkdir(parents=True)
    return folder


def metrics_table(by_name: dict[str, dict[str, Any]], names: tuple[str, ...]) -> list[str]:
    """A Markdown table: one row per group (type or system), one column per metric."""
    head = "| | n | " + " | ".join(SHORT_NAMES[m] for m in names) + " |"
    lines = [head, "|---" * (len(names) + 2) + "|"]
    for group, m in by_name.items():
        values = " | ".join(fmt(m.get(name)) for name in names)
        lines.append(f"| {group} | {m['n']} | {values} |")
    return lines


def summary_markdown(results: dict[str, Any]) -> str:
    """The run's headline numbers, per-type table, latency and gate status."""
    meta, overall = results["meta"], results["metrics"]["overall"]
    gate = results["thresholds"]
    lines = [
        f"# Newsdesk evaluation: {meta['label']}",
        "",
        f"- Backend requested: `{meta['backend']}`; answered by: "
        + ", ".join(f"`{b}` x{n}" for b, n in meta["answered_by"].items()),
        f"- Questions: {meta['questions']} from `{meta['qa_file']}`"
        + (" (a subset: thresholds not checked)" if meta.get("subset") else ""),
        f"- Settings: {', '.join(f'{k}={v}' for k, v in meta['settings'].items())}",
        f"- Wall time: {meta['seconds']:.0f} s (warm-up {meta['warmup_seconds']:.1f} s)",
        "",
        "## Metrics",
        "",
        "| metric | value | measured on | threshold | meaning |",
        "|---|---|---|---|---|",
    ]
    for name, meaning in METRICS.items():
        limit = gate["values"].get(name)
        lines.append(
            f"| {name} | {fmt(overall.get(name))} | {overall['counts'].get(name, '-')} | "
            f"{fmt(limit)} | {meaning} |"
        )
    lines += ["", "## By question type", ""]
    lines += metrics_table(results["metrics"]["by_type"], TABLE_METRICS)
    lines += ["", "## Latency (seconds)", "", "| stage | p50 | p95 |", "|---|---|---|"]
    for stage, q in overall["latency"].items():
        lines.append(f"| {stage} | {fmt(q['p50'], 2)} | {fmt(q['p95'], 2)} |")
    lines += ["", "## Refusals by step (Answer.refusal)", ""]
    lines += ["| step | answerable (false) | unanswerable (right) |", "|---|---|---|"]
    refusals = overall.get("refusals", {"answerable": {}, "unanswerable": {}})
    for step in sorted(set(refusals["answerable"]) | set(refusals["unanswerable"])):
        lines.append(
            f"| {step} | {refusals['answerable'].get(step, 0)} | "
            f"{refusals['unanswerable'].get(step, 0)} |"
        )
    lines += ["", "## Quality gates", ""]
    if not gate["checked"]:
        lines.append(f"Not checked: {gate['why_not']}")
    elif gate["failures"]:
        lines += [f"- FAIL {f}" for f in gate["failures"]]
    else:
        lines.append(f"All {len(gate['values'])} thresholds of [{gate['backend']}] pass.")
    return "\n".join(lines) + "\n"


def questions_markdown(results: dict[str, Any]) -> str:
    """One table row per question: question, answer, citations, pass/fail and why."""
    lines = [
        f"# Questions: {results['meta']['label']}",
        "",
        "| id | type | question | answer | citations | result | why / notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["rows"]:
        citations = "; ".join(
            f"[{c['marker']}] {c['source'][:3]} “{cell(c['quote'], 80)}”" for c in r["citations"]
        )
        why = "; ".join(r["reasons"] + r["notes"])
        answer = r["text"] or ""
        lines.append(
            f"| {r['id']} | {r['type']} | {cell(r['question'], 200)} | {cell(answer)} | "
            f"{cell(citations, 300)} | {'PASS' if r['passed'] else 'FAIL'} | {cell(why, 300)} |"
        )
    return "\n".join(lines) + "\n"


def short_table(results: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    overall = results["metrics"]["overall"]
    names: tuple[str, ...] = ("hit_at_1", "hit_at_5", "key_fact_accuracy", "citation_precision")
    names += ("support_rate", "refusal_accuracy", "false_refusal_rate", "pass_rate")
    width = max(len(SHORT_NAMES[n]) for n in names)
    lines = [f"{SHORT_NAMES[n]:<{width}}  {fmt(overall[n])}" for n in names]
    total = overall["latency"].get("total")
    if total:
        p50, p95 = fmt(total["p50"], 2), fmt(total["p95"], 2)
        lines.append(f"{'latency':<{width}}  p50 {p50} s, p95 {p95} s")
    gate = results["thresholds"]
    if gate["checked"]:
        lines.append("thresholds: " + ("FAIL" if gate["failures"] else "pass"))
        lines += [f"  - {f}" for f in gate["failures"]]
    return "\n".join(lines)


def write_report(results: dict[str, Any], folder: Path) -> Path:
    """Write every report file of a run into `folder`; returns it."""
    from evals.plot import plot_metrics_by_type

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "summary.md").write_text(summary_markdown(results), encoding="utf-8")
    (folder / "questions.md").write_text(questions_markdown(results), encoding="utf-8")
    label = results["meta"]["label"]
    plot_metrics_by_type(results["metrics"], folder / "metrics_by_type.png", label)
    return folder


def load_results(folder: Path) -> dict[str, Any]:
    """results.json of a report folder (or the file itself), with a clear error if missing."""
    path = Path(folder)
    path = path / "results.json" if path.is_dir() else path
    if not path.is_file():
        raise FileNotFoundError(f"No results.json at {path}: pass a folder under evals/reports/.")
    return json.loads(path.read_text(encoding="utf-8"))
