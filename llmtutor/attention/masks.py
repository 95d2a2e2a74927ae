"""Masks say which keys each query may look at: True = may attend, False = hidden."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def causal_mask(n: int) -> np.ndarray:
    """The causal mask, `(n, n)` bool: query i may attend key j exactly when j <= i.

    The lower triangle with its diagonal is True, so no token sees a later one.
    """
    if n < 0:
        raise ValueError(f"causal_mask needs n >= 0, got {n}")
    return np.tril(np.ones((n, n), dtype=bool))  # (n_q, n_k)


def padding_mask(lengths: Sequence[int], n: int) -> np.ndarray:
    """Hide padding keys in a batch of sequences padded to length `n`.

    Args:
        lengths: how many real tokens each of the `batch` sequences has (the rest is padding).
        n: the padded length.

    Returns:
        `(batch, 1, n)` bool, True where the key is a real token; it broadcasts against
        `(batch, n_q, n_k)` scores. Combine with a causal mask by `&`; add an axis
        (`mask[:, None]`) for `(batch, n_heads, n_q, n_k)` scores.
    """
    lengths = np.asarray(lengths, dtype=np.int64)  # (batch,)
    if lengths.ndim != 1 or np.any(lengths < 0) or np.any(lengths > n):
        raise ValueError(f"padding_mask needs a list of lengths between 0 and n={n}, got {lengths}")
    return (np.arange(n) < lengths[:, None])[:, None, :]  # (batch, 1, n_k)
