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
from evals.dataset import load_items
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from rag.local_llm import free_port

RESULTS = Path(__file__).parent / "results"
SUMMARY_FIELDS = ("text", "refused", "backend", "timings")  # of each answer, in the JSON
HANG_LIMIT = 600.0  # seconds; a load run still going after this has hung

# The eval set's follow-ups used, each asked after the question of its history (q060 is left
# out: the extractive backend answers its first question from another article).
MULTI_TURN = ["q014", "q015", "q028", "q029", "q044", "q045", "q061", "q062", "q079", "q080"]
# Follow-ups that only make sense after the eval question they follow: the answer must come from
# that question's article, so it is resolved against the user's own history.
FOLLOW_UPS = {
    "q001": "Where were the others still going to meet after that?",
    "q016": "Who said so, and after which call?",
    "q046": "What does he expect Russia to do next?",
    "q063": "What time was it when that happened?",
    "q031": "How many supporters does their bill have?",
    "q012": "Why does he say that is impossible?",
    "q070": "When was he asked that?",
    "q057": "Which regions are those?",
    "q032": "What did Gorka expect from a Trump-Putin meeting?",
    "q064": "At what time did he say it?",
}
# For the slow local model: four conversations about four different articles, each fact found in
# one article only, so an answer cites its own question's article or refuses.
LOCAL_CONVERSATIONS = ["q014", "q045", "q061", "q079"]
# A third turn on another article: a change of topic must not stick to the previous one.
TOPIC_CHANGES = ["q058", "q042", "q076", "q022", "q013", "q056", "q036", "q040", "q071", "q048"]


@dataclass(frozen=True)
class Turn:
    """One question of a conversation and the articles its answer must come from."""

    question: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Conversation:
    """One user's questions, asked in order, each with the history of the ones before."""

    user: int
    turns: tuple[Turn, ...]


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


def conversation_pool(only: list[str] | None = None) -> list[tuple[Turn, ...]]:
    """Every distinct conversation (or those starting from the eval ids in `only`): the eval
    set's follow-ups asked after the question of their history, then eval questions with a
    follow-up and a change of topic."""
    by_id = {item.id: item for item in load_items()}
    pool: list[tuple[Turn, ...]] = []
    for item in (by_id[i] for i in MULTI_TURN if not only or i in only):
        sources = tuple(item.sources)
        pool.append((Turn(item.history[0]["content"], sources), Turn(item.question, sources)))
    for (first, follow_up), change in zip(FOLLOW_UPS.items(), TOPIC_CHANGES, strict=True):
        if only and first not in only:
            continue
        sources = tuple(by_id[first].sources)
        pool.append(
            (
                Turn(by_id[first].question, sources),
                Turn(follow_up, sources),
                Turn(by_id[change].question, tuple(by_id[change].sources)),
            )
        )
    return pool


def conversations(users: int, turns: int = 3, only: list[str] | None = None) -> list[Conversation]:
    """`users` conversations of at most `turns` turns, spread over the articles: consecutive
    users ask about different articles, so a crossed answer cites the wrong one."""
    pool = conversation_pool(only)
    if users > len(pool):
        raise ValueError(f"{users} users, but only {len(pool)} distinct conversations exist.")
    by_article: dict[str, list[tuple[Turn, ...]]] = {}
    for conversation in pool:
        by_article.setdefault(conversation[0].sources[0], []).append(conversation)
    spread = [c for group in round_robin(list(by_article.values())) for c in group]
    return [Conversation(n, turns_[:turns]) for n, turns_ in enumerate(spread[:users])]


def round_robin(groups: list[list[Any]]) -> list[list[Any]]:
    """Round-robin rows: the first of every group, then the second of every group, ..."""
    depth = max(len(g) for g in groups)
    return [[g[i] for g in groups if i < len(g)] for i in range(depth)]


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
