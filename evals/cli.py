"""The `rag eval` command (also `python -m evals`): run the suite, or compare two reports.

Imports nothing heavy at module level, so `rag`'s parser can add these arguments cheaply.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import get_args

from rag.config import LlmBackend, settings_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The eval options, added to `parser`."""
    parser.add_argument("--llm", choices=get_args(LlmBackend), help="generator backend")
    parser.add_argument("--corpus", help="corpus folder (default: RAG_CORPUS or the shipped one)")
    parser.add_argument("--qa", type=Path, help="Q&A file (default: evals/qa.jsonl)")
    parser.add_argument("--ids", help="only these question ids, comma-separated (q001,q014)")
    parser.add_argument("--types", help="only these question types, comma-separated")
    parser.add_argument("--per-type", type=int, help="a stratified sample of N questions per type")
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--out", type=Path, help="reports folder (default: evals/reports)")
    parser.add_argument("--thresholds", type=Path, help="thresholds file (evals/thresholds.toml)")
    parser.add_argument("--no-check", action="store_true", help="exit 0 even below thresholds")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or table")
    parser.add_argument(
        "--judge", action="store_true", help="only the claims judge on evals/claims.jsonl"
    )
    parser.add_argument(
        "--no-judge", action="store_true", help="skip the claims judge (Q&A pairs only)"
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="REPORT",
        help="answer with the drafts REPORT recorded (no generation; the judge and every "
        "later step run): measures a change after generation over the whole set",
    )
    parser.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("A", "B"),
        help="compare two report folders question by question (no questions are asked)",
    )


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def run_from_args(args: argparse.Namespace) -> int:
    """Run or compare as the arguments say. Exit code 1 when a threshold fails, else 0."""
    if args.compare:
        from evals.compare import compare_reports

        print(compare_reports(*args.compare))
        return 0
    if args.judge:
        return _judge_only(args)
    from evals.dataset import QA_PATH, load_items, select_items
    from evals.report import REPORTS_DIR
    from evals.runner import run_eval
    from evals.thresholds import THRESHOLDS_PATH

    qa_file = args.qa or QA_PATH
    items = load_items(qa_file)
    chosen = select_items(items, _split(args.ids), _split(args.types), args.per_type, args.limit)
    if not chosen:
        print("error: no question matches the selection.", file=sys.stderr)
        return 2
    import rag

    settings = settings_from_args(args)
    if args.replay and settings.llm_backend == "none":
        print(
            "error: --replay replays a language model's drafts: pass --llm local or openai.",
            file=sys.stderr,
        )
        return 2
    # A read never builds the index: a first `rag eval` on a fresh clone builds it here.
    if rag.configure(settings).ensure_index() is not None:
        print("No index yet: built it first.", file=sys.stderr)
    results = run_eval(
        settings,
        chosen,
        progress=not args.quiet,
        subset=len(chosen) < len(items),
        report_root=args.out or REPORTS_DIR,
        thresholds=args.thresholds or THRESHOLDS_PATH,
        qa_file=qa_file,
        judge_pairs=not args.no_judge,
        gate_table=_sample_table(args, settings.llm_backend),
        replay=args.replay,
    )
    if args.quiet:
        print(results["report_dir"])
    gate = results["thresholds"]
    if gate["checked"] and gate["failures"] and not args.no_check:
        print(
            f"error: {len(gate['failures'])} metric(s) failed their [{gate['backend']}] "
            f"threshold in {args.thresholds or THRESHOLDS_PATH}.",
            file=sys.stderr,
        )
        return 1
    return 0


def _sample_table(args: argparse.Namespace, backend: str) -> str | None:
    """The thresholds table of a fixed stratified sample (`--per-type N` and nothing else), so
    CI can gate a shorter run; None for any other selection."""
    if args.per_type and not (args.ids or args.types or args.limit or args.qa):
        return f"{backend}-per-type-{args.per_type}"
    return None


def _judge_only(args: argparse.Namespace) -> int:
    import json

    import rag
    from evals.judge_eval import judge_pairs_for, judge_table

    engine = rag.configure(settings_from_args(args))
    engine.ensure_index()
    report = judge_pairs_for(rag.api.chain_for(engine))
    if report is None:
        print("error: the claims judge needs a language model (--llm local or openai).")
        return 2
    print(judge_table(report))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "judge.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m evals ...`."""
    parser = argparse.ArgumentParser(
        prog="python -m evals", description="Evaluate Newsdesk on the hand-written Q&A set."
    )
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))
