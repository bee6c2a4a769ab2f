"""metrics_by_type.png: a heat map of every headline metric for each question type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

PLOT_METRICS = (
    ("hit_at_1", "hit@1"),
    ("hit_at_5", "hit@5"),
    ("mrr", "MRR"),
    ("key_fact_recall", "KF recall"),
    ("key_fact_accuracy", "KF accuracy"),
    ("citation_precision", "cite precision"),
    ("citation_recall", "cite recall"),
    ("support_rate", "support"),
    ("refusal_accuracy", "refusal acc"),
    ("false_refusal_rate", "false refusals"),
    ("pass_rate", "pass"),
)


def plot_metrics_by_type(metrics: dict[str, Any], path: Path, title: str) -> Path:
    """Save a types x metrics heat map (blank where a metric does not apply); returns `path`."""
    groups = {"overall": metrics["overall"], **metrics["by_type"]}
    rows = list(groups)
    grid = np.array(
        [
            [np.nan if groups[g].get(m) is None else float(groups[g][m]) for m, _ in PLOT_METRICS]
            for g in rows
        ]
    )
    fig, ax = plt.subplots(figsize=(12, 0.55 * len(rows) + 2))
    shown = grid.copy()
    lower = [i for i, (m, _) in enumerate(PLOT_METRICS) if m == "false_refusal_rate"]
    shown[:, lower] = 1 - shown[:, lower]  # colour by goodness: green is good everywhere
    ax.imshow(np.ma.masked_invalid(shown), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(PLOT_METRICS)), [label for _, label in PLOT_METRICS], rotation=35)
    ax.set_yticks(range(len(rows)), [f"{g} (n={groups[g]['n']})" for g in rows])
    for i in range(len(rows)):
        for j in range(len(PLOT_METRICS)):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax.set_title(f"Newsdesk evaluation by question type: {title}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
