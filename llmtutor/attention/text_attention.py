"""From a learner's sentence to attention weights: tokens → X (+ PE) → Q, K, V → weights.

The embeddings and projections are random but deterministic (from `seed`) unless the learner
supplies trained projection matrices, so the patterns show the mechanism, not meaning.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from llmtutor.attention.masks import causal_mask
from llmtutor.attention.multi_head import multi_head_attention
from llmtutor.attention.parameters import embed_tokens, projection_weights
from llmtutor.attention.positions import sinusoidal_positional_encoding
from llmtutor.attention.tokenizer import tokenize
from llmtutor.errors import TutorError

MAX_DIM = 1024
MAX_HEADS = 64
MAX_SEED = 2**32 - 1
MAX_TOKENS = 2048


class TextAttention(NamedTuple):
    """What `attend_to_text` computed (a NamedTuple: a frozen dataclass costs ~4M instructions to define)."""

    tokens: list[str]
    x: np.ndarray        # (n, d_model) embeddings (+ positions)
    weights: np.ndarray  # (n_heads, n, n)
    output: np.ndarray   # (n, d_model)
    mask: np.ndarray     # (n, n) True = may attend
    d_model: int
    n_heads: int
    seed: int
    causal: bool
    positions: bool
    trained: bool


def check_settings(d_model: int, n_heads: int, seed: int) -> None:
    """TutorError (exit 2) for sizes a learner could not mean."""
    if not 2 <= d_model <= MAX_DIM:
        raise TutorError("dim_out_of_range", value=d_model, limit=MAX_DIM)
    if not 1 <= n_heads <= MAX_HEADS:
        raise TutorError("heads_out_of_range", value=n_heads, limit=MAX_HEADS)
    if d_model % n_heads:
        raise TutorError("heads_do_not_divide", d_model=d_model, n_heads=n_heads)
    if not 0 <= seed <= MAX_SEED:
        raise TutorError("seed_out_of_range", value=seed, limit=MAX_SEED)


MAX_WEIGHT = 1e6  # trained projections are small numbers; beyond this the scores overflow to NaN


def load_projections(path: Path) -> dict[str, np.ndarray]:
    """W_q, W_k, W_v (and optionally W_o), each (d_model, d_model), from a .npz file.

    The file is untrusted input, read by the model engine's safe reader: a regular file only
    (a FIFO is refused, never opened), every array header checked before its data is read (a
    zip bomb or a header that lies about its shape costs nothing), plain floats only, no pickles;
    then finite values of a sane size, so the maths stays finite.
    """
    from llmtutor.model.checkpoint import read_plain_arrays

    try:
        raw = read_plain_arrays(Path(path), limit=MAX_DIM * MAX_DIM * 8 + 4096)  # d_model ≤ 1024, float64
    except TutorError as err:
        raise TutorError("weights_unreadable", path=str(path), detail=_reason(err)) from None
    arrays = {name.lower(): np.asarray(array, dtype=np.float64) for name, array in raw.items()}
    missing = [name for name in ("w_q", "w_k", "w_v") if name not in arrays]
    if missing:
        raise TutorError("weights_missing", path=str(path), names=", ".join(missing))
    d_model = arrays["w_q"].shape[0]
    for name in ("w_q", "w_k", "w_v", "w_o"):
        if name in arrays and arrays[name].shape != (d_model, d_model):
            raise TutorError("weights_shape", path=str(path), name=name, shape=str(arrays[name].shape))
        if name in arrays and not np.all(np.isfinite(arrays[name])):
            raise TutorError("weights_not_finite", path=str(path), name=name)
        if name in arrays and arrays[name].size and np.abs(arrays[name]).max() > MAX_WEIGHT:
            raise TutorError("weights_too_large", path=str(path), name=name, limit=f"{MAX_WEIGHT:.0e}")
    if not 2 <= d_model <= MAX_DIM:
        raise TutorError("dim_out_of_range", value=d_model, limit=MAX_DIM)
    return arrays


def _reason(err: TutorError) -> str:
    """What the safe reader found wrong, in a few words (English: it names the file's insides)."""
    params = err.params
    reasons = {"model_file_missing": "no such file", "model_not_regular": "not a regular file",
               "model_too_large": f"{params.get('size')} bytes, more than {params.get('limit')}",
               "model_unreadable": params.get("detail", ""), "model_not_finite": f"{params.get('name')} not finite"}
    if err.key == "model_bad_array":
        return f"{params.get('name')}: {params.get('detail')}"
    return reasons.get(err.key, params.get("detail", err.key))


def attend_to_text(text: str, d_model: int = 16, n_heads: int = 1, seed: int = 0, causal: bool = False,
                   positions: bool = True, projections: dict[str, np.ndarray] | None = None,
                   max_tokens: int = MAX_TOKENS) -> TextAttention:
    """Self-attention over `text` with seeded (or supplied) parameters."""
    if projections is not None:
        d_model = projections["w_q"].shape[0]
    check_settings(d_model, n_heads, seed)
    if positions and d_model % 2:
        raise TutorError("dim_must_be_even", d=d_model)
    tokens = tokenize(text, max_tokens=max_tokens)
    n = len(tokens)
    x = embed_tokens(tokens, d_model, seed)                          # (n, d_model)
    if positions:
        x = x + sinusoidal_positional_encoding(n, d_model)           # (n, d_model)
    w = projections or {}
    w_q = w.get("w_q", projection_weights(d_model, d_model, seed, "w_q"))  # (d_model, d_model)
    w_k = w.get("w_k", projection_weights(d_model, d_model, seed, "w_k"))
    w_v = w.get("w_v", projection_weights(d_model, d_model, seed, "w_v"))
    w_o = w.get("w_o", projection_weights(d_model, d_model, seed, "w_o"))
    mask = causal_mask(n) if causal else np.ones((n, n), dtype=bool)    # (n, n)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=mask if causal else None)
    return TextAttention(tokens, x, weights, output, mask, d_model, n_heads, seed, causal, positions,
                         trained=projections is not None)
