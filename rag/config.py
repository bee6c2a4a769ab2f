"""The one settings object: every default lives here (env prefix RAG_, `.env` supported)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _offline_environment() -> None:
    """Make every library we use stay off the network unless a remote endpoint is configured."""
    import llama_index.core

    tiktoken_cache = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(tiktoken_cache))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class Settings(BaseSettings):
    """Newsdesk configuration. Each field is read from RAG_<NAME> (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

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

    embed: Literal["minilm", "openai"] = Field("minilm", description="Embedding backend.")
    embed_model: str = Field("text-embedding-3-small", description="OpenAI embedding model.")
    chunk_tokens: int = Field(200, ge=32, le=256, description="Max word-piece tokens a chunk.")

    retrieval: Literal["hybrid", "vector", "bm25"] = Field("hybrid", description="Search mode.")
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by retrieve().")
    candidates: int = Field(30, ge=1, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    retrieval_sentence_factor: int = Field(
        3, ge=1, le=20, description="Sentence hits fetched per chunk wanted (sentence ranking)."
    )
    retrieval_collapse_stories: bool = Field(
        True, description="Keep only the best-ranked copy of a near-duplicate story in top-k."
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

    llm: Literal["local", "openai", "none"] | None = Field(
        None, description="Generator; unset: openai if OPENAI_API_KEY/BASE_URL is set, else local."
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name for the openai backend.")
    llm_gguf: Path | None = Field(None, description="Another GGUF file for the local backend.")
    model_dir: Path | None = Field(None, description="Where the local model is assembled.")
    llm_threads: int = Field(max(1, os.cpu_count() or 1), ge=1, description="llama.cpp threads.")
    llm_context: int = Field(4096, ge=512, description="llama.cpp context window (tokens).")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait on the LLM server.")
    llm_max_tokens: int = Field(200, ge=16, description="Longest answer generated (tokens).")
    evidence_sentences: int = Field(5, ge=1, le=20, description="Evidence sentences per answer.")
    evidence_window: int = Field(
        0, ge=0, le=3, description="Neighbouring sentences shown on each side of an evidence one."
    )
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
        if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
            return "openai"
        return "local"

    @property
    def model_path(self) -> Path:
        """Folder of the assembled local model."""
        return self.model_dir or self.home / "models"

    @property
    def keyword_path(self) -> Path:
        """Folder of the persisted BM25 index."""
        return self.home / "keyword"
