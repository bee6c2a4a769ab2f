"""The scaling benchmark's report: derived figures, Markdown tables, the plot and the result
files in bench/results."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.scale_workers import MODES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def derived(r: dict[str, Any]) -> dict[str, Any]:
    """Throughput and time split of one size's result (measured, and extrapolated if cached)."""
    ix = r["index"]
    t = ix["timers_s"]
    embed = t.get("embed_chunks", 0.0) + t.get("embed_sentences", 0.0)
    chroma = t.get("chroma_add_chunks", 0.0) + t.get("chroma_add_sentences", 0.0)
    bm25 = t.get("bm25_build", 0.0) + t.get("bm25_save", 0.0)
    prep = t.get("load_files", 0.0) + t.get("chunking", 0.0) + t.get("records", 0.0)
    d: dict[str, Any] = {
        "chunks": ix["chunks"],
        "sentences": ix["sentences"],
        "records": ix["records"],
        "index_s": ix["index_s"],
        "chunks_per_s": ix["chunks"] / ix["index_s"],
        "records_per_s": ix["records"] / ix["index_s"],
        "split_s": {
            "embed": embed,
            "chroma_write": chroma,
            "bm25": bm25,
            "load_chunk_records": prep,
            "other": ix["index_s"] - embed - chroma - bm25 - prep,
        },
    }
    if r["vectors"] == "real":
        d["embed_chunks_per_s"] = ix["chunks"] / max(t.get("embed_chunks", 0.0), 1e-9)
        d["embed_sentences_per_s"] = ix["sentences"] / max(t.get("embed_sentences", 0.0), 1e-9)
    else:
        rates = ix["real_rates"]
        extrap_embed = (
            ix["chunks"] / rates["chunks"]["per_second"]
            + ix["sentences"] / rates["sentences"]["per_second"]
        )
        extrap_total = ix["index_s"] - embed + extrap_embed
        d["embed_chunks_per_s"] = rates["chunks"]["per_second"]
        d["embed_sentences_per_s"] = rates["sentences"]["per_second"]
        d["extrapolated_real"] = {
            "embed_s": extrap_embed,
            "index_s": extrap_total,
            "chunks_per_s": ix["chunks"] / extrap_total,
            "records_per_s": ix["records"] / extrap_total,
        }
    return d


def tables(results: list[dict[str, Any]]) -> str:
    """Markdown tables of all sizes."""

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out = [
        "Indexing (one `Engine.index()` on an empty RAG_HOME):",
        "",
        row(
            [
                "chunks",
                "files",
                "sentences",
                "vectors",
                "index s",
                "chunks/s",
                "records/s",
                "embed s",
                "Chroma write s",
                "BM25 s",
                "load+chunk s",
                "other s",
                "MiniLM chunks/s, sent./s",
                "peak RSS MB",
            ]
        ),
        row(["---"] * 14),
    ]
    for r in results:
        d = derived(r)
        sp = d["split_s"]
        cps, rps, idx = (
            f"{d['chunks_per_s']:.1f}",
            f"{d['records_per_s']:.1f}",
            f"{d['index_s']:.0f}",
        )
        vec = "real MiniLM"
        if "extrapolated_real" in d:
            x = d["extrapolated_real"]
            vec = "cached word vectors"
            idx += f" (real: ~{x['index_s']:.0f} extrapolated)"
            cps += f" (real: ~{x['chunks_per_s']:.1f} extrapolated)"
            rps += f" (real: ~{x['records_per_s']:.1f} extrapolated)"
        out.append(
            row(
                [
                    f"{d['chunks']:,}",
                    f"{r['index']['files']:,}",
                    f"{d['sentences']:,}",
                    vec,
                    idx,
                    cps,
                    rps,
                    f"{sp['embed']:.0f}",
                    f"{sp['chroma_write']:.0f}",
                    f"{sp['bm25']:.1f}",
                    f"{sp['load_chunk_records']:.0f}",
                    f"{sp['other']:.0f}",
                    f"{d['embed_chunks_per_s']:.1f}, {d['embed_sentences_per_s']:.0f}"
                    + ("" if r["vectors"] == "real" else " (sample)"),
                    f"{r['index']['peak_rss_mb']:.0f}",
                ]
            )
        )
    out += [
        "",
        "Serving (fresh process; latency in-process after warm-up, top 5; ms p50 / p95):",
        "",
        row(
            [
                "chunks",
                "vectors",
                "hybrid",
                "vector",
                "bm25",
                "hybrid parts p50 (embed/chunk HNSW/sent. HNSW/BM25)",
                "hit@5 h/v/b",
                "start-up s (runs)",
                "BM25 rebuilt",
                "serve RSS MB",
                "disk MB (chroma + keyword)",
            ]
        ),
        row(["---"] * 11),
    ]
    for r in results:
        m = r["retrieve"]["modes"]
        c = r["retrieve"]["hybrid_components_p50_ms"]
        su = r["startup"]
        dk = r["disk"]
        out.append(
            row(
                [
                    f"{r['index']['chunks']:,}",
                    "real" if r["vectors"] == "real" else "cached",
                    *(f"{m[x]['p50_ms']:.1f} / {m[x]['p95_ms']:.1f}" for x in MODES),
                    " / ".join(
                        f"{c.get(k, float('nan')):.1f}"
                        for k in ("query_embed", "vector_ids", "sentence_chunk_ids", "bm25_search")
                    ),
                    "/".join(f"{m[x]['hit_at_5']:.2f}" for x in MODES),
                    f"{su['median_s']:.2f} ("
                    + ", ".join(f"{p['startup_s']:.2f}" for p in su["runs"])
                    + ")",
                    "yes" if su["keyword_rebuilt"] else "no",
                    f"{r['retrieve']['peak_rss_mb']:.0f}",
                    f"{dk['total_mb']:.0f} ({dk['chroma_mb']:.0f} + {dk['keyword_mb']:.1f})",
                ]
            )
        )
    return "\n".join(out)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Six panels versus chunk count (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["index"]["chunks"] for r in results]
    ds = [derived(r) for r in results]
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    ax = axes[0][0]
    ax.plot(xs, [d["chunks_per_s"] for d in ds], "o-", label="chunks/s (measured)")
    ax.plot(xs, [d["records_per_s"] for d in ds], "s-", label="records/s (measured)")
    ex = [
        (x, d["extrapolated_real"]) for x, d in zip(xs, ds, strict=True) if "extrapolated_real" in d
    ]
    if ex:
        ax.plot([x for x, _ in ex], [e["chunks_per_s"] for _, e in ex], "o", mfc="none",
                label="chunks/s, real MiniLM (extrapolated)")  # fmt: skip
        ax.plot([x for x, _ in ex], [e["records_per_s"] for _, e in ex], "s", mfc="none",
                label="records/s, real MiniLM (extrapolated)")  # fmt: skip
    ax.set_title("Indexing throughput")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax = axes[0][1]
    for mode in MODES:
        ax.plot(xs, [r["retrieve"]["modes"][mode]["p50_ms"] for r in results], "o-",
                label=f"{mode} p50")  # fmt: skip
        ax.plot(xs, [r["retrieve"]["modes"][mode]["p95_ms"] for r in results], "x--",
                label=f"{mode} p95")  # fmt: skip
    ax.axhline(50, color="grey", lw=0.8, ls=":")
    ax.set_title("Retrieval latency, ms (in-process, top 5)")
    ax.legend(fontsize=7)
    ax = axes[0][2]
    ax.plot(xs, [r["index"]["peak_rss_mb"] for r in results], "o-", label="indexing process")
    ax.plot(xs, [r["retrieve"]["peak_rss_mb"] for r in results], "s-", label="serving process")
    ax.set_title("Peak RSS, MB")
    ax.legend(fontsize=7)
    ax = axes[1][0]
    ax.plot(xs, [r["disk"]["total_mb"] for r in results], "o-", label="RAG_HOME total")
    ax.plot(xs, [r["disk"]["keyword_mb"] for r in results], "s-", label="keyword (BM25)")
    ax.set_yscale("log")
    ax.set_title("Disk, MB")
    ax.legend(fontsize=7)
    ax = axes[1][1]
    ax.plot(xs, [r["startup"]["median_s"] for r in results], "o-", label="to first retrieve")
    for part in ("imports_s", "embed_model_s", "keyword_load_s", "first_retrieve_s"):
        ax.plot(xs, [np.median([p["parts_s"][part] for p in r["startup"]["runs"]])
                     for r in results], ".--", label=part[:-2])  # fmt: skip
    ax.set_title("Fresh-process start-up, s")
    ax.legend(fontsize=7)
    ax = axes[1][2]
    bottom = np.zeros(len(xs))
    labels = [
        f"{x:,}" + ("*" if r["vectors"] != "real" else "") for x, r in zip(xs, results, strict=True)
    ]
    for part in ("embed", "chroma_write", "bm25", "load_chunk_records", "other"):
        vals = np.array([d["split_s"][part] / d["index_s"] for d in ds])
        ax.bar(labels, vals, bottom=bottom, label=part)
        bottom += vals
    ax.set_title("Indexing time split (* = cached vectors)")
    ax.legend(fontsize=7)
    for a in axes.flat[:5]:
        a.set_xscale("log")
        a.set_xlabel("chunks")
        a.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(
    results: list[dict[str, Any]], meta: dict[str, Any], stamp: str | None = None
) -> Path:
    """JSON + PNG in bench/results; prints the tables. Returns the JSON path."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS / f"scale-{stamp}.json"
    payload = {**meta, "sizes": [{**r, "derived": derived(r)} for r in results]}
    json_path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    plot(results, json_path.with_suffix(".png"))
    print(tables(results))
    print(f"\nResults: {json_path.relative_to(ROOT)} and {json_path.with_suffix('.png').name}")
    return json_path
