"""The one settings object: every default lives here (env prefix RAG_, `.env` supported)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from index.state import IndexPlace

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The choices of a setting are its type: the CLI derives its own choices from these.
EmbedBackend = Literal["minilm", "openai"]
RetrievalMode = Literal["hybrid", "vector", "bm25"]
LlmBackend = Literal["local", "openai", "none"]
SECRET_FIELDS = ("chroma_token", "openai_api_key", "ui_password")


def reveal(value: SecretStr | str | None) -> str | None:
    """The plain value of a secret field (model_copy(update=...) may have stored a str)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value() or None
    return value or None


def _offline_environment() -> None:
    """Make every library we use stay off the network unless a remote endpoint is configured."""
    import llama_index.core

    tiktoken_cache = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class EvidenceSettings(BaseModel):
    """What the generator is shown (rag/evidence.py); RAG_EVIDENCE__<NAME>. Weights were fitted
    on the odd-numbered eval questions and reported on the even ones (bench/evidence_bench.py)."""

    words: int = Field(170, ge=20, le=2000, description="Word budget of the evidence shown.")
    max_sentences: int = Field(
        12,
        ge=1,
        le=40,
        description="Most evidence sentences shown (the last block may pass it by its own size).",
    )
    min_words: int = Field(2, ge=1, description="Shorter lines are bylines or headings.")
    lexical_weight: float = Field(0.35, ge=0, description="Question-word overlap weight.")
    rank_weight: float = Field(0.05, ge=0, description="Penalty per passage rank.")
    context_weight: float = Field(0.6, ge=0, description="Share of the best neighbour's score.")
    answer_type_weight: float = Field(
        0.3,
        ge=0,
        description="Bonus of a sentence with a number when one is asked for; once more for "
        "a duration or length when the question asks how long.",
    )
    rare_name_weight: float = Field(
        0.2,
        ge=0,
        description="Bonus of a sentence holding a name of the question that at most a third "
        "of the retrieved passages hold, unless the question asks for a number or a date "
        "(rag/rare_names.py; fitted on the fit half).",
    )
    block_sentences: int = Field(
        1,
        ge=1,
        le=8,
        description="Most sentences in one block, besides a quotation's next sentence.",
    )
    block_margin: float = Field(0.15, ge=0, description="A neighbour joins within this score.")
    continue_quotation: bool = Field(
        True,
        description="A sentence that ends inside a quotation going on in its paragraph is "
        "shown with the quotation's next sentence (bench/evidence_bench.py, fit half).",
    )
    articles: int = Field(2, ge=1, description="Articles that each get their best block first.")
    article_margin: float = Field(
        0.3, ge=0, description="An article is relevant within this score of the best sentence."
    )
    extractive_sentences: int = Field(2, ge=1, description="Sentences the `none` backend quotes.")
    extractive_margin: float = Field(
        0.08,
        ge=0,
        description="A further sentence joins within this score of the best.",
    )


class JudgeSettings(BaseModel):
    """Claim checking (rag/citations.py, rag/support.py); RAG_JUDGE__<NAME>."""

    enabled: bool = Field(True, description="Judge every claim with the generator (LLM backends).")
    threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Least P(yes) that accepts a claim (fitted on the fit half of "
        "evals/claims.jsonl, reported on the test half: `rag eval --judge`).",
    )
    context_sentences: int = Field(
        0,
        ge=0,
        le=3,
        description="Sentences of the article just before a cited one that the judge reads "
        "with it (who is speaking, whom 'he' means).",
    )
    context_after: int = Field(
        0,
        ge=0,
        le=3,
        description="Sentences of the article just after a cited one that the judge reads "
        "with it (a quote's '..., Vance said').",
    )
    max_calls: int = Field(6, ge=0, description="Most judge calls per answer.")
    judge_conjuncts: bool = Field(
        True,
        description="An accepted claim of one subject and two predicates ('X expressed A and "
        "urged B') is judged again part by part; a part the judge rejects is dropped "
        "(rag/support.py).",
    )
    alternatives: int = Field(
        2,
        ge=0,
        description="Other evidence tried for a rejected claim, most similar first (fitted on "
        "the odd-numbered eval questions by replay, docs/measurements.md).",
    )
    similarity_min: float = Field(
        0.45, ge=0, le=1, description="Least similarity support for a marker to stay cited."
    )
    recite_min: float = Field(
        0.45, ge=0, le=1, description="Least similarity for re-citing a claim elsewhere."
    )
    replace_min: float = Field(
        0.55,
        ge=0,
        le=1,
        description="Least similarity for replacing a rejected claim by its evidence sentence "
        "(fitted on the odd-numbered eval questions by replay, docs/measurements.md).",
    )
    replace_by_new_words: bool = Field(
        True,
        description="A rejected claim is replaced by the evidence sentence holding most of the "
        "words it adds to the question, the most similar among equals, among those at least "
        "`replace_min` similar and, down to `pool_min`, those holding half of those words, its "
        "quotations and one of its numbers; off: by the most similar sentence over "
        "`replace_min`.",
    )
    pool: int = Field(
        1,
        ge=1,
        le=6,
        description="A claim its citation does not support (or that has none) is judged "
        "against its `pool` most similar evidence sentences together (1: off).",
    )
    pool_min: float = Field(
        0.3, ge=0, le=1, description="Least similarity for a sentence to join that pool."
    )
    anchored: bool = Field(
        True,
        description="A claim the judge rejects (or that has no citation) which gives the "
        "number, date or name its question asks for is replaced by the most similar evidence "
        "sentence holding it, verbatim, instead of being dropped (measured by replay on the "
        "odd-numbered eval questions, docs/measurements.md).",
    )
    min_fact_words: int = Field(3, ge=1, description="Fewer content words: connective text.")
    corroborate: int = Field(
        2,
        ge=0,
        description="Most judge calls per answer spent citing a second article: a kept claim "
        "that gives a rare name, a date or a 3+ digit number the question does not is also "
        "cited to the retrieved sentence of another article holding them all, most similar "
        "first, when the judge accepts it (0: off; rag/corroborate.py).",
    )
    second_look: int = Field(
        3,
        ge=0,
        le=12,
        description="When the model says NOT IN SOURCES, ask once more showing only this many "
        "best evidence sentences (0: off). That second "
        "answer must hold as written: markers alone are no answer and a rejected claim is not "
        "replaced by the sentence it paraphrased (measured by replay, docs/measurements.md).",
    )
    quotation_look: bool = Field(
        True,
        description="When the question quotes an article (4+ words) and the answer cites "
        "nothing of that quotation, ask once more showing only the quotation with its speaker, "
        "and quote it verbatim if no claim then holds (rag/quoted.py).",
    )
    position_look: bool = Field(
        True,
        description="When the question names an article's closing or opening lines and the "
        "answer cites none of them, ask once more showing only that paragraph of the best "
        "article, and quote it verbatim if no claim then holds (rag/position.py).",
    )
    extractive_fallback: bool = Field(
        False,
        description="When no claim of the model is cited or accepted, answer with the evidence "
        "sentences verbatim (as the extractive backend does) instead of refusing.",
    )


class Settings(BaseSettings):
    """Newsdesk configuration. Each field is read from RAG_<NAME> (or `.env`)."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )
    # Fields with a validation_alias (the OPENAI_* names) may still be given by field name.
    model_config["populate_by_name"] = True

    home: Path = Field(Path(".rag"), description="Data folder: index, caches, assembled models.")
    corpus: Path = Field(PROJECT_ROOT / "corpus", description="Folder of articles to index.")
    chroma_url: str | None = Field(None, description="Chroma server URL; unset = local folder.")
    chroma_token: SecretStr | None = Field(
        None, description="Token sent to the Chroma server (or the proxy in front of it)."
    )
    chroma_token_header: str = Field(
        "Authorization", description="Header for chroma_token: Authorization (Bearer) or other."
    )
    chroma_timeout: float = Field(
        30.0, gt=0, description="Seconds a Chroma server request may take before it counts as down."
    )

    embed: EmbedBackend = Field("minilm", description="Embedding backend.")
    embed_model: str = Field("text-embedding-3-small", description="OpenAI embedding model.")
    embed_batch: int = Field(32, ge=1, le=4096, description="Texts per embedding-model call.")
    index_batch: int = Field(
        64, ge=1, le=50_000, description="Records embedded and written per step of `rag index`."
    )
    chunk_tokens: int = Field(200, ge=32, le=256, description="Max word-piece tokens a chunk.")

    retrieval: RetrievalMode = Field("hybrid", description="Search mode.")
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by retrieve().")
    candidates: int = Field(30, ge=1, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    retrieval_sentence_factor: int = Field(
        3, ge=1, le=20, description="Sentence hits fetched per chunk wanted (sentence ranking)."
    )
    retrieval_collapse_stories: bool = Field(
        True, description="Keep only the best-ranked copy of a near-duplicate story in top-k."
    )
    retrieval_rare_names: bool = Field(
        True,
        description="Hybrid mode: a question's name with a token that at most 2 chunks hold (or "
        "1% of them), and no token in the top-k, brings its best candidate chunk into the last "
        "top-k place (rag/rare_names.py).",
    )
    story_threshold: float = Field(
        0.3,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity (5-word shingles) from which two articles are "
        "one story (tests/test_duplicates.py: edited copies >= 0.39, distinct shipped 0.00).",
    )
    story_perms: int = Field(128, ge=16, le=1024, description="MinHash permutations per article.")
    story_shingle: int = Field(5, ge=1, le=20, description="Words per shingle for near-duplicates.")
    time_windows: bool = Field(
        True, description="Narrow by article date when a question names a window ('after May 16')."
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")

    llm: LlmBackend | None = Field(
        None, description="Generator; unset: openai if OPENAI_API_KEY/BASE_URL is set, else local."
    )
    # The usual OpenAI variable names (also in .env); RAG_OPENAI_* work too.
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "RAG_OPENAI_API_KEY"),
        description="Key for OpenAI or a compatible server (generation and embeddings).",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "RAG_OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint; unset = api.openai.com.",
    )
    ui_password: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("RAG_UI_PASSWORD"),
        description="The chat UI's password (set for the UI), read here so it is redacted too.",
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name for the openai backend.")
    llm_gguf: Path | None = Field(None, description="Another GGUF file for the local backend.")
    model_dir: Path | None = Field(None, description="Where the local model is assembled.")
    llm_threads: int = Field(max(1, os.cpu_count() or 1), ge=1, description="llama.cpp threads.")
    llm_context: int = Field(4096, ge=512, description="llama.cpp context window (tokens).")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait on the LLM server.")
    llm_max_tokens: int = Field(200, ge=16, description="Longest answer generated (tokens).")
    evidence: EvidenceSettings = Field(
        default_factory=EvidenceSettings, description="What the generator is shown."
    )
    judge: JudgeSettings = Field(default_factory=JudgeSettings, description="Claim checking.")
    relevance_min: float = Field(
        0.35,
        description="Refuse before generating when the best evidence scores below this "
        "(bench/calibrate_relevance.py: the highest value that refuses no answerable eval item).",
    )

    add_max_bytes: int = Field(
        20 << 20, ge=1, description="Largest file accepted by `rag add` and the indexer (bytes)."
    )
    add_max_files: int = Field(20, ge=1, description="Most files one `rag add` call accepts.")
    fetch_timeout: float = Field(20.0, gt=0, description="Seconds `rag add URL` waits on a page.")
    fetch_max_redirects: int = Field(5, ge=0, description="Redirects `rag add URL` follows.")

    @property
    def texts_path(self) -> Path:
        """Folder of extracted article texts (HTML, PDF, feeds, exports), keyed by file hash."""
        return self.home / "texts"

    @property
    def chroma_path(self) -> Path:
        """Local Chroma folder (used when chroma_url is unset)."""
        return self.home / "chroma"

    @property
    def llm_backend(self) -> str:
        """The generator in use: the explicit RAG_LLM, else openai when configured, else local."""
        if self.llm:
            return self.llm
        if reveal(self.openai_api_key) or self.openai_base_url:
            return "openai"
        return "local"

    def secret_values(self) -> list[str]:
        """The plain values of every secret this object holds (for redaction)."""
        values = (reveal(getattr(self, name)) for name in SECRET_FIELDS)
        return [v.strip() for v in values if v and v.strip()]

    def index_place(self) -> IndexPlace:
        """Where the index lives and what it depends on, for index/state.py."""
        from index.state import IndexPlace

        config: dict[str, Any] | None = None
        if not self.chroma_url:
            config = self.model_dump(mode="json", exclude=set(SECRET_FIELDS))
        return IndexPlace(self.home, self.corpus, self.chroma_path, self.keyword_path, config)

    @property
    def model_path(self) -> Path:
        """Folder of the assembled local model."""
        return self.model_dir or self.home / "models"

    @property
    def keyword_path(self) -> Path:
        """Folder of the persisted BM25 index."""
        return self.home / "keyword"


def settings_from_args(args: object) -> Settings:
    """Settings from the environment, with what the command line gave (`corpus`, `mode`,
    `llm` attributes of an argparse namespace; unset or None ones are left alone)."""
    fields = {"corpus": "corpus", "mode": "retrieval", "llm": "llm"}
    overrides: dict[str, Any] = {}
    for attribute, field in fields.items():
        value = getattr(args, attribute, None)
        if value:
            overrides[field] = Path(value) if field == "corpus" else value
    return Settings(**overrides)
