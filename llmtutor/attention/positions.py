"""Sinusoidal positional encoding (Vaswani et al. 2017): each position gets its own pattern of waves.

    PE[pos, 2i]   = sin(pos / 10000^(2i/d))
    PE[pos, 2i+1] = cos(pos / 10000^(2i/d))

Column pair i is a wave whose wavelength grows from 2π (i = 0) towards 10000·2π.
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
