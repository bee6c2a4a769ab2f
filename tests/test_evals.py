"""The evaluation suite: the Q&A file itself, the metric functions, scoring, reports, compare.

Everything here is fast and needs no model, except the last test, which runs the runner end to
end on five questions with the `none` backend over the session's indexed corpus.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from evals import metrics
from evals.aggregate import group_metrics, summarize
from evals.compare import classify, compare_results
from evals.dataset import TYPES, QAItem, load_items, select_items, stratified
from evals.report import cell, write_report
from evals.runner import build_results
from evals.scoring import answer_claims, judge_sentences, score_answer, sentence_verdicts
from evals.side_by_side import restrict, side_by_side_markdown
from evals.thresholds import check_thresholds, load_thresholds
from rag.config import PROJECT_ROOT
from rag.types import Answer, Citation, Passage

CORPUS = PROJECT_ROOT / "corpus"
ITEMS = load_items()


# --- the Q&A file ---------------------------------------------------------------------------


def test_qa_file_has_enough_items_of_every_kind():
    assert len(ITEMS) >= 60
    assert len({i.id for i in ITEMS}) == len(ITEMS), "question ids must be unique"
    per_type = Counter(i.type for i in ITEMS)
    assert set(per_type) == set(TYPES)
    assert all(n >= 6 for n in per_type.values()), per_type
    per_article = Counter(s for i in ITEMS for s in i.sources)
    articles = sorted(p.name for p in CORPUS.glob("*.txt"))
    assert all(per_article[a] >= 10 for a in articles), per_article


def test_qa_items_are_well_formed():
    for item in ITEMS:
        assert item.question.strip() and item.answer.strip(), item.id
        assert item.difficulty in ("easy", "medium", "hard"), item.id
        assert all((CORPUS / s).is_file() for s in item.sources), item.id
        if item.answerable:
            assert item.sources and item.key_facts, item.id
            assert all(v.strip() for fact in item.key_facts for v in fact), item.id
        else:
            assert not item.sources and not item.key_facts, item.id
        if item.type == "multi-turn":
            assert item.history and item.history[-1]["role"] == "assistant", item.id
        assert all(m["role"] in ("user", "assistant") and m["content"] for m in item.history)


def test_every_key_fact_occurs_in_a_source_article():
    texts = {p.name: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    missing = [
        (item.id, fact)
        for item in ITEMS
        if item.answerable
        for fact in item.key_facts
        if not any(metrics.fact_found(fact, texts[s]) for s in item.sources)
    ]
    assert not missing, missing


def test_stratified_selection_is_deterministic_and_balanced():
    chosen = stratified(ITEMS, 3)
    assert Counter(i.type for i in chosen) == {t: 3 for t in TYPES}
    assert [i.id for i in chosen] == [i.id for i in stratified(ITEMS, 3)]
    assert [i.id for i in select_items(ITEMS, ids=["q002", "q001"])] == ["q001", "q002"]
    assert len(select_items(ITEMS, types=["quote"], limit=2)) == 2
    with pytest.raises(ValueError, match="q999"):
        select_items(ITEMS, ids=["q999"])


# --- metric functions -----------------------------------------------------------------------


def test_key_facts_match_case_insensitively_without_markers():
    assert metrics.fact_found(["Medinsky"], "led by vladimir MEDINSKY [1].")
    assert metrics.fact_found(["Putin’s aide"], "Putin's aide")  # typographic apostrophe
    assert not metrics.fact_found(["4"], "It said so [4].")  # a marker is not a fact
    found = metrics.facts_found([["1,000", "1000"], ["Istanbul"]], "1000 prisoners")
    assert found == [True, False]
    assert metrics.key_fact_recall([True, False]) == 0.5
    assert metrics.key_fact_recall([]) == 1.0


def test_retrieval_ranks():
    ranked = ["a.txt", "b.txt", "a.txt", "c.txt"]
    assert metrics.first_gold_rank(ranked, ["c.txt", "b.txt"]) == 2
    assert metrics.first_gold_rank(ranked, ["z.txt"]) is None
    assert metrics.hit_at(1, 1) == 1.0 and metrics.hit_at(2, 1) == 0.0
    assert metrics.hit_at(5, 5) == 1.0 and metrics.hit_at(None, 5) == 0.0
    assert metrics.reciprocal_rank(4) == 0.25 and metrics.reciprocal_rank(None) == 0.0


def test_citation_precision_and_recall():
    assert metrics.citation_precision(["a", "b"], ["a"]) == 0.5
    assert metrics.citation_precision([], ["a"]) is None
    assert metrics.citation_recall(["a"], ["a", "b"]) == 0.5
    assert metrics.citation_recall(["a"], []) is None


def test_refusals_percentiles_and_means():
    assert metrics.refusal_correct(refused=True, answerable=False)
    assert not metrics.refusal_correct(refused=True, answerable=True)
    assert metrics.percentile([1, 2, 3, 4, 5], 50) == 3
    assert metrics.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert metrics.percentile([], 50) is None
    assert metrics.mean([1, None, 3]) == 2 and metrics.mean([None]) is None


def test_refusals_are_counted_by_the_step_that_refused():
    from evals.aggregate import refusal_reasons

    rows = [
        {"refused": True, "error": None, "answerable": True, "refusal": "unsupported"},
        {"refused": True, "error": None, "answerable": False, "refusal": "off-topic"},
        {"refused": True, "error": None, "answerable": False, "refusal": "off-topic"},
        {"refused": True, "error": "boom", "answerable": True, "refusal": ""},
        {"refused": False, "error": None, "answerable": True, "refusal": ""},
        {"refused": True, "error": None, "answerable": True},  # a report from before the field
    ]
    assert refusal_reasons(rows) == {
        "answerable": {"unsupported": 1, "unknown": 1},
        "unanswerable": {"off-topic": 2},
    }


# --- scoring one answer ---------------------------------------------------------------------


def fake_embed(texts: list[str]) -> np.ndarray:
    """Bag of hashed words, L2-normalised: similar wording, similar vectors."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_answer_claims_split_at_sentences_and_marker_groups():
    assert answer_claims("Claim one. [1] Claim two is here. [2]") == [
        ("Claim one.", [1]),
        ("Claim two is here.", [2]),
    ]
    assert answer_claims("X holds [1] and Y holds [2][3]. No cite here.") == [
        ("X holds", [1]),
        ("and Y holds.", [2, 3]),
        ("No cite here.", []),
    ]


def test_sentence_verdicts_need_every_cited_quote_to_support():
    parts = [("a claim with words", [1]), ("another claim with words", [1, 2]), ("Fine.", [])]
    support = np.array([[0.9, 0.1], [0.9, 0.2], [0.0, 0.0]])
    verdicts = sentence_verdicts(parts, [1, 2], support, threshold=0.45)
    assert verdicts == [("a claim with words", True), ("another claim with words", False)]
    uncited = sentence_verdicts([("an uncited factual claim here", [])], [], np.zeros((1, 0)))
    assert uncited == [("an uncited factual claim here", False)]


def test_judge_sentences_with_real_support_measure():
    quote = "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation."
    citation = Citation(1, "003.txt", "t", quote, 0, len(quote))
    good = "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation [1]."
    bad = "The weather in Lisbon was sunny and warm all week [1]."
    assert judge_sentences(good, [citation], fake_embed) == [(good.replace(" [1]", ""), True)]
    assert judge_sentences(bad, [citation], fake_embed)[0][1] is False


def item(qid: str = "q1", kind: str = "single-fact", **kw) -> QAItem:
    fields = {
        "id": qid,
        "question": "Who led the Russian delegation?",
        "answer": "Medinsky.",
        "key_facts": [["Medinsky"]],
        "sources": ["003.txt"],
        "type": kind,
        "difficulty": "easy",
    }
    fields.update(kw)
    return QAItem(**fields)


def answer(text: str, sources: list[str], refused: bool = False, total: float = 1.0) -> Answer:
    quote = "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation."
    citations = [Citation(n, s, s, quote, 0, 10) for n, s in enumerate(sources, 1)]
    passages = [Passage(s, s, quote, 1.0, 0, 10) for s in ["x.txt", *sources]]
    return Answer(text, citations, refused, {"retrieve": 0.1, "total": total}, "none", passages)


def test_score_answer_passes_a_right_cited_answer():
    row = score_answer(item(), answer("Vladimir Medinsky led it [1].", ["003.txt"]), fake_embed)
    assert row["passed"] and row["rank"] == 2 and row["citation_precision"] == 1.0
    assert row["facts"] == [{"fact": "Medinsky", "found": True}]
    json.dumps(row)  # JSON-ready


def test_score_answer_explains_failures():
    wrong = score_answer(item(), answer("Lavrov led it [1].", ["001.txt"]), None)
    assert not wrong["passed"]
    assert any("missing key facts: Medinsky" in r for r in wrong["reasons"])
    assert any("non-gold" in r for r in wrong["reasons"])
    refused = score_answer(item(), answer("I cannot answer.", [], refused=True), None)
    assert refused["reasons"] == ["refused an answerable question"]
    unanswerable = item("q2", "unanswerable", key_facts=[], sources=[])
    assert score_answer(unanswerable, answer("No.", [], refused=True), None)["passed"]
    crashed = score_answer(item(), None, None, error="RuntimeError: boom")
    assert crashed["reasons"] == ["error: RuntimeError: boom"] and not crashed["refusal_correct"]


# --- aggregation, thresholds, reports, comparison -------------------------------------------


def sample_rows() -> list[dict]:
    unanswerable = item("q3", "unanswerable", key_facts=[], sources=[])
    return [
        score_answer(item("q1"), answer("Medinsky led it [1].", ["003.txt"], total=1.0), None),
        score_answer(item("q2"), answer("Lavrov led it [1].", ["001.txt"], total=3.0), None),
        score_answer(unanswerable, answer("No.", [], refused=True, total=2.0), None),
        score_answer(item("q4"), None, None, error="boom"),
    ]


def test_group_metrics_over_rows():
    m = group_metrics(sample_rows())
    assert m["n"] == 4 and m["counts"]["hit_at_1"] == 3
    assert m["hit_at_5"] == pytest.approx(1 / 3)  # q2 missed 003.txt; the crash is a miss
    assert m["key_fact_accuracy"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == 0.5  # q1 right, q2 wrong, the others cite nothing
    assert m["refusal_accuracy"] == 1.0 and m["false_refusal_rate"] == 0.0
    assert m["error_rate"] == 0.25 and m["pass_rate"] == 0.5
    assert m["latency"]["total"] == {"p50": 2.0, "p95": pytest.approx(2.9)}
    by_type = summarize(sample_rows(), TYPES)["by_type"]
    assert list(by_type) == ["single-fact", "unanswerable"]
    assert by_type["unanswerable"]["hit_at_1"] is None


def test_thresholds_file_and_check(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text("[none]\nhit_at_1 = 0.8\nfalse_refusal_rate = 0.1\n")
    limits = load_thresholds("none", path)
    assert check_thresholds({"hit_at_1": 0.9, "false_refusal_rate": 0.05}, limits) == []
    failures = check_thresholds({"hit_at_1": 0.7, "false_refusal_rate": 0.2}, limits)
    assert len(failures) == 2 and "below" in failures[0] and "above" in failures[1]
    assert "not measured" in check_thresholds({"false_refusal_rate": 0.0}, limits)[0]
    assert load_thresholds("local", path) == {}
    path.write_text("[none]\nhit_at_7 = 0.8\n")
    with pytest.raises(ValueError, match="hit_at_7"):
        load_thresholds("none", path)


def test_shipped_thresholds_cover_both_backends():
    for backend in ("none", "local"):
        assert load_thresholds(backend), backend


def results_of(rows: list[dict], label: str) -> dict:
    meta = dict(label=label, backend="none", subset=True, questions=len(rows), qa_file="qa.jsonl")
    meta.update(settings={"llm": "none"}, seconds=1.0, warmup_seconds=0.5)
    return build_results(rows, meta, None)


def test_compare_puts_regressions_first():
    before = sample_rows()
    after = [dict(r) for r in before]
    after[0] = score_answer(item("q1"), answer("Lavrov led it [1].", ["001.txt"]), None)
    after[1] = score_answer(item("q2"), answer("Medinsky led it [1].", ["003.txt"]), None)
    assert classify(before[0], after[0]) == "regression"
    assert classify(before[1], after[1]) == "fixed"
    assert classify(before[2], after[2]) == "same"
    text = compare_results(results_of(before, "A"), results_of(after[:3], "B"))
    assert text.index("Regressions") < text.index("Fixed") < text.index("## Metrics")
    assert "| q1 |" in text.split("Fixed")[0] and "Only in A: 1" in text


def test_report_files_and_side_by_side(tmp_path):
    results = results_of(sample_rows(), "unit")
    folder = write_report(results, tmp_path / "run")
    names = {"results.json", "summary.md", "questions.md", "metrics_by_type.png"}
    assert names <= {p.name for p in folder.iterdir()}
    assert len(re.findall(r"^\| q\d", (folder / "questions.md").read_text(), re.M)) == 4
    assert json.loads((folder / "results.json").read_text())["metrics"]["overall"]["n"] == 4
    small = restrict(results, ["q1", "q3"])
    assert small["metrics"]["overall"]["n"] == 2
    table = side_by_side_markdown({"Newsdesk": small, "baseline": small})
    assert "| hit@5 | 1.000 | 1.000 | >= 0.95 |" in table
    assert cell("a | b\nc") == "a \\| b c"


# --- the baseline's response mapping (no model) ---------------------------------------------


def test_baseline_maps_citations_and_refusals():
    from llama_index.core.schema import NodeWithScore, TextNode

    from evals.baselines.plain_llamaindex import looks_like_refusal, to_answer

    source = "003_25123ef9c5ee8341.txt"
    quote = (CORPUS / source).read_text(encoding="utf-8")[100:300]
    text = f"Source 1:\n{quote}\n"
    node = NodeWithScore(node=TextNode(text=text, metadata={"file_name": source}))
    got = to_answer("It says so, Source 1. Also [3].", [node], CORPUS, [])
    assert not got.refused and [c.source for c in got.citations] == [source]
    c = got.citations[0]
    assert (CORPUS / source).read_text(encoding="utf-8")[c.start : c.end] == c.quote == quote
    assert to_answer("No citation at all.", [node], CORPUS, []).refused
    assert looks_like_refusal("The sources do not mention the date [1].")
    assert not looks_like_refusal("Medinsky led the delegation [1].")


# --- end to end -----------------------------------------------------------------------------


def test_runner_end_to_end_with_no_llm(corpus_engine, tmp_path, monkeypatch):
    from evals.runner import run_eval

    chosen = select_items(ITEMS, ids=["q001", "q014", "q042", "q081", "q094"])
    settings = corpus_engine.settings.model_copy(update={"llm": "none"})
    results = run_eval(settings, chosen, progress=False, subset=True, report_root=tmp_path)
    folder = Path(results["report_dir"])
    assert {p.name for p in folder.iterdir()} >= {"results.json", "summary.md", "questions.md"}
    assert [r["id"] for r in results["rows"]] == [i.id for i in chosen]
    assert not any(r["error"] for r in results["rows"])
    assert results["meta"]["answered_by"] == {"none": 5}
    overall = results["metrics"]["overall"]
    assert overall["hit_at_5"] == 1.0 and overall["support_rate"] > 0.9
    assert results["thresholds"]["checked"] is False


def test_a_fixed_sample_is_gated_by_its_own_table(tmp_path):
    from evals.runner import gate

    path = tmp_path / "t.toml"
    path.write_text("[local]\nhit_at_1 = 0.9\n\n[local-per-type-8]\nhit_at_1 = 0.5\n")
    overall = {"hit_at_1": 0.6}
    assert gate(overall, "local", True, path)["checked"] is False  # a subset: [local] not used
    sample = gate(overall, "local", True, path, "local-per-type-8")
    assert sample["checked"] and sample["failures"] == []
    assert gate({"hit_at_1": 0.4}, "local", True, path, "local-per-type-8")["failures"]


def test_a_run_records_its_drafts_and_a_replay_answers_with_them(
    corpus_engine, tmp_path, monkeypatch
):
    """`rag eval --replay`: the recorded drafts answer again without generating; the judge and
    every later step still run."""
    import rag.answering
    from evals.runner import run_eval
    from tests.fakes import ScriptedGenerator

    chosen = select_items(ITEMS, ids=["q001", "q014"])
    settings = corpus_engine.settings.model_copy(update={"llm": "none"})
    writer = ScriptedGenerator("Secretary of State Marco Rubio decided to withdraw [1].")
    monkeypatch.setattr(rag.answering, "make_generator", lambda _settings: writer)
    first = run_eval(settings, chosen, False, subset=True, report_root=tmp_path, judge_pairs=False)
    assert [r["drafts"]["stream"] for r in first["rows"]] == [[writer.reply + " "]] * 2
    assert first["rows"][1]["drafts"]["complete"], "q014's follow-up was condensed"
    assert len(writer.messages) == 3

    class Mute(ScriptedGenerator):
        def stream(self, messages, max_tokens=None):
            raise AssertionError("a replay must not generate")

    judge = Mute("", p_yes=0.9)
    monkeypatch.setattr(rag.answering, "make_generator", lambda _settings: judge)
    again = run_eval(
        settings, chosen, False, subset=True, report_root=tmp_path, judge_pairs=False,
        replay=Path(first["report_dir"]),
    )  # fmt: skip
    assert [r["text"] for r in again["rows"]] == [r["text"] for r in first["rows"]]
    assert not any(r["error"] for r in again["rows"])
    assert again["meta"]["replayed_live"] == 0
    assert judge.judged, "the judge ran on the replayed drafts"


def test_a_replay_needs_a_report_with_drafts(tmp_path):
    from evals.drafts import load_drafts

    with pytest.raises(FileNotFoundError, match="report folder"):
        load_drafts(tmp_path)
    (tmp_path / "results.json").write_text('{"rows": [{"id": "q1"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="no drafts"):
        load_drafts(tmp_path)
