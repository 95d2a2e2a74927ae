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
        mask: optional bool mask broadcastable to `(n, n)` (True = may attend), shared by all heads.

    Returns:
        `(output, weights)`: output `(n, d_model)` = concat(heads) @ w_o, and each head's
        attention weights `(n_heads, n, n)`.
    """
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x needs shape (n, d_model), got {x.shape}")
    d_model = x.shape[-1]
    head_size(d_model, n_heads)
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        if np.shape(w) != (d_model, d_model):
            raise ValueError(f"{name} must be (d_model, d_model) = {(d_model, d_model)}, got {np.shape(w)}")

    queries = split_heads(x @ w_q, n_heads)  # (n_heads, n, d_head)
    keys = split_heads(x @ w_k, n_heads)  # (n_heads, n, d_head)
    values = split_heads(x @ w_v, n_heads)  # (n_heads, n, d_head)
    heads, weights = scaled_dot_product_attention(queries, keys, values, mask)
    # heads (n_heads, n, d_head), weights (n_heads, n, n)
    output = merge_heads(heads) @ w_o  # (n, d_model)
    return output, weights
