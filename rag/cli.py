"""The `rag` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, get_args

from rag.cli_corpus import add_corpus_commands
from rag.config import LlmBackend, RetrievalMode, settings_from_args
from rag.errors import RagError
from rag.types import Answer

if TYPE_CHECKING:
    from rag.engine import Engine

LLM_CHOICES = list(get_args(LlmBackend))
MODE_CHOICES = list(get_args(RetrievalMode))


def ready_engine(args: argparse.Namespace, question: str | None = None) -> Engine:
    """The public API's engine for these arguments, with an index: a first question on a fresh
    clone builds it here, deliberately and said on stderr (a read never writes the index). A
    bad `question` is a QuestionError before anything is built."""
    import rag
    from rag.question_check import check_question

    engine = rag.configure(settings_from_args(args))
    if question is not None:
        check_question(question, engine.settings.max_question_chars)
    report = engine.ensure_index()
    if report is not None:
        print(f"No index yet, built it first: {report.summary()}", file=sys.stderr)
    return engine


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--source, --outlet (repeatable), --since, --until: which articles a question may use."""
    group = parser.add_argument_group("filters (only matching articles are searched and cited)")
    group.add_argument(
        "--source", action="append", metavar="FILE", help="article path in the corpus (repeatable)"
    )
    group.add_argument(
        "--outlet", action="append", metavar="NAME", help="outlet name, e.g. BBC (repeatable)"
    )
    group.add_argument("--since", metavar="YYYY-MM-DD", help="articles dated on or after this")
    group.add_argument("--until", metavar="YYYY-MM-DD", help="articles dated on or before this")


def filters_from_args(args: argparse.Namespace) -> dict[str, object] | None:
    """The `filters` dict of rag.retrieve/ask from the filter options; None when none is given."""
    given = {
        "sources": getattr(args, "source", None),
        "outlets": getattr(args, "outlet", None),
        "since": getattr(args, "since", None),
        "until": getattr(args, "until", None),
    }
    filters = {k: v for k, v in given.items() if v is not None}
    return filters or None


def outlet_date(outlet: str, date: str) -> str:
    """ "BBC, 2025-05-23" as far as they are known, with a leading space; "" when neither is."""
    known = ", ".join(x for x in (outlet, date) if x)
    return f" {known}" if known else ""


def copies_line(also_in: Sequence[dict[str, str]]) -> str:
    """Where else a story appeared: "005_wire.txt AP, 2025-05-25; ..."."""
    return "; ".join(f"{c['source']}{outlet_date(c['outlet'], c['date'])}" for c in also_in)


def cmd_search(args: argparse.Namespace) -> int:
    """Print ranked passages."""
    import rag

    ready_engine(args, args.question)
    passages = rag.retrieve(args.question, top_k=args.top_k, filters=filters_from_args(args))
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("No passage matches.")
    for rank, p in enumerate(passages, 1):
        print(
            f"{rank}. {p.title}  [{p.source}{outlet_date(p.outlet, p.date)} {p.start}:{p.end}]  "
            f"score {p.score:.4f}  similarity {p.similarity:.3f}"
        )
        if p.also_in:
            print(f"   also in: {copies_line(p.also_in)}")
        print("   " + p.text.replace("\n", " ")[:400])
    return 0


def print_answer(answer: Answer) -> None:
    """The answer, its backend and timings, then its numbered sources."""
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            quote = " ".join(c.quote.split())
            where = f"{c.source}{outlet_date(c.outlet, c.date)}"
            print(f'  [{c.marker}] {c.title} ({where} {c.start}:{c.end})\n      "{quote}"')
            if c.also_in:
                print(f"      also in: {copies_line(c.also_in)}")
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in answer.timings.items())
    print(f"\n-- answered by {answer.backend}; {timings}", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question."""
    import rag

    ready_engine(args, args.question)
    answer = rag.ask(args.question, filters=filters_from_args(args))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """A terminal chat with history and streaming."""
    import rag
    from rag.filters import check_filters

    ready_engine(args)
    filters = filters_from_args(args)
    check_filters(filters)  # a bad filter is reported once, before the chat starts
    history: list[dict[str, str]] = []
    print("Newsdesk chat: ask about the news corpus. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        try:
            answer = None
            print("newsdesk> ", end="", flush=True)
            for item in rag.ask_stream(question, history, filters=filters):
                if isinstance(item, str):
                    print(item, end="", flush=True)
                else:
                    answer = item
            print("\n")
        except rag.RagError as exc:
            print(f"\nerror: {exc}")
            continue
        if answer is not None:
            print("-- verified answer --")
            print_answer(answer)
            history += [
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer.text},
            ]


def cmd_ui(args: argparse.Namespace) -> int:
    """Serve the chat in a browser (127.0.0.1 unless --host or RAG_UI_HOST says otherwise)."""
    import rag
    from ui.app import launch

    engine = rag.configure(settings_from_args(args))
    print(engine.index(progress=False).summary())  # the first question does not wait for it
    launch(args.host, args.port)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Run the evaluation suite (or compare two reports); non-zero below a threshold."""
    from evals.cli import run_from_args

    return run_from_args(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="rag", description="Newsdesk: question answering over a news corpus, with citations."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True)

    add_corpus_commands(sub)

    p = sub.add_parser(
        "search",
        help="print the passages that best match a question",
        description="Retrieve ranked passages with title, score and offsets.",
    )
    p.add_argument("question")
    p.add_argument("-k", "--top-k", type=int, help="passages to show (default RAG_TOP_K, 5)")
    p.add_argument("--mode", choices=MODE_CHOICES, help="retrieval mode")
    p.add_argument("--corpus", help="corpus folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "ask",
        help="answer a question with cited sources",
        description="Answer one question; every claim cites its article and quote.",
    )
    p.add_argument("question")
    p.add_argument("--llm", choices=LLM_CHOICES, help="generator backend")
    p.add_argument("--corpus", help="corpus folder")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser(
        "chat",
        help="chat in the terminal (follow-up questions, streaming)",
        description="A terminal chat that keeps history for follow-up questions.",
    )
    p.add_argument("--llm", choices=LLM_CHOICES, help="generator backend")
    p.add_argument("--corpus", help="corpus folder")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser(
        "ui",
        help="serve the chat in a browser",
        description="Serve the Gradio chat on 127.0.0.1:7860 (RAG_UI_HOST/RAG_UI_PORT to change; "
        "RAG_UI_PASSWORD requires a login as RAG_UI_USER, default 'newsdesk').",
    )
    p.add_argument("--host", help="address to bind (default RAG_UI_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default RAG_UI_PORT or 7860)")
    p.add_argument("--llm", choices=LLM_CHOICES, help="generator backend")
    p.add_argument("--corpus", help="corpus folder")
    p.set_defaults(func=cmd_ui)

    from evals.cli import add_arguments  # argparse only: cheap

    p = sub.add_parser(
        "eval",
        help="evaluate answers on the hand-written Q&A pairs",
        description="Run evals/qa.jsonl through rag.ask, write evals/reports/<timestamp>/, and "
        "exit non-zero when a metric falls below its threshold in evals/thresholds.toml.",
    )
    add_arguments(p)
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `rag` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func: Callable[[argparse.Namespace], int] = args.func
    from rag.signals import exit_cleanly_on_signals

    exit_cleanly_on_signals()  # SIGTERM/SIGHUP must not leave a llama.cpp server behind
    try:
        return func(args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
