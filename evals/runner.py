"""Run the Q&A set through rag.ask, score every answer and write a report folder."""

from __future__ import annotations

import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.aggregate import summarize
from evals.dataset import QA_PATH, TYPES, QAItem
from evals.drafts import DraftRecorder, DraftReplayer, load_drafts
from evals.judge_eval import headline, judge_pairs_for, judge_table
from evals.report import REPORTS_DIR, new_report_dir, short_table, write_report
from evals.scoring import Embed, score_answer
from evals.thresholds import THRESHOLDS_PATH, check_thresholds, load_thresholds
from rag.answering import AnswerChain
from rag.config import Settings
from rag.types import Answer

Row = dict[str, Any]


def answer_items(
    items: Sequence[QAItem],
    ask: Callable[[QAItem], Answer],
    embed: Embed | None,
    progress: bool = True,
    desc: str = "eval",
    validate: Callable[[Answer], list[str]] | None = None,
) -> list[Row]:
    """Ask every item and score it; an exception on one item, or an answer that breaks an
    invariant of DESIGN.md (`validate`, e.g. rag.validate_answer), is recorded as its failure."""
    rows: list[Row] = []
    bar = tqdm(items, desc=desc, unit="q", disable=not progress)
    for item in bar:
        answer, error = None, None
        try:
            answer = ask(item)
        except Exception as exc:  # noqa: BLE001 - one failing question must not end the run
            error = f"{type(exc).__name__}: {exc}"
        if answer is not None and error is None and validate is not None:
            problems = validate(answer)
            if problems:
                error = "invalid answer: " + "; ".join(problems)
        try:
            rows.append(score_answer(item, answer, embed, error))
        except Exception as exc:  # noqa: BLE001 - nor may one that cannot be scored
            rows.append(score_answer(item, None, None, f"scoring failed: {exc}"))
        bar.set_postfix(passed=sum(r["passed"] for r in rows))
    return rows


def gate(
    overall: dict[str, Any],
    backend: str,
    subset: bool,
    path: Path | None = THRESHOLDS_PATH,
    table: str | None = None,
) -> dict[str, Any]:
    """The thresholds of `table` (default: `backend`'s, for a full run; a fixed sample has a
    table of its own, e.g. [local-per-type-8]) and which of them the run fails (none when `path`
    is None)."""
    if path is None:
        why = "this system has no thresholds (a baseline)."
        return {"backend": backend, "values": {}, "checked": False, "why_not": why}
    values = load_thresholds(table or backend, path)
    if table:
        backend = table
    elif subset:
        why = "the run covers a subset of the Q&A set; thresholds are set for all of it."
        return {"backend": backend, "values": values, "checked": False, "why_not": why}
    if not values:
        why = f"{path} has no [{backend}] table."
        return {"backend": backend, "values": values, "checked": False, "why_not": why}
    failures = check_thresholds(overall, values)
    return {"backend": backend, "values": values, "checked": True, "failures": failures}


def build_results(
    rows: list[Row],
    meta: dict[str, Any],
    thresholds: Path | None,
    judge_report: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """results.json's content: metadata, metrics (overall, by type; the claims judge's too
    when it ran), gate status, rows."""
    metrics = summarize(rows, TYPES)
    if judge_report is not None:
        metrics["overall"].update(headline(judge_report))
        metrics["judge"] = {k: v for k, v in judge_report.items() if k != "rows"}
        meta["judge_rows"] = judge_report["rows"]
    meta["answered_by"] = dict(Counter(r["backend"] or "(error)" for r in rows))
    return {
        "meta": meta,
        "metrics": metrics,
        "thresholds": gate(
            metrics["overall"], meta["backend"], meta["subset"], thresholds, meta.get("gate_table")
        ),
        "rows": rows,
    }


def _settings_summary(settings: Settings) -> dict[str, Any]:
    return {
        "llm": settings.llm_backend,
        "retrieval": settings.retrieval,
        "top_k": settings.top_k,
        "embed": settings.embed,
        "relevance_min": settings.relevance_min,
        "llm_max_tokens": settings.llm_max_tokens,
    }


def run_eval(
    settings: Settings | None,
    items: Sequence[QAItem],
    progress: bool = True,
    *,
    subset: bool = False,
    report_root: Path | None = REPORTS_DIR,
    thresholds: Path = THRESHOLDS_PATH,
    qa_file: Path = QA_PATH,
    judge_pairs: bool = True,
    gate_table: str | None = None,
    replay: Path | None = None,
) -> dict[str, Any]:
    """Answer every item with rag.ask (history included), score it and write a report.

    Args:
        settings: the Newsdesk settings to evaluate (None: from the environment).
        items: the Q&A items to ask.
        progress: show a progress bar and print a short table and the report path.
        subset: the items are part of the Q&A set only (thresholds are then not checked).
        report_root: where the `<timestamp>-<backend>` folder goes; None writes nothing.
        thresholds: the thresholds file.
        qa_file: where the items came from (recorded in the report).
        judge_pairs: also run the claims judge on evals/claims.jsonl (LLM backends only).
        gate_table: the thresholds table of a fixed sample (e.g. "local-per-type-8"); None: the
            backend's table, checked on full runs only.
        replay: a report folder whose recorded drafts answer the questions instead of the
            model (evals/drafts.py); the judge still runs. Timings then mean nothing.
    Returns:
        The results: meta, metrics (overall and by type), thresholds verdict, per-item rows,
        and `report_dir` when a report was written.
    """
    import rag

    engine = rag.configure(settings)
    backend = engine.settings.llm_backend
    started = time.perf_counter()
    engine.ensure_index()  # builds the index when missing, outside the timings
    engine.retriever  # noqa: B018 - loads the retriever outside the timings
    chain = rag.api.chain_for(engine)
    generator = chain.generator()  # starts the local server once, outside the timings
    recorder: DraftRecorder | None = None
    if generator is not None:
        recorder = (
            DraftReplayer(generator, load_drafts(replay)) if replay else DraftRecorder(generator)
        )
        rag.api.bind(AnswerChain(engine, recorder))
    warmup = time.perf_counter() - started
    # The gate reads the test half only; `rag eval --judge` runs both to fit the threshold.
    judge_report = judge_pairs_for(chain, ("test",)) if judge_pairs else None
    if progress and judge_report is not None:
        print(judge_table(judge_report))

    drafts: dict[str, dict[str, list[str]]] = {}

    def ask(item: QAItem) -> Answer:
        if recorder is None:
            return rag.ask(item.question, history=list(item.history) or None)
        recorder.start(item.id)
        try:
            return rag.ask(item.question, history=list(item.history) or None)
        finally:
            drafts[item.id] = recorder.calls

    rows = answer_items(
        items,
        ask,
        engine.embed_model.embed,
        progress,
        desc=f"eval {backend}",
        validate=rag.validate_answer,
    )
    rag.api.bind(chain)  # the process's chain as it was
    for row in rows:
        if row["id"] in drafts:
            row["drafts"] = drafts[row["id"]]
    meta = {
        "label": f"{datetime.now():%Y-%m-%d %H:%M} newsdesk {backend}",
        "system": "newsdesk",
        "backend": backend,
        "questions": len(rows),
        "qa_file": str(qa_file),
        "subset": subset,
        "gate_table": gate_table,
        "settings": _settings_summary(engine.settings),
        "seconds": time.perf_counter() - started,
        "warmup_seconds": warmup,
        "python": platform.python_version(),
        "replayed_from": str(replay) if replay else None,
        "replayed_live": recorder.live if isinstance(recorder, DraftReplayer) else None,
    }
    results = build_results(rows, meta, thresholds, judge_report)
    if report_root is not None:
        folder = write_report(results, new_report_dir(report_root, f"newsdesk-{backend}"))
        results["report_dir"] = str(folder)
    if progress:
        print(short_table(results))
        if "report_dir" in results:
            print(f"report: {results['report_dir']}")
    return results
