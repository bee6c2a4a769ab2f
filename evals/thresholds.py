"""Quality gates: the least (or, for lower-is-better metrics, the most) each metric may reach,
per generator backend, read from evals/thresholds.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from evals.aggregate import LOWER_IS_BETTER, METRICS

THRESHOLDS_PATH = Path(__file__).parent / "thresholds.toml"


def load_thresholds(backend: str, path: Path = THRESHOLDS_PATH) -> dict[str, float]:
    """The thresholds of one backend's table ([none], [local], ...); {} when it has none.

    Raises ValueError naming the file and key when a key is not a known metric.
    """
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    table = data.get(backend, {})
    unknown = sorted(set(table) - set(METRICS))
    if unknown:
        raise ValueError(
            f"{path} [{backend}]: unknown metric(s) {', '.join(unknown)}; "
            f"known: {', '.join(METRICS)}."
        )
    return {k: float(v) for k, v in table.items()}


def check_thresholds(overall: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """One message per metric on the wrong side of its threshold (empty: all pass).

    A metric that could not be measured (None) is a failure too: a gate that cannot be checked
    must not pass silently.
    """
    failures = []
    for name, limit in thresholds.items():
        value = overall.get(name)
        if value is None:
            failures.append(f"{name}: not measured (threshold {limit:.3f})")
        elif name in LOWER_IS_BETTER and value > limit:
            failures.append(f"{name} = {value:.3f} is above its maximum {limit:.3f}")
        elif name not in LOWER_IS_BETTER and value < limit:
            failures.append(f"{name} = {value:.3f} is below its minimum {limit:.3f}")
    return failures
