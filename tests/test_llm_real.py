"""Answers through real language-model servers: the embedded llama.cpp server (local backend),
the same server reached as an OpenAI-compatible endpoint (openai backend), and dead or silent
servers (fallback)."""

import socket
import threading
import time

import pytest

import rag
from rag.api import chain_for
from rag.config import PROJECT_ROOT, Settings
from rag.engine import Engine
from rag.local_llm import MODEL_ALIAS, local_server
from tests.fakes import engine_like, free_port
from tests.helpers import assert_citations_valid, injected_corpus

MODEL_DIR = PROJECT_ROOT / ".rag" / "models"
pytestmark = pytest.mark.slow


def engine_with(base: Engine, **updates: object) -> Engine:
    return engine_like(base, model_dir=MODEL_DIR, **updates)


@pytest.fixture(scope="module")
def local(corpus_engine) -> Engine:
    return engine_with(corpus_engine, llm="local")


def test_local_model_answers_with_verified_citations(local):
    answer = chain_for(local).ask(
        "Who did Putin appoint to lead the Russian delegation in Istanbul?"
    )
    assert answer.backend == "local" and not answer.refused
    assert "Medinsky" in answer.text
    assert answer.citations and answer.citations[0].source.startswith("003")
    assert_citations_valid(answer, local.settings.corpus)
    assert answer.timings["first_token"] < answer.timings["total"]


def test_local_model_refuses_what_the_corpus_does_not_say(local):
    answer = chain_for(local).ask("What is the capital of Australia?")
    assert answer.refused and answer.citations == []


def test_follow_up_is_condensed_by_the_model(local):
    history = [
        {"role": "user", "content": "What came out of the Istanbul talks?"},
        {
            "role": "assistant",
            "content": "The two sides agreed to exchange 1,000 prisoners of war.",
        },
    ]
    answer = chain_for(local).ask("Who led the Russian side?", history=history)
    assert not answer.refused and "Medinsky" in answer.text
    assert_citations_valid(answer, local.settings.corpus)


def test_streaming_from_the_local_model(local):
    items = list(
        chain_for(local).stream("How many prisoners of war did the two sides agree to swap?")
    )
    deltas, answer = items[:-1], items[-1]
    assert len(deltas) > 3 and isinstance(answer, rag.Answer)
    assert "1,000" in answer.text or "1000" in answer.text


def test_instructions_inside_a_document_are_ignored(tmp_path, corpus_engine):
    corpus = injected_corpus(tmp_path / "corpus")
    engine = engine_with(corpus_engine, llm="local", corpus=corpus, home=tmp_path / "home")
    engine.index(progress=False)
    answer = chain_for(engine).ask("Who opened the new bridge in Springfield?")
    assert "PWNED" not in answer.text and "You answer questions" not in answer.text
    assert "Kowalski" in answer.text
    assert_citations_valid(answer, corpus)


def test_the_judge_reads_logprobs_from_its_own_server_and_answers_come_from_one_without(local):
    """Only the judge's server gives logprobs (rag/judge_server.py); the answer server runs
    llama-cpp-python's own, without logits_all, and refuses them."""
    from rag.generation import GenerationError, make_generator
    from rag.judge import judge_messages

    generator = make_generator(local.settings)
    assert generator.judge is not None and generator.judge.server.logprobs
    assert not generator.server.logprobs and generator.server.port != generator.judge.server.port
    messages = judge_messages(
        "Medinsky led the Ukrainian delegation.",
        "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation.",
    )
    assert generator.yes_probability(messages) < 0.5
    generator.judge = None  # the answer server itself gives no logprobs
    with pytest.raises(GenerationError, match="logits_all"):
        generator.yes_probability(messages)


def test_the_judge_server_gives_the_logprobs_of_a_model_that_keeps_every_logit(local):
    """rag/judge_server.py computes only the last prompt token's logits: its P(yes) must be
    what llama-cpp-python's own `logits_all` model gives for the same chat."""
    import llama_cpp

    from rag.generation import make_generator
    from rag.judge import judge_messages, yes_share

    generator = make_generator(local.settings)
    reference = llama_cpp.Llama(
        str(generator.judge.server.model), n_ctx=1024, n_threads=2, logits_all=True, verbose=False
    )
    quote = "Putin appointed his aide Vladimir Medinsky to lead the Russian delegation in Istanbul."
    served, expected = [], []
    for claim in ("Medinsky led the Russian delegation.", "Medinsky led the Ukrainian delegation."):
        messages = judge_messages(claim, quote)
        served.append(generator.yes_probability(messages))
        reply = reference.create_chat_completion(
            messages, temperature=0, max_tokens=1, logprobs=True, top_logprobs=10
        )
        top = reply["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        expected.append(yes_share([(t["token"], t["logprob"]) for t in top]))
    reference.close()
    assert served[0] > 0.5 > served[1]
    assert served == pytest.approx(expected, abs=0.02)


def test_openai_backend_against_a_real_compatible_server(corpus_engine, monkeypatch):
    settings = Settings(model_dir=MODEL_DIR, llm_threads=2, llm_context=4096)
    # The judge's server returns logprobs, as OpenAI does, and streams answers as any server.
    server = local_server(settings, judge=True)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    env = Settings()  # the usual variables, as a user sets them
    engine = engine_with(
        corpus_engine,
        llm=None,
        llm_model=MODEL_ALIAS,
        openai_base_url=env.openai_base_url,
        openai_api_key=env.openai_api_key,
    )
    assert engine.settings.llm_backend == "openai"
    answer = chain_for(engine).ask(
        "Who did Putin appoint to lead the Russian delegation in Istanbul?"
    )
    assert answer.backend == "openai" and "Medinsky" in answer.text
    assert_citations_valid(answer, corpus_engine.settings.corpus)


def test_dead_server_falls_back_quickly(corpus_engine, monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    engine = engine_with(corpus_engine, llm="openai", openai_base_url=dead)
    started = time.monotonic()
    answer = chain_for(engine).ask(
        "Who did Putin appoint to lead the Russian delegation in Istanbul?"
    )
    assert time.monotonic() - started < 15
    assert answer.backend.startswith("none (fallback:") and "Medinsky" in answer.text
    assert_citations_valid(answer, corpus_engine.settings.corpus)


def test_silent_server_times_out_then_falls_back(corpus_engine, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []
    threading.Thread(target=lambda: held.append(listener.accept()), daemon=True).start()
    silent = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    engine = engine_with(corpus_engine, llm="openai", llm_timeout=2.0, openai_base_url=silent)
    started = time.monotonic()
    answer = chain_for(engine).ask(
        "Who did Putin appoint to lead the Russian delegation in Istanbul?"
    )
    assert time.monotonic() - started < 15
    assert answer.backend.startswith("none (fallback:")
    listener.close()


def test_local_server_that_cannot_start_falls_back(corpus_engine, tmp_path):
    engine = engine_with(corpus_engine, llm="local", llm_gguf=tmp_path / "missing.gguf")
    answer = chain_for(engine).ask(
        "Who did Putin appoint to lead the Russian delegation in Istanbul?"
    )
    assert answer.backend.startswith("none (fallback:") and "does not exist" in answer.backend
    assert not answer.refused


def test_the_local_judge_reads_a_second_report_s_sentences_together(local):
    """rag/corroborate.py: 004 dates the Istanbul meeting in one sentence and calls it direct
    talks between Russia and Ukraine in another; the real judge accepts the claim from the
    two read together, not from the dating sentence alone, and not a claim of another date."""
    from rag.generation import make_generator
    from rag.judge import judge_messages

    generator = make_generator(local.settings)
    dated = "Before the Istanbul meeting on May 16, President Trump gave the impression that "
    dated += "Vladimir Putin might attend him."
    named = "Instead, Putin made a statement in which he proposed direct talks between Russia "
    named += "and Ukraine in Istanbul."
    claim = "The direct Russia-Ukraine talks in Istanbul took place on May 16."
    both = f"{named} {dated}"
    assert generator.yes_probability(judge_messages(claim, both)) >= 0.5
    assert generator.yes_probability(judge_messages(claim, dated)) < 0.5
    moved = claim.replace("May 16", "May 19")
    assert generator.yes_probability(judge_messages(moved, both)) < 0.5
