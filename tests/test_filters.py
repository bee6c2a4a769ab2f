"""Filters inside retrieval, for every mode, on a real Chroma + MiniLM index of dated articles;
near-duplicate stories collapsed in the top-k."""

import json
import shutil

import pytest

import rag
from index.keyword import KeywordIndex
from rag.cli import main
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from rag.filters import Filters, check_filters
from rag.retrieval import MODES, HybridRetriever
from tests.near_duplicates import wire_copy

SHIPPED = PROJECT_ROOT / "corpus"
META = {
    "000_bac8a3760f1c7463.txt": ("Adevarul", "2025-04-28"),
    "001_93d3355826b916f4.txt": ("El Pais", "2025-05-19"),
    "002_511fc417428f761b.txt": ("BMC", None),  # undated: never passes a date filter
    "003_25123ef9c5ee8341.txt": ("Politics USA", "2025-05-22"),
    "004_a06f00912a43195f.txt": ("BBC", "2025-05-24"),
    "005_wire_copy.txt": ("AP", "2025-05-25"),  # a wire copy of 004
}
QUESTION = "What did Putin and Trump say about a ceasefire?"
K = 5


@pytest.fixture(scope="module")
def dated_engine(tmp_path_factory, embed_model) -> Engine:
    corpus = tmp_path_factory.mktemp("dated-corpus")
    shipped = json.loads((SHIPPED / "metadata.json").read_text(encoding="utf-8"))
    for name in list(META)[:5]:
        shutil.copy(SHIPPED / name, corpus / name)
    bbc = (SHIPPED / "004_a06f00912a43195f.txt").read_text(encoding="utf-8")
    (corpus / "005_wire_copy.txt").write_text(wire_copy(bbc), encoding="utf-8")
    metadata = {
        name: {"title": shipped.get(name, {}).get("title", "Wire copy"), "outlet": o, "date": d}
        for name, (o, d) in META.items()
    }
    (corpus / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    engine = Engine(
        Settings(home=tmp_path_factory.mktemp("dated-home"), corpus=corpus), embed_model=embed_model
    )
    engine.index(progress=False)
    return engine


def retriever(engine: Engine, mode: str, collapse: bool = True) -> HybridRetriever:
    return HybridRetriever(
        engine.collection,
        engine.sentences,
        engine.embed_model,
        engine.keyword(),
        mode=mode,
        collapse_stories=collapse,
    )


CASES = {
    "outlet": ({"outlets": ["BBC"]}, lambda p: p.outlet == "BBC"),
    "sources": (
        {"sources": ["001_93d3355826b916f4.txt", "003_25123ef9c5ee8341.txt"]},
        lambda p: p.source in ("001_93d3355826b916f4.txt", "003_25123ef9c5ee8341.txt"),
    ),
    "since": ({"since": "2025-05-20"}, lambda p: p.date >= "2025-05-20"),
    "until": ({"until": "2025-05-19"}, lambda p: p.date and p.date <= "2025-05-19"),
    "range": (
        {"since": "2025-05-19", "until": "2025-05-22"},
        lambda p: "2025-05-19" <= p.date <= "2025-05-22",
    ),
    "outlet+since": (
        {"outlets": ["BBC", "El Pais"], "since": "2025-05-20"},
        lambda p: p.outlet == "BBC",
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_filter_narrows_every_mode_and_still_fills_top_k(dated_engine, mode, case):
    filters, keep = CASES[case]
    passages = retriever(dated_engine, mode).retrieve(QUESTION, K, filters=check_filters(filters))
    assert len(passages) == K, (case, mode, [p.source for p in passages])
    assert all(keep(p) for p in passages), [(p.source, p.outlet, p.date) for p in passages]


@pytest.mark.parametrize("mode", ["vector", "hybrid"])
def test_filtering_happens_before_ranking_not_after(dated_engine, mode):
    # Graham's sanctions are a BMC story: unfiltered, BBC chunks are not in the top-k at all,
    # so dropping results afterwards would leave nothing. Inside retrieval, BBC still fills it.
    question = "What did Lindsey Graham propose about sanctions on Russia?"
    plain = retriever(dated_engine, mode).retrieve(question, K)
    assert sum(p.outlet == "BBC" for p in plain) < K
    narrowed = retriever(dated_engine, mode).retrieve(
        question, K, filters=Filters(outlets=("BBC",))
    )
    assert [p.outlet for p in narrowed] == ["BBC"] * K
    any_case = retriever(dated_engine, mode).retrieve(
        question, K, filters=Filters(outlets=("bbc",))
    )
    assert [p.id for p in any_case] == [p.id for p in narrowed], "an outlet in any case"


def test_undated_articles_never_pass_a_date_filter(dated_engine):
    for filters in ({"since": "2000-01-01"}, {"until": "2100-01-01"}):
        passages = dated_engine.retrieve("Lindsey Graham sanctions", 10, filters)
        assert passages and all(p.source != "002_511fc417428f761b.txt" for p in passages)
        assert all(p.date for p in passages)


def test_public_retrieve_takes_filters_and_its_default_top_k(dated_engine):
    with rag.using(dated_engine):
        passages = rag.retrieve(QUESTION, filters={"outlets": ["El Pais"]})
        assert len(passages) == dated_engine.settings.top_k
        assert {(p.outlet, p.date) for p in passages} == {("El Pais", "2025-05-19")}
        with pytest.raises(rag.QuestionError, match="'authors'"):
            rag.retrieve(QUESTION, filters={"authors": ["Steve Rosenberg"]})
        with pytest.raises(rag.QuestionError, match="'16 May'"):
            rag.ask(QUESTION, filters={"since": "16 May"})


def test_a_filter_that_matches_nothing_retrieves_nothing(dated_engine):
    for mode in MODES:
        nothing = check_filters({"outlets": ["X"]})
        assert retriever(dated_engine, mode).retrieve(QUESTION, K, filters=nothing) == []


def test_copies_of_one_story_take_one_place_and_name_the_others(dated_engine):
    question = "What did the guard at the Kremlin checkpoint say to Steve Rosenberg?"
    stored = dated_engine.collection.get(where={"source": "005_wire_copy.txt"})
    assert {m["story"] for m in stored["metadatas"]} == {"004_a06f00912a43195f.txt"}
    copies = retriever(dated_engine, "hybrid", collapse=False).retrieve(question, 10)
    assert {"004_a06f00912a43195f.txt", "005_wire_copy.txt"} <= {p.source for p in copies}
    passages = retriever(dated_engine, "hybrid").retrieve(question, 10)
    assert len(passages) == 10
    story = [p for p in passages if p.source in META and p.outlet in ("BBC", "AP")]
    assert len({p.source for p in story}) == 1, [p.source for p in passages]
    best = story[0]
    other = "005_wire_copy.txt" if best.source.startswith("004") else "004_a06f00912a43195f.txt"
    assert best.also_in == ({"source": other, "outlet": META[other][0], "date": META[other][1]},)
    assert passages[0].to_dict()["also_in"]  # JSON-ready, for the answer to name


def test_one_copy_alone_is_retrieved_when_a_filter_picks_it(dated_engine):
    passages = dated_engine.retrieve("the Kremlin checkpoint guard", K, {"outlets": ["AP"]})
    assert [p.source for p in passages] == ["005_wire_copy.txt"] * K


def test_time_window_of_a_question_narrows_by_the_corpus_year(dated_engine):
    filters, note = dated_engine.apply_time_window("What was reported after May 22?")
    assert filters == Filters(since="2025-05-23") and note.startswith("dates 2025-05-23..")
    passages = dated_engine.retrieve("What was reported?", K, filters)
    assert {p.outlet for p in passages} <= {"BBC", "AP"}


def test_keyword_mask_ranks_only_matching_chunks():
    index = KeywordIndex.build(
        ["a", "b", "c"],
        ["ceasefire ceasefire ceasefire", "ceasefire talks", "weather"],
        {"source": ["x", "y", "y"], "outlet": ["A", "B", "B"], "date_num": [20250501, 0, 1]},
    )
    assert [i for i, _ in index.search("ceasefire", 1)] == ["a"]
    assert [i for i, _ in index.search("ceasefire", 1, mask=index.mask(outlets=["B"]))] == ["b"]
    assert index.mask(since=20250101).tolist() == [True, False, False]
    assert index.mask(sources=["y"], until=20250101).tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("filters", "named"),
    [
        ({"outlet": ["BBC"]}, "'outlet'"),
        ({"outlets": "BBC"}, "'BBC'"),
        ({"outlets": [3]}, "3"),
        ({"sources": []}, "empty list"),
        ({"since": "2025-02-30"}, "'2025-02-30'"),
        ({"until": "yesterday"}, "'yesterday'"),
        ({"since": 20250516}, "20250516"),
        ({"since": "2025-05-20", "until": "2025-05-01"}, "2025-05-20"),
        ("outlets=BBC", "str"),
    ],
)
def test_bad_filters_name_what_is_wrong(filters, named):
    with pytest.raises(rag.QuestionError) as caught:
        check_filters(filters)
    assert named in str(caught.value)


def test_cli_filters_and_outlet_date_in_the_output(dated_engine, monkeypatch, capsys):
    monkeypatch.setenv("RAG_HOME", str(dated_engine.settings.home))
    monkeypatch.setenv("RAG_CORPUS", str(dated_engine.settings.corpus))
    with rag.using():  # whatever the CLI configures is undone at the end
        args = ["search", QUESTION, "-k", "3", "--outlet", "BBC", "--outlet", "El Pais"]
        assert main([*args, "--since", "2025-05-20"]) == 0
        out = capsys.readouterr().out
        assert out.count("004_a06f00912a43195f.txt BBC, 2025-05-24") == 3, out
        assert "also in: 005_wire_copy.txt AP, 2025-05-25" in out
        assert main(["search", QUESTION, "--until", "2025-5-19"]) == 2
        assert "'2025-5-19'" in capsys.readouterr().err


def test_changed_metadata_reaches_the_index_without_embedding(tmp_path, embed_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Talks in Istanbul ended without a ceasefire deal.\n")
    (corpus / "b.txt").write_text("The weather in Moscow was cold and grey all week.\n")
    sidecar = corpus / "metadata.json"
    sidecar.write_text(json.dumps({"a.txt": {"outlet": "BBC", "date": "2025-05-16"}}))
    engine = Engine(Settings(home=tmp_path / "home", corpus=corpus), embed_model=embed_model)
    engine.index(progress=False)
    assert [p.source for p in engine.retrieve("ceasefire", 2, {"outlets": ["BBC"]})] == ["a.txt"]
    sidecar.write_text(json.dumps({"b.txt": {"outlet": "BBC", "date": "2025-05-18"}}))
    report = engine.index(progress=False)
    assert report.embedded == 0
    for mode in MODES:
        bbc = Filters(outlets=("BBC",))
        got = retriever(engine, mode).retrieve("weather ceasefire", 2, filters=bbc)
        assert [(p.source, p.date) for p in got] == [("b.txt", "2025-05-18")], mode


def test_an_answer_citing_one_copy_says_where_else_the_story_appeared(dated_engine, capsys):
    """Near-duplicates in answers: the citation names the other copy, and the CLI, the JSON and
    the chat's source panel show it."""
    from rag.answering import AnswerChain
    from rag.cli import print_answer
    from ui.render import escape_text
    from ui.sources import citation_html

    question = "What did the guard at the Kremlin checkpoint say to Steve Rosenberg?"
    answer = AnswerChain(dated_engine, None).ask(question)
    copies = {"004_a06f00912a43195f.txt", "005_wire_copy.txt"}
    cited = [c for c in answer.citations if c.source in copies]
    assert cited, answer.citations
    citation = cited[0]
    (other,) = copies - {citation.source}
    outlet, date = META[other]
    assert citation.also_in == ({"source": other, "outlet": outlet, "date": date},)
    assert answer.to_dict()["citations"][citation.marker - 1]["also_in"][0]["source"] == other
    print_answer(answer)
    assert f"also in: {other} {META[other][0]}, {META[other][1]}" in capsys.readouterr().out
    panel = citation_html(citation, answer.passages, 1)
    assert "Also reported in:" in panel and escape_text(other) in panel and META[other][0] in panel


def test_an_asked_question_says_the_time_window_it_applied(dated_engine):
    """rag.ask with a window in the question: Answer.query names it, the chat's status line
    shows it, and only articles inside it are retrieved and cited."""
    from rag.answering import AnswerChain
    from rag.timewindow import window_note
    from ui.render import status_html

    question = "What was reported after May 22 about the guard at the Kremlin checkpoint?"
    answer = AnswerChain(dated_engine, None).ask(question)
    assert window_note(answer.query) == 'dates 2025-05-23.. ("after May 22")', answer.query
    assert {p.date for p in answer.passages} <= {"2025-05-24", "2025-05-25"}
    assert answer.citations and {c.outlet for c in answer.citations} <= {"BBC", "AP"}
    assert "time window: dates 2025-05-23.." in status_html(answer)
    plain = AnswerChain(dated_engine, None).ask("What did the guard at the Kremlin checkpoint say?")
    assert window_note(plain.query) == "" and "time window" not in status_html(plain)
