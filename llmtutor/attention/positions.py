"""Positions for attention: the sinusoidal table of Vaswani et al. 2017, and rotary embeddings (RoPE).

Sinusoidal encoding, added to the embeddings once, at the bottom of the model:

    PE[pos, 2i]   = sin(pos / 10000^(2i/d))
    PE[pos, 2i+1] = cos(pos / 10000^(2i/d))

Column pair i is a wave whose wavelength grows from 2π (i = 0) towards 10000·2π.

Rotary position embedding (Su et al. 2021, RoFormer §3), applied to the queries and keys
inside attention: the pair (x[2i], x[2i+1]) of the vector at position p turns by the angle p·θ_i,
θ_i = 10000^(−2i/d). A rotation by p·θ followed by one by −q·θ is a rotation by (p − q)·θ, so
RoPE(q, m)·RoPE(k, n) depends on m and n only through the offset n − m.
"""

from __future__ import annotations

import numpy as np

from llmtutor.errors import TutorError


def sinusoidal_positional_encoding(n: int, d: int) -> np.ndarray:
    """The `(n, d)` float64 encoding of positions 0 … n-1; d must be even and positive.

    Raises TutorError "dim_must_be_even" for odd d, "dim_must_be_positive" for d < 2.
    """
    if d % 2:
        raise TutorError("dim_must_be_even", d=d)
    if d < 2:
        raise TutorError("dim_must_be_positive", d=d)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    pos = np.arange(n, dtype=np.float64)[:, None]  # (n, 1)
    two_i = np.arange(0, d, 2, dtype=np.float64)  # (d/2,) the even columns 2i
    angles = pos / 10000.0 ** (two_i / d)  # (n, d/2)
    encoding = np.empty((n, d), dtype=np.float64)  # (n, d)
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles)
    return encoding


def rotary_embedding(x: np.ndarray, positions: np.ndarray | None = None, base: float = 10000.0) -> np.ndarray:
    """x with each row turned by its position (RoPE, Su et al. 2021, §3).

    x: `(..., n, d)`, d even; row j of the last two axes stands at `positions[j]` (default 0 … n-1).
    Column pair i, (x[..., 2i], x[..., 2i+1]), is rotated by the angle positions[j]·θ_i with
    θ_i = base^(−2i/d): the first pair turns fastest, like the sinusoidal table's first columns.
    Returns a new float64 array of x's shape; lengths of the pairs, hence of the rows, are kept.

    Raises TutorError "dim_must_be_even" for odd d, "dim_must_be_positive" for d < 2.
    """
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape[-2], x.shape[-1]
    if d % 2:
        raise TutorError("dim_must_be_even", d=d)
    if d < 2:
        raise TutorError("dim_must_be_positive", d=d)
    pos = np.arange(n, dtype=np.float64) if positions is None else np.asarray(positions, dtype=np.float64)
    if pos.shape != (n,):
        raise ValueError(f"positions must have shape ({n},), got {pos.shape}")
    theta = base ** (-np.arange(0, d, 2, dtype=np.float64) / d)  # (d/2,) θ_i = base^(−2i/d)
    angles = pos[:, None] * theta[None, :]  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)  # (n, d/2) each
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., n, d/2) each: the two halves of every pair
    rotated = np.empty_like(x)  # (..., n, d)
    rotated[..., 0::2] = even * cos - odd * sin
    rotated[..., 1::2] = even * sin + odd * cos
    return rotated


def apply_rope(q: np.ndarray, k: np.ndarray, positions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Queries and keys rotated by their positions, ready for q·kᵀ; values are never rotated.

    q, k: `(..., n, d_k)`; positions: `(n,)`, default 0 … n-1. Returns `(q_rot, k_rot)`, shapes kept.
    Then `q_rot[m] · k_rot[n]` equals `q[m] · R((n − m)·θ) · k[n]`: only the offset n − m enters.
    """
    return rotary_embedding(q, positions), rotary_embedding(k, positions)
