"""Many chat users at once against the app's `/ask` endpoint: latency, errors, answer checks.

Run: .venv/bin/python bench/load_bench.py [--backend none] [--users 20] [--turns 3]
     .venv/bin/python bench/load_bench.py --backend local --users 4 --turns 2
Indexes the shipped corpus into a temporary data folder (the local model is assembled in
RAG_MODEL_DIR, default .rag/models), serves the chat on a free 127.0.0.1 port, and runs each
user's conversation through its own gradio_client in its own thread, all starting together.
Every answer is checked (citations valid, the cited article is the one the user's question is
about, follow-ups resolved against the user's own history; with `none`, identical to the answer
the engine gives to the same conversation alone). Prints a Markdown latency table and writes
bench/results/load_<backend>.json. tests/test_load.py runs the same code.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rag
from bench.common import citation_problems, percentile
from bench.load_conversations import LOCAL_CONVERSATIONS, Conversation, Turn, conversations
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from rag.local_llm import free_port

RESULTS = Path(__file__).parent / "results"
SUMMARY_FIELDS = ("text", "refused", "backend", "timings")  # of each answer, in the JSON
HANG_LIMIT = 600.0  # seconds; a load run still going after this has hung


@dataclass
class TurnResult:
    """What one user got for one turn (the answer as the endpoint's JSON, or the error)."""

    user: int
    turn: int
    question: str
    seconds: float
    answer: dict[str, Any] | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)


def history_after(question: str, answer: dict[str, Any]) -> list[dict[str, str]]:
    """The messages a turn adds to its user's history."""
    return [
        {"role": "user", "content": question},
        {"role": "assistant", "content": answer["text"]},
    ]


def reference_answers(
    engine: Engine, convs: list[Conversation]
) -> dict[tuple[int, int], dict[str, Any]]:
    """What the engine answers to each conversation asked alone, in-process, one at a time."""
    expected: dict[tuple[int, int], dict[str, Any]] = {}
    for conversation in convs:
        history: list[dict[str, str]] = []
        for n, turn in enumerate(conversation.turns):
            answer = rag.api.chain_for(engine).ask(turn.question, list(history)).to_dict()
            expected[(conversation.user, n)] = answer
            history += history_after(turn.question, answer)
    return expected


def run_user(url: str, conversation: Conversation, start: threading.Barrier) -> list[TurnResult]:
    """One user: its own client, its own history, its turns in order (stops at an error)."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, analytics_enabled=False)
    except Exception as exc:
        start.abort()  # the others go ahead without waiting for this one
        first = conversation.turns[0].question
        return [TurnResult(conversation.user, 0, first, 0.0, error=f"connecting: {exc!r}")]
    with suppress(threading.BrokenBarrierError):  # broken: a user could not connect
        start.wait(timeout=120)  # every user connected: the first questions arrive together
    history: list[dict[str, str]] = []
    results = []
    for n, turn in enumerate(conversation.turns):
        began = time.perf_counter()
        result = TurnResult(conversation.user, n, turn.question, 0.0)
        try:
            result.answer = client.predict(turn.question, json.dumps(history), api_name="/ask")
        except Exception as exc:  # the endpoint's error, reported per turn
            result.error = f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - began
        results.append(result)
        if result.answer is None:
            break
        history += history_after(turn.question, result.answer)
    return results


def run_load(url: str, convs: list[Conversation]) -> tuple[list[TurnResult], float]:
    """All conversations at once, one thread each; (results, wall seconds). TimeoutError when
    users are still waiting after HANG_LIMIT seconds."""
    start = threading.Barrier(len(convs))
    began = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=len(convs))
    futures = [pool.submit(run_user, url, c, start) for c in convs]
    _, pending = wait(futures, timeout=HANG_LIMIT)
    pool.shutdown(wait=not pending, cancel_futures=True)
    if pending:
        raise TimeoutError(f"{len(pending)} users still waiting after {HANG_LIMIT:.0f} s")
    results = [r for f in futures for r in f.result()]
    return results, time.perf_counter() - began


def check(
    result: TurnResult,
    turn: Turn,
    corpus: Path,
    expected: dict[str, Any] | None = None,
    allow_refusal: bool = False,
) -> list[str]:
    """What is wrong with one answer (empty when nothing is): an error, invalid citations, no
    citation from the question's article, a refusal when not allowed, or a difference from the
    answer the same conversation gets alone."""
    where = f"user {result.user} turn {result.turn} ({result.question!r})"
    if result.answer is None:
        return [f"{where}: {result.error}"]
    answer = result.answer
    problems = []
    checked = rag.Answer(
        answer["text"], [rag.Citation(**c) for c in answer["citations"]], answer["refused"]
    )
    problems += [f"{where}: invalid citations: {p}" for p in citation_problems(checked, corpus)]
    if answer["refused"]:
        if not allow_refusal:
            problems.append(f"{where}: refused")
    elif not {c["source"] for c in answer["citations"]} & set(turn.sources):
        cited = ", ".join(sorted({c["source"] for c in answer["citations"]}))
        problems.append(f"{where}: cites {cited}, not the question's {', '.join(turn.sources)}")
    if expected is not None and (answer["text"], answer["citations"]) != (
        expected["text"],
        expected["citations"],
    ):
        problems.append(f"{where}: {answer['text']!r} differs from alone: {expected['text']!r}")
    return problems


def check_all(
    results: list[TurnResult],
    convs: list[Conversation],
    corpus: Path,
    expected: dict[tuple[int, int], dict[str, Any]] | None = None,
    allow_refusal: bool = False,
) -> list[str]:
    """Every problem of every turn (each result's `problems` is filled in too)."""
    by_user = {c.user: c for c in convs}
    for r in results:
        reference = expected.get((r.user, r.turn)) if expected else None
        turn = by_user[r.user].turns[r.turn]
        r.problems = check(r, turn, corpus, reference, allow_refusal)
    missing = sum(len(c.turns) for c in convs) - len(results)
    extra = [f"{missing} turns never ran (their user stopped at an error)"] if missing else []
    return [p for r in results for p in r.problems] + extra


def latency(results: list[TurnResult], wall: float) -> dict[str, float]:
    """Seconds per answered question as the users saw them (queueing included)."""
    seconds = [r.seconds for r in results if r.answer is not None]
    if not seconds:
        return {"questions": 0, "wall_s": wall}
    return {
        "questions": len(seconds),
        "p50_s": percentile(seconds, 50),
        "p95_s": percentile(seconds, 95),
        "max_s": max(seconds),
        "mean_s": statistics.fmean(seconds),
        "wall_s": wall,
        "per_minute": 60 * len(seconds) / wall,
    }


def table(label: str, users: int, numbers: dict[str, float], problems: int) -> str:
    """The latency numbers as a Markdown table."""
    head = "| run | users | questions | p50 | p95 | max | wall | answers/min | problems |"
    row = (
        f"| {label} | {users} | {numbers['questions']:.0f} | {numbers.get('p50_s', 0):.2f} s "
        f"| {numbers.get('p95_s', 0):.2f} s | {numbers.get('max_s', 0):.2f} s "
        f"| {numbers['wall_s']:.1f} s | {numbers.get('per_minute', 0):.1f} | {problems} |"
    )
    return "\n".join([head, "|---|---|---|---|---|---|---|---|---|", row])


@contextmanager
def serve(engine: Engine, queue_size: int) -> Iterator[str]:
    """The chat app answering from `engine` on a free 127.0.0.1 port (no login); yields its
    URL. `queue_size` questions may wait (RAG_UI_QUEUE_SIZE), so that many users fit."""
    from ui.app import launch

    saved = {k: os.environ.get(k) for k in ("RAG_UI_QUEUE_SIZE", "RAG_UI_PASSWORD")}
    os.environ["RAG_UI_QUEUE_SIZE"] = str(queue_size)
    os.environ.pop("RAG_UI_PASSWORD", None)
    with rag.using(engine):
        try:
            app = launch("127.0.0.1", free_port(), prevent_thread_lock=True, quiet=True)
            try:
                if not app.local_url:
                    raise RuntimeError("the chat app did not report its URL")
                yield app.local_url
            finally:
                app.close()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["none", "local"], default="none")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--turns", type=int, default=3, help="turns per user (at most 3)")
    parser.add_argument(
        "--queue-size", type=int, help="RAG_UI_QUEUE_SIZE (default: the larger of 16 and users)"
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="load-bench-"))
    model_dir = Path(os.environ.get("RAG_MODEL_DIR") or PROJECT_ROOT / ".rag" / "models")
    engine = Engine(Settings(home=home, llm=args.backend, model_dir=model_dir))
    engine.index(progress=False)
    rag.api.chain_for(engine).ask(
        "warm-up: who is Medinsky?"
    )  # loads models, starts the local server
    only = LOCAL_CONVERSATIONS if args.backend == "local" else None
    convs = conversations(args.users, args.turns, only)
    deterministic = args.backend == "none"
    expected = reference_answers(engine, convs) if deterministic else None
    from ui.settings import UiSettings

    queue_size = args.queue_size or max(UiSettings().queue_size, args.users)
    with serve(engine, queue_size) as url:
        results, wall = run_load(url, convs)
    corpus = engine.settings.corpus
    problems = check_all(results, convs, corpus, expected, allow_refusal=not deterministic)
    numbers = latency(results, wall)
    print(table(args.backend, args.users, numbers, len(problems)))
    for problem in problems:
        print("-", problem)
    settings = {"turns": args.turns, "queue_size": queue_size}
    print(f"wrote {write_report(args.backend, args.users, settings, numbers, problems, results)}")


def write_report(
    backend: str,
    users: int,
    settings: dict[str, Any],
    numbers: dict[str, float],
    problems: list[str],
    results: list[TurnResult],
) -> Path:
    """bench/results/load_<backend>.json: the numbers, problems and every turn (answers cut to
    SUMMARY_FIELDS)."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"load_{backend}.json"
    turns = [
        asdict(r) | {"answer": r.answer and {k: r.answer[k] for k in SUMMARY_FIELDS}}
        for r in results
    ]
    report = {"backend": backend, "users": users, **settings, "cpus": os.cpu_count()}
    report |= {**numbers, "problems": problems, "results": turns}
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
