"""The `rag index` and `rag add` subcommands: build or update the index, add articles."""

from __future__ import annotations

import argparse
import time
from typing import Any

from rag.config import settings_from_args


def cmd_index(args: argparse.Namespace) -> int:
    """Build or update the index."""
    from index import state

    started = time.perf_counter()
    settings = settings_from_args(args)
    done = None if args.full else state.unchanged(settings.index_place())
    if done is not None:
        print(
            f"Index up to date: {done.get('files')} files, {done.get('chunks')} chunks; nothing "
            f"changed since the last complete run ({time.perf_counter() - started:.2f} s). "
            "`rag index --full` compares every chunk with the store."
        )
        return 0
    import rag

    engine = rag.configure(settings)
    print(engine.index(progress=not args.quiet).summary())
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Add files or fetched pages to the corpus, then index them."""
    import rag

    rag.configure(settings_from_args(args))
    urls = [t for t in args.targets if t.startswith(("http://", "https://"))]
    files = [t for t in args.targets if t not in urls]
    reports = [rag.add_files(files, overwrite=args.overwrite)] if files else []
    reports += [rag.add_url(url) for url in urls]
    for report in reports:
        for line in report.lines():
            print(line)
    return 0 if any(r.changed for r in reports) or not any(r.skipped for r in reports) else 1


def add_corpus_commands(sub: Any) -> None:
    """Register `index` and `add` on the subparsers `sub` of the `rag` parser."""
    p = sub.add_parser(
        "index",
        help="build or update the index of the corpus folder",
        description="Index the corpus (incremental: only changes are embedded).",
    )
    p.add_argument("--corpus", help="corpus folder (default: RAG_CORPUS or the shipped corpus)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--full",
        action="store_true",
        help="check every chunk against the store even when no file seems changed",
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser(
        "add",
        help="add article files or web pages to the corpus and index them",
        description="Copy files (.txt .md .html .pdf .xml .jsonl .csv) or fetch http(s) pages "
        "into the corpus folder, then index them. An existing article is kept unless "
        "--overwrite is given.",
    )
    p.add_argument("targets", nargs="+", metavar="FILE|URL", help="a file path or a page URL")
    p.add_argument("--overwrite", action="store_true", help="replace articles of the same name")
    p.add_argument("--corpus", help="corpus folder (default: RAG_CORPUS or the shipped corpus)")
    p.set_defaults(func=cmd_add)
