"""Run the plain llama-index baseline and write a side-by-side table with Newsdesk.

    python -m evals.baselines.compare_baseline --per-type 3 --newsdesk evals/reports/<local run>

Both systems are scored by the same scorer on the same questions. Newsdesk's rows come from an
existing report (`--newsdesk`, restricted to the same questions) or, without it, from a Newsdesk
run made here after the baseline's (one LLM job at a time on a small machine).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.dataset import QA_PATH, load_items, select_items
from evals.report import REPORTS_DIR, load_results, new_report_dir, short_table, write_report
from evals.runner import answer_items, build_results
from evals.side_by_side import restrict, side_by_side_markdown

BASELINE_MAX_TOKENS = 256  # llama-index's default output budget (num_output)


def local_llm(settings: Any) -> Any:
    """The embedded Qwen model on llama.cpp (started like Newsdesk does), as a llama-index LLM."""
    from evals.baselines.openai_like import OpenAILikeLLM
    from rag.local_llm import MODEL_ALIAS, local_server

    server = local_server(settings)
    return OpenAILikeLLM(
        model=MODEL_ALIAS,
        base_url=server.base_url,
        context_window=settings.llm_context,
        max_tokens=BASELINE_MAX_TOKENS,
    )


def run_baseline(
    items: list, settings: Any, llm: Any, progress: bool = True, previous: list | None = None
) -> dict[str, Any]:
    """Ask every item with the baseline and score it; returns results like `run_eval`.

    With `previous` rows (of an earlier baseline run), only the items whose row there has an
    error are asked again; the other rows are kept as they were.
    """
    kept = {r["id"]: r for r in previous or [] if not r["error"]}
    todo = [i for i in items if i.id not in kept]
    from evals.baselines.plain_llamaindex import TOP_K, PlainLlamaIndex
    from rag.embedders import make_embed_model

    started = time.perf_counter()
    embed_model = make_embed_model(settings.model_copy(update={"embed": "minilm"}))
    system = PlainLlamaIndex(settings.corpus, embed_model, llm)
    warmup = time.perf_counter() - started
    fresh = answer_items(
        todo,
        lambda i: system.ask(i.question, list(i.history) or None),
        embed_model.embed,
        progress,
        desc="baseline",
    )
    by_id = {**kept, **{r["id"]: r for r in fresh}}
    rows = [by_id[i.id] for i in items]
    meta = {
        "label": f"{datetime.now():%Y-%m-%d %H:%M} plain llama-index",
        "system": "plain-llamaindex",
        "backend": type(llm).__name__,
        "questions": len(rows),
        "qa_file": str(QA_PATH),
        "subset": True,
        "settings": {
            "reader": "SimpleDirectoryReader(.txt)",
            "splitter": "SentenceSplitter (default 1024/200)",
            "store": "Chroma (temporary PersistentClient)",
            "embed": "all-MiniLM-L6-v2-int8",
            "engine": f"CitationQueryEngine(similarity_top_k={TOP_K})",
            "max_tokens": BASELINE_MAX_TOKENS,
        },
        "seconds": time.perf_counter() - started,
        "warmup_seconds": warmup,
        "python": platform.python_version(),
        "asked_again": [r["id"] for r in fresh] if previous else [],
    }
    return build_results(rows, meta, None)


def newsdesk_results(args: argparse.Namespace, items: list, settings: Any) -> dict[str, Any]:
    """Newsdesk's results on the same questions: from --newsdesk, or a run made now."""
    ids = [i.id for i in items]
    if args.newsdesk:
        return restrict(load_results(args.newsdesk), ids)
    from evals.runner import run_eval

    return run_eval(settings, items, progress=not args.quiet, subset=True, report_root=args.out)


def write_side_by_side(
    out: Path,
    folder: Path,
    how: str,
    newsdesk: dict[str, Any],
    baseline: dict[str, Any],
    retried_from: Path | None = None,
) -> Path:
    """Write the Newsdesk-vs-baseline table into `folder` and `<out>/<stamp>-side-by-side.md`."""
    ids = ", ".join(r["id"] for r in baseline["rows"])
    intro = (
        f"{len(baseline['rows'])} questions ({how}: {ids}), the same for both systems, scored by "
        f"the same scorer (evals/scoring.py). Newsdesk: {newsdesk['meta']['label']}; baseline "
        f"report: {folder}."
    )
    if baseline["meta"].get("asked_again"):
        again = ", ".join(baseline["meta"]["asked_again"])
        intro += f" Baseline questions that raised in {retried_from} were asked again: {again}."
    table = side_by_side_markdown(
        {"Newsdesk (local)": newsdesk, "plain llama-index": baseline}, intro
    )
    (folder / "side_by_side.md").write_text(table, encoding="utf-8")
    path = Path(out) / f"{folder.name.split('-plain')[0]}-side-by-side.md"
    path.write_text(table, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the baseline, then write the side-by-side table under evals/reports/."""
    parser = argparse.ArgumentParser(prog="python -m evals.baselines.compare_baseline")
    parser.add_argument("--per-type", type=int, help="stratified sample: N questions per type")
    parser.add_argument("--ids", help="only these question ids, comma-separated")
    parser.add_argument("--newsdesk", type=Path, help="a Newsdesk report folder to compare with")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="reports folder")
    parser.add_argument(
        "--retry-errors",
        type=Path,
        metavar="REPORT",
        help="an earlier baseline report: ask again only its questions that raised",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    from rag.config import Settings

    local: dict[str, Any] = {"llm": "local"}  # typed dict: mypy has no pydantic-settings plugin
    settings = Settings(**local)
    ids = [v.strip() for v in args.ids.split(",")] if args.ids else None
    items = select_items(load_items(), ids=ids, per_type=args.per_type)
    how = f"{args.per_type} per type (stratified)" if args.per_type else "selected"
    previous = load_results(args.retry_errors) if args.retry_errors else None
    if previous:
        items = [i for i in load_items() if i.id in {r["id"] for r in previous["rows"]}]
        how = previous["meta"].get("selection", how)
    llm = local_llm(settings)
    rows = previous["rows"] if previous else None
    baseline = run_baseline(items, settings, llm, progress=not args.quiet, previous=rows)
    baseline["meta"]["selection"] = how
    folder = write_report(baseline, new_report_dir(args.out, "plain-llamaindex-local"))
    print(short_table(baseline))
    newsdesk = newsdesk_results(args, items, settings)
    path = write_side_by_side(args.out, folder, how, newsdesk, baseline, args.retry_errors)
    print(f"baseline report: {folder}\nside by side: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
