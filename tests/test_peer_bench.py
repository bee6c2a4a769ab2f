"""bench/peer_bench.py (and its report, bench/peer_report.py) without models: its command line,
question choice and report table."""

from __future__ import annotations

import pytest

from bench import peer_bench, peer_report


def test_arguments_and_their_checks():
    args = peer_bench.parse_args([])
    assert (args.questions, args.runs, args.llm_runs, args.system) == (8, 3, 2, None)
    assert peer_bench.parse_args(["--questions", "1"]).questions == 1
    for bad in (["--questions", "0"], ["--system", "baseline"], ["--system", "other"]):
        with pytest.raises(SystemExit):
            peer_bench.parse_args(bad)


def test_questions_are_stratified_and_stable():
    eight = peer_bench.pick_questions(8)
    assert len(eight) == 8 and not any(i.history for i in eight)
    kinds = [i.type for i in eight]
    assert len(set(kinds[:6])) == 6  # one of each type before any type repeats
    assert [i.id for i in peer_bench.pick_questions(8)] == [i.id for i in eight]
    assert peer_bench.pick_questions(1)[0].id == eight[0].id


def _system(seconds: float, calls: int) -> dict:
    answer = {
        "id": "q001",
        "type": "single-fact",
        "first_output": seconds,
        "first_llm_token": seconds,
        "total": 2 * seconds,
        "llm_calls": calls,
        "refused": False,
        "backend": "local",
        "text": "x",
    }
    server = {"cmd": ["python", "-m", "llama_cpp.server"], "peak_mb": 1000.0, "pid": 2}
    return {
        "server_start_s": 3.0,
        "build_s": 10 * seconds,
        "index_contents": "n vectors",
        "retrieve_ms": [seconds, 2 * seconds],
        "answers": [answer],
        "settings": {"top_k": 5},
        "memory": {"process_mb": 500.0, "children": [server]},
        "server": {"n_ctx": "4096"},
    }


def test_summary_table_has_ratios():
    runs = {"runs_s": [2.0]}
    result = {
        "started": "now",
        "machine": "x86_64",
        "cpus": 2,
        "python": "3.11",
        "load_before": (1.0, 1.0, 1.0),
        "load_after": (1.0, 1.0, 1.0),
        "total_s": 60.0,
        "systems": {"newsdesk": _system(1.0, 1), "baseline": _system(4.0, 2)},
        "cold_start": {
            k: runs
            for k in ("newsdesk_none", "newsdesk_local", "baseline_retrieve", "baseline_answer")
        },
    }
    result["summary"] = peer_report.summarize(result)
    table = peer_report.markdown(result)
    assert "| index build, cold, in-process (s) | 10.0 | 40.0 | 4.00x |" in table
    assert "| LLM calls per answer (mean) | 1.00 | 2.00 | 2.00x |" in table
    assert "| peak RSS, both (MB) | 1500 | 1500 | 1.00x |" in table
    assert "llama.cpp server flags: the same for both" in table
    assert peer_report.ratio(0.0, 1.0) == "-" and peer_report.ratio(2.0, 1.0) == "0.50x"
