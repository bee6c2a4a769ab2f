"""The claim judge's llama.cpp server: logprobs of the next token, without the prompt's logits.

llama-cpp-python gives logprobs only from a model built with `logits_all`, and that flag makes
llama.cpp compute and keep the logits of every prompt token: one 151,936-wide row per token,
a fifth of the time it takes to read a prompt here. The judge needs one row, the last prompt
token's (P(yes) of the first reply token). This runs llama-cpp-python's own OpenAI-compatible
server unchanged except for its model class: `NextTokenLlama` asks llama.cpp for the logits of
each batch's last token only, which is what it computes anyway without `logits_all`, and files
them in the row where the logprobs code reads them.

Run as `python -m rag.judge_server` with the arguments of `python -m llama_cpp.server`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import llama_cpp
import numpy as np


class NextTokenLlama(llama_cpp.Llama):
    """A `Llama` whose logprobs cover generated tokens only (what a yes/no judge reads).

    The logprobs of prompt tokens (`echo` with `logprobs`) are not kept: their rows hold zeros,
    or an earlier prompt's last row. Everything else behaves as `Llama`.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> NextTokenLlama:
        # Refused before an instance exists (Llama.__del__ would trip on a half-built one).
        if kwargs.get("draft_model") is not None:  # it samples at positions eval leaves empty
            raise ValueError("The judge's server does not take a draft model.")
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["logits_all"] = False
        super().__init__(*args, **kwargs)
        # `create_completion` refuses logprobs unless this flag is set; the rows it reads for
        # generated tokens are filled by `eval` below.
        self._logits_all = True
        # One row per context position, as with logits_all; calloc'd, so only rows written take
        # memory (600 KB each): a judge call writes one, its prompt's last position, and a
        # streamed reply one per token.
        self.scores = np.zeros((self._n_ctx, self._n_vocab), dtype=np.single)

    def eval(self, tokens: Sequence[int]) -> None:
        """`Llama.eval`, keeping only the logits of each batch's last token."""
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        for start in range(0, len(tokens), self.n_batch):
            batch = tokens[start : start + self.n_batch]
            n_past = self.n_tokens
            end = n_past + len(batch)
            self._batch.set_batch(batch=batch, n_past=n_past, logits_all=False)
            self._ctx.decode(self._batch)
            self.input_ids[n_past:end] = batch
            self.scores[end - 1, :] = np.ctypeslib.as_array(
                self._ctx.get_logits(), shape=(self._n_vocab,)
            )
            self.n_tokens = end
            self._requires_eval = False


_log_softmax = llama_cpp.llama.Llama.logits_to_logprobs


class RowsOnDemand:
    """The log-softmax of a logits matrix, computed only for the rows that are indexed.

    `create_completion` (no streaming) takes the log-softmax of every context row and then
    keeps the rows of the generated tokens: for a judge prompt that is some 300 rows of 151,936
    floats (about a second here) to read one.
    """

    def __init__(self, logits: np.ndarray) -> None:
        self.logits = logits

    def __getitem__(self, rows: Any) -> np.ndarray:
        return _log_softmax(self.logits[rows])


def logits_to_logprobs(logits: Any, axis: int = -1) -> Any:
    """`Llama.logits_to_logprobs`, lazy for a whole matrix (see `RowsOnDemand`)."""
    if isinstance(logits, np.ndarray) and logits.ndim == 2 and axis in (-1, 1):
        return RowsOnDemand(logits)
    return _log_softmax(logits, axis=axis)


def main() -> None:
    """llama-cpp-python's server, its models built as `NextTokenLlama`."""
    from llama_cpp.server.__main__ import main as serve

    # The class the server instantiates, and the log-softmax its completion code calls by the
    # base class's name (`Llama.logits_to_logprobs`).
    llama_cpp.Llama = NextTokenLlama  # type: ignore[misc]
    llama_cpp.llama.Llama.logits_to_logprobs = staticmethod(logits_to_logprobs)  # type: ignore[method-assign]
    serve()


if __name__ == "__main__":
    main()
