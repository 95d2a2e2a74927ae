"""Scaled dot-product attention: Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V.

Each query scores every key by a dot product, the scores become weights by softmax, and the
query's output is the weighted average of the values.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from llmtutor.attention.softmax import softmax_in_place

# Below this many scores one core is quicker than handing out work.
_PARALLEL_MIN_SCORES = 1 << 20


def attention_inputs(q, k, v) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check the shapes of q `(..., n_q, d_k)`, k `(..., n_k, d_k)`, v `(..., n_k, d_v)`.

    Returns the three as arrays of one float dtype (float32 stays float32; integers become
    float64). Raises ValueError naming the mismatch.
    """
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    for name, array in (("q", q), ("k", k), ("v", v)):
        if array.ndim < 2:
            raise ValueError(f"{name} needs at least 2 dimensions (..., n, d), got shape {array.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k need the same last dimension d_k: q {q.shape}, k {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v need one value per key (same n_k): k {k.shape}, v {v.shape}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"q, k and v have batch dimensions that do not broadcast: {q.shape}, {k.shape}, {v.shape}"
        ) from None
    dtype = np.result_type(q, k, v)
    if not np.issubdtype(dtype, np.floating):
        dtype = np.dtype(np.float64)
    return q.astype(dtype, copy=False), k.astype(dtype, copy=False), v.astype(dtype, copy=False)


def scaled_dot_product_attention(q, k, v, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """softmax(q kᵀ / √d_k) v, with the attention weights.

    Args:
        q: queries `(..., n_q, d_k)`.
        k: keys `(..., n_k, d_k)`.
        v: values `(..., n_k, d_v)`.
        mask: optional bool array broadcastable to `(..., n_q, n_k)`; True = the query may
            attend the key. Hidden keys get weight exactly 0; a query that may attend no key
            gets all-zero weights and a zero output.

    Returns:
        `(output, weights)`: output `(..., n_q, d_v)` and weights `(..., n_q, n_k)`, in the
        inputs' float dtype (float32 in, float32 out).
    """
    q, k, v = attention_inputs(q, k, v)
    d_k = q.shape[-1]
    scale = 1.0 / np.sqrt(d_k) if d_k else 1.0

    # (q / √d_k) kᵀ equals (q kᵀ) / √d_k, but scaling q touches n_q·d_k numbers, not n_q·n_k.
    scaled_q = np.multiply(q, scale, dtype=q.dtype)  # (..., n_q, d_k)
    scores = np.matmul(scaled_q, k.swapaxes(-1, -2))  # (..., n_q, n_k)

    if mask is not None:
        scores = _hide_masked_keys(scores, mask)  # (..., n_q, n_k), -inf where hidden

    weights = _softmax_rows_in_place(scores)  # (..., n_q, n_k), rows sum to 1
    output = np.matmul(weights, v)  # (..., n_q, d_v)
    return output, weights


def _hide_masked_keys(scores: np.ndarray, mask) -> np.ndarray:
    """Set the scores of hidden keys to -inf: exp(-inf) = 0, so their weight ends exactly 0."""
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise ValueError(f"mask must be a bool array (True = may attend), got dtype {mask.dtype}")
    try:
        shape = np.broadcast_shapes(mask.shape, scores.shape)
    except ValueError:
        raise ValueError(f"mask {mask.shape} does not broadcast to the scores {scores.shape}") from None
    if shape != scores.shape:  # the mask has batch dimensions that q, k and v lack
        scores = np.broadcast_to(scores, shape).copy()
    np.copyto(scores, -np.inf, where=~mask)
    return scores


def _softmax_rows_in_place(scores: np.ndarray) -> np.ndarray:
    """softmax_in_place along the last axis, rows shared among the CPU cores when there are many.

    Every row is normalised on its own, so blocks of rows can go to different threads; NumPy
    releases the GIL inside exp, subtract and divide, so the threads really run side by side.
    """
    workers = _cpu_count()
    if workers == 1 or scores.size < _PARALLEL_MIN_SCORES or not scores.flags.c_contiguous:
        return softmax_in_place(scores, axis=-1)
    rows = scores.reshape(-1, scores.shape[-1])  # (rows, n_k), a view of the same memory
    blocks = np.array_split(rows, 4 * workers)  # a few blocks per core evens out the load
    list(_thread_pool().map(softmax_in_place, blocks))
    return scores


@lru_cache(maxsize=1)
def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _thread_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_cpu_count(), thread_name_prefix="llmtutor-softmax")
