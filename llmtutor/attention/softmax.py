"""Softmax: turn a row of scores into weights that are positive and sum to 1."""

from __future__ import annotations

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(x)_j = exp(x_j) / Σ_k exp(x_k) along `axis`, computed without overflow.

    Args:
        x: scores of any shape, e.g. `(..., n_q, n_k)`; `-inf` marks a position to leave out.
        axis: the axis whose entries compete (the keys, usually the last one).

    Returns:
        An array of the same shape, and the same dtype for float input (integers give float64).
        Each slice along `axis` sums to 1, except that a slice whose entries are all `-inf`
        (nothing may be attended) gives all zeros rather than NaN. float16 is computed in
        float32 and returned as float16 (a float16 sum of exponentials overflows past 65,504,
        e.g. over 70,000 keys). A slice holding NaN or +inf comes out all NaN (as in torch).
        Complex input is refused (ValueError): softmax needs an order among its entries.
    """
    x = np.asarray(x)
    if np.iscomplexobj(x):
        raise ValueError(f"softmax needs real numbers, got {x.dtype}: pass x.real (or np.abs(x)) yourself")
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64
    if dtype == np.float16:
        return softmax_in_place(x.astype(np.float32), axis=axis).astype(np.float16)
    weights = np.array(x, dtype=dtype, copy=True)
    softmax_in_place(weights, axis=axis)
    return weights


def softmax_in_place(scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """Overwrite the float array `scores` with softmax(scores) along `axis`; returns it.

    The attention code uses this on its `(..., n_q, n_k)` score array so that no second
    array of that size is ever made. Same rules as `softmax` for rows that are all `-inf`.
    """
    # exp(x - max) == exp(x) / exp(max), and the ratio cancels in the division below, so
    # subtracting the row's max changes nothing except that the largest exponent is now 0:
    # exp never overflows, whatever the scale of the scores.
    row_max = np.max(scores, axis=axis, keepdims=True, initial=-np.inf)  # (..., 1) along axis
    # A row that is all -inf has max -inf, and -inf - (-inf) is NaN; subtract 0 instead, so
    # every exp is exp(-inf) = 0 and the row comes out as zeros.
    row_max[np.isneginf(row_max)] = 0
    np.subtract(scores, row_max, out=scores)
    np.exp(scores, out=scores)
    row_sum = np.sum(scores, axis=axis, keepdims=True)  # >= 1 unless the row is all -inf
    row_sum[row_sum == 0] = 1
    np.divide(scores, row_sum, out=scores)
    return scores
