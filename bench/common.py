"""What the benchmarks share: timers, memory and disk figures, percentiles, and the citation
check a benchmark applies to every answer it gets."""

from __future__ import annotations

import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from evals.metrics import percentile as _percentile
from rag.types import Answer


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100, linear interpolation, as numpy's); 0.0 for no values."""
    value = _percentile(values, q)
    return 0.0 if value is None else float(value)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MiB; ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_bytes(folder: Path) -> int:
    """Bytes allocated on disk under `folder` (like `du`)."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
    return total


class Timers:
    """Accumulated seconds and calls per name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def add(self, name: str, seconds: float) -> None:
        """Count one call of `name` that took `seconds`."""
        self.seconds[name] += seconds
        self.calls[name] += 1

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        """Time the block under `name`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """`func` (a callable the benchmark owns) timed under `name`."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.time(name):
                return func(*args, **kwargs)

        return timed


def citation_problems(answer: Answer, corpus: Path) -> list[str]:
    """DESIGN.md's invariants on `answer` (rag.validate_answer) against the text files of
    `corpus`, one sentence per break ([] when they hold)."""
    from rag.validation import validate_answer

    problems = validate_answer(answer, lambda source: (corpus / source).read_text("utf-8"))
    return problems + [f"[{c.marker}] has no title" for c in answer.citations if not c.title]
