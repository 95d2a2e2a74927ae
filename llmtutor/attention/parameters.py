"""Deterministic stand-ins for learned parameters: token embeddings and projection matrices.

A trained model learns these; the tutor only needs numbers that are the same every run for the
same seed, so that a learner can rerun a walkthrough and see the same heatmap. Each array is a
stream of `llmtutor.attention.seeded` (a counter-based generator: the same numbers on every
machine, without importing `numpy.random`) keyed by (seed, a domain tag, the token or matrix name).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from llmtutor.attention.seeded import key, normal
from llmtutor.errors import TutorError

_EMBEDDING_STREAM = 1
_PROJECTION_STREAM = 2


def embed_tokens(tokens: Sequence[str], d_model: int, seed: int = 0) -> np.ndarray:
    """One vector per token, `(n, d_model)` float64 with entries ~ N(0, 1).

    Any int is a seed. The vector depends only on (seed, token text): "the" at position 0 and at position 5 get
    the same vector, as a lookup in a learned embedding table would give. A smaller `d_model`
    gives the first entries of the same vectors.
    """
    if d_model < 1:
        raise TutorError("dim_must_be_positive", d=d_model)
    distinct = list(dict.fromkeys(tokens))                        # each token's vector made once
    keys = np.array([key(seed, _EMBEDDING_STREAM, token) for token in distinct], dtype=np.uint64)
    table = normal(keys, d_model)                                 # (distinct, d_model)
    row = {token: index for index, token in enumerate(distinct)}
    return table[[row[token] for token in tokens]].reshape(len(tokens), d_model)  # (n, d_model)


def projection_weights(d_model: int, d_out: int, seed: int = 0, name: str = "w") -> np.ndarray:
    """A `(d_model, d_out)` float64 matrix for `x @ w`, Xavier/Glorot-scaled, fixed by (seed, name).

    Entries ~ N(0, 2 / (d_model + d_out)), so that x @ w keeps roughly the size of x.
    Use names such as "w_q", "w_k", "w_v", "w_o" to get four different matrices from one seed.
    """
    if d_model < 1 or d_out < 1:
        raise TutorError("dim_must_be_positive", d=min(d_model, d_out))
    std = np.sqrt(2.0 / (d_model + d_out))
    entries = normal(key(seed, _PROJECTION_STREAM, name), d_model * d_out)
    return std * entries.reshape(d_model, d_out)
