"""Multi-head attention: several attentions side by side, each on its own slice of the model width.

    Q = x W_q,  K = x W_k,  V = x W_v                  (n, d_model)
    head_h = Attention(Q_h, K_h, V_h)                  Q_h = columns h·d_head … (h+1)·d_head
    MultiHead(x) = concat(head_1, …, head_H) W_o       (n, d_model)
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention.scaled_dot_product import scaled_dot_product_attention
from llmtutor.errors import TutorError


def head_size(d_model: int, n_heads: int) -> int:
    """d_head = d_model / n_heads; TutorError when the heads cannot share d_model evenly."""
    if n_heads < 1:
        raise TutorError("heads_must_be_positive", n_heads=n_heads)
    if d_model % n_heads:
        raise TutorError("heads_do_not_divide", d_model=d_model, n_heads=n_heads)
    return d_model // n_heads


def split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """`(..., n, d_model)` → `(..., n_heads, n, d_head)`: head h gets columns h·d_head:(h+1)·d_head."""
    x = np.asarray(x)
    *batch, n, d_model = x.shape
    d_head = head_size(d_model, n_heads)
    heads = x.reshape(*batch, n, n_heads, d_head)  # (..., n, n_heads, d_head)
    return heads.swapaxes(-3, -2)  # (..., n_heads, n, d_head)


def merge_heads(heads: np.ndarray) -> np.ndarray:
    """`(..., n_heads, n, d_head)` → `(..., n, n_heads·d_head)`: the heads' outputs side by side."""
    heads = np.asarray(heads)
    *batch, n_heads, n, d_head = heads.shape
    side_by_side = heads.swapaxes(-3, -2)  # (..., n, n_heads, d_head)
    return side_by_side.reshape(*batch, n, n_heads * d_head)  # (..., n, d_model)


def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads: int, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head self-attention of the token vectors `x`.

    Args:
        x: token vectors `(n, d_model)` (leading batch dimensions `(..., n, d_model)` work too).
        w_q, w_k, w_v, w_o: projections `(d_model, d_model)`, applied as `x @ w`.
        n_heads: number of heads; must divide d_model (else TutorError "heads_do_not_divide").
        mask: optional bool mask (True = may attend). `(n, n)` (or anything that broadcasts
            to it) is shared by every sequence and head. With batched `x` `(batch, n, d_model)`,
            a mask with the same number of dimensions, `(batch, n, n)` or `padding_mask(...)`'s
            `(batch, 1, n)`, is per sequence and shared by its heads (as torch's
            `key_padding_mask`); per head, pass `(batch, n_heads, n, n)` (or `(n_heads, n, n)`
            for unbatched `x`). A mask whose batch dimensions do not match x's is refused
            (ValueError saying what to pass) rather than spread over the heads.

    Returns:
        `(output, weights)`: output `(n, d_model)` = concat(heads) @ w_o, and each head's
        attention weights `(n_heads, n, n)` (`(..., n_heads, n, n)` for batched x).
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x needs shape (n, d_model), got {x.shape}")
    d_model = x.shape[-1]
    head_size(d_model, n_heads)
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        if np.shape(w) != (d_model, d_model):
            raise ValueError(f"{name} must be (d_model, d_model) = {(d_model, d_model)}, got {np.shape(w)}")

    if mask is not None:
        mask = _heads_mask(np.asarray(mask), x.shape[:-2])

    queries = split_heads(x @ w_q, n_heads)  # (n_heads, n, d_head)
    keys = split_heads(x @ w_k, n_heads)  # (n_heads, n, d_head)
    values = split_heads(x @ w_v, n_heads)  # (n_heads, n, d_head)
    heads, weights = scaled_dot_product_attention(queries, keys, values, mask)
    # heads (n_heads, n, d_head), weights (n_heads, n, n)
    output = merge_heads(heads) @ w_o  # (n, d_model)
    return output, weights


def _heads_mask(mask: np.ndarray, batch: tuple) -> np.ndarray:
    """The mask given a heads axis where it has one per sequence; ValueError when it does not fit.

    batch: x's leading dimensions. A mask with as many dimensions as x, `(..., n_q, n_k)`, is
    per sequence: a heads axis goes before its last two. The dimensions before the heads axis
    must then fit `batch` (each 1 or equal): numpy alone would line a `(batch, 1, n)` padding
    mask up with the heads and give sequence b's padding to head b.
    """
    given = tuple(mask.shape)
    if batch and mask.ndim == len(batch) + 2:  # (..., n_q, n_k), one per sequence
        mask = mask[..., None, :, :]  # (..., 1, n_q, n_k): the same for every head
    if mask.ndim >= len(batch) + 3:
        leading = mask.shape[:-3]  # what stands before (n_heads, n_q, n_k)
        if len(leading) > len(batch) or any(have not in (1, want) for have, want in zip(leading[::-1], batch[::-1])):
            shape = ", ".join(map(str, batch))
            raise ValueError(
                f"mask {given} does not fit x's batch ({shape}): pass one mask per sequence, "
                f"({shape}{', ' if batch else ''}n, n) or padding_mask(lengths, n) ({shape}{', ' if batch else ''}1, n), "
                f"shared by its heads; or one per head, ({shape}{', ' if batch else ''}n_heads, n, n)")
    return mask
