"""The peer benchmark's report: p50/p95 summaries of both systems and the Markdown table."""

from __future__ import annotations

from typing import Any

SYSTEMS = ("newsdesk", "baseline")


def stats(values: list[float]) -> dict[str, float]:
    """p50 / p95 (0 when empty)."""
    from bench.common import percentile as pct

    return {"p50": pct(values, 50), "p95": pct(values, 95), "n": len(values)}


def summarize(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The headline numbers of each system, from the raw measurements."""
    from bench.index_bench import summary

    out: dict[str, dict[str, Any]] = {}
    for name in SYSTEMS:
        r = result["systems"][name]
        answers = r["answers"]
        firsts = [a["first_llm_token"] for a in answers if a["first_llm_token"] is not None]
        servers = [c for c in r["memory"]["children"] if "llama_cpp.server" in c["cmd"]]
        out[name] = {
            "build_s": r["build_s"],
            "server_start_s": r["server_start_s"],
            "retrieve_ms": stats(r["retrieve_ms"]),
            "first_output_s": stats([a["first_output"] for a in answers]),
            "first_llm_token_s": stats(firsts),
            "total_s": stats([a["total"] for a in answers]),
            "llm_calls_mean": sum(a["llm_calls"] for a in answers) / len(answers),
            "refused": sum(a["refused"] for a in answers),
            "process_mb": r["memory"]["process_mb"],
            "server_mb": sum(c["peak_mb"] for c in servers),
            "server_anon_mb": sum(c.get("now_anon_mb", 0.0) for c in servers),
            "server_file_mb": sum(c.get("now_file_mb", 0.0) for c in servers),
            "total_mb": r["memory"]["process_mb"] + sum(c["peak_mb"] for c in servers),
        }
    cold = result["cold_start"]
    for name, keys in (
        ("newsdesk", ("newsdesk_none", "newsdesk_local")),
        ("baseline", ("baseline_retrieve", "baseline_answer")),
    ):
        out[name]["cold_none"] = summary(cold[keys[0]]["runs_s"])
        out[name]["cold_llm"] = summary(cold[keys[1]]["runs_s"])
    return out


def ratio(newsdesk: float | None, baseline: float | None) -> str:
    """baseline / Newsdesk, as '2.35x' ('-' when either is missing or Newsdesk is 0)."""
    if not newsdesk or baseline is None:
        return "-"
    return f"{baseline / newsdesk:.2f}x"


def markdown(result: dict[str, Any]) -> str:
    """The report: headline table with ratios, answers question by question, settings."""
    s = result["summary"]
    nd, bl = s["newsdesk"], s["baseline"]
    n_answers = nd["total_s"]["n"]
    n_retrieve = nd["retrieve_ms"]["n"]
    runs = f"median of {len(nd['cold_none']['runs_s'])}"
    llm_runs = f"median of {len(nd['cold_llm']['runs_s'])}"

    def pair(key: str, q: str, scale: float = 1.0) -> tuple[float, float]:
        return nd[key][q] * scale, bl[key][q] * scale

    rows: list[tuple[str, float | None, float | None, str]] = [
        ("index build, cold, in-process (s)", nd["build_s"], bl["build_s"], ".1f"),
        ("llama.cpp server start (s)", nd["server_start_s"], bl["server_start_s"], ".1f"),
        (f"retrieve p50 (ms, {n_retrieve} questions)", *pair("retrieve_ms", "p50"), ".1f"),
        (f"retrieve p95 (ms, {n_retrieve} questions)", *pair("retrieve_ms", "p95"), ".1f"),
        (
            f"answer first output p50 (s, {n_answers} questions)",
            *pair("first_output_s", "p50"),
            ".2f",
        ),
        ("answer first output p95 (s)", *pair("first_output_s", "p95"), ".2f"),
        ("first token of the first LLM call p50 (s)", *pair("first_llm_token_s", "p50"), ".2f"),
        ("first token of the first LLM call p95 (s)", *pair("first_llm_token_s", "p95"), ".2f"),
        ("answer total p50 (s)", *pair("total_s", "p50"), ".2f"),
        ("answer total p95 (s)", *pair("total_s", "p95"), ".2f"),
        ("LLM calls per answer (mean)", nd["llm_calls_mean"], bl["llm_calls_mean"], ".2f"),
        ("peak RSS, Python process (MB)", nd["process_mb"], bl["process_mb"], ".0f"),
        ("peak RSS, llama.cpp server (MB)", nd["server_mb"], bl["server_mb"], ".0f"),
        ("peak RSS, both (MB)", nd["total_mb"], bl["total_mb"], ".0f"),
        (
            "llama.cpp server RSS at the end, private (MB)",
            nd["server_anon_mb"],
            bl["server_anon_mb"],
            ".0f",
        ),
        (
            "llama.cpp server RSS at the end, mmapped files (MB)",
            nd["server_file_mb"],
            bl["server_file_mb"],
            ".0f",
        ),
        (
            f"cold start without LLM (s, {runs}): `rag ask --llm none` / load index + retrieve",
            nd["cold_none"]["median_s"],
            bl["cold_none"]["median_s"],
            ".2f",
        ),
        (
            f"cold start with local LLM (s, {llm_runs}): `rag ask` / load index + ask",
            nd["cold_llm"]["median_s"],
            bl["cold_llm"]["median_s"],
            ".2f",
        ),
    ]
    lines = [
        "# Newsdesk vs plain llama-index: speed and memory",
        "",
        f"{result['started']} on {result['machine']}, {result['cpus']} CPUs, Python "
        f"{result['python']}; load average {result['load_before'][0]:.2f} before, "
        f"{result['load_after'][0]:.2f} after; total {result['total_s'] / 60:.1f} min.",
        "",
        "| measure | Newsdesk | plain llama-index | baseline / Newsdesk |",
        "|---|---|---|---|",
    ]
    for label, a, b, f in rows:
        fa = "-" if a is None else format(a, f)
        fb = "-" if b is None else format(b, f)
        lines.append(f"| {label} | {fa} | {fb} | {ratio(a, b)} |")
    lines += [
        f"| index contents | {result['systems']['newsdesk']['index_contents']} | "
        f"{result['systems']['baseline']['index_contents']} | |",
        f"| answers refused (of {n_answers}) | {nd['refused']} | {bl['refused']} | |",
        "",
        "## Answers question by question (seconds)",
        "",
        "| id | type | Newsdesk first / total | Newsdesk | baseline first / total (LLM calls) "
        "| baseline |",
        "|---|---|---|---|---|---|",
    ]
    base = {a["id"]: a for a in result["systems"]["baseline"]["answers"]}
    for a in result["systems"]["newsdesk"]["answers"]:
        b = base[a["id"]]
        verdict_a = "refused" if a["refused"] else "answered"
        verdict_b = "refused" if b["refused"] else "answered"
        lines.append(
            f"| {a['id']} | {a['type']} | {a['first_output']:.1f} / {a['total']:.1f} | "
            f"{verdict_a} ({a['backend']}) | {b['first_output']:.1f} / {b['total']:.1f} "
            f"({b['llm_calls']}) | {verdict_b} |"
        )
    lines += ["", "## Settings", "", "| setting | Newsdesk | plain llama-index |", "|---|---|---|"]
    settings = {n: result["systems"][n]["settings"] for n in SYSTEMS}
    servers = {n: result["systems"][n]["server"] for n in SYSTEMS}
    for key in settings["newsdesk"]:
        values = " | ".join(str(settings[n].get(key, "-")) for n in SYSTEMS)
        lines.append(f"| {key} | {values} |")
    for key in sorted(set(servers["newsdesk"]) | set(servers["baseline"])):
        lines.append(
            f"| llama.cpp {key} | {servers['newsdesk'].get(key, '-')} | "
            f"{servers['baseline'].get(key, '-')} |"
        )
    same = "the same" if servers["newsdesk"] == servers["baseline"] else "DIFFERENT"
    lines += [
        "",
        f"llama.cpp server flags: {same} for both (llama-cpp-python server, one per system, "
        "model Qwen2.5-Coder-1.5B-Instruct Q4_K_M). Embedding: int8 all-MiniLM-L6-v2 (ONNX) for "
        "both. Method: see the docstring of bench/peer_bench.py.",
    ]
    return "\n".join(lines) + "\n"
