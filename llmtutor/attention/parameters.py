"""Deterministic stand-ins for learned parameters: token embeddings and projection matrices.

A trained model learns these; the tutor only needs numbers that are the same every run for the
same seed, so that a learner can rerun a walkthrough and see the same heatmap. Each random
stream is seeded from (seed, a domain tag, a stable hash of the token or matrix name).
Python's built-in hash() is salted per process, so we use BLAKE2 instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from llmtutor.errors import TutorError

_EMBEDDING_STREAM = 1
_PROJECTION_STREAM = 2


def _stable_hash(text: str) -> int:
    """A 64-bit hash of `text` that is the same in every process and on every machine."""
    import hashlib  # here: a trained model never needs it

    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _generator(seed: int, stream: int, text: str) -> np.random.Generator:
    # SeedSequence takes only non-negative words: a negative seed is read as its 64-bit pattern.
    return np.random.default_rng([seed % 2**64, stream, _stable_hash(text)])


def embed_tokens(tokens: Sequence[str], d_model: int, seed: int = 0) -> np.ndarray:
    """One vector per token, `(n, d_model)` float64 with entries ~ N(0, 1).

    Any int is a seed. The vector depends only on (seed, token text): "the" at position 0 and at position 5 get
    the same vector, as a lookup in a learned embedding table would give.
    """
    if d_model < 1:
        raise TutorError("dim_must_be_positive", d=d_model)
    table: dict[str, np.ndarray] = {}
    for token in tokens:
        if token not in table:
            table[token] = _generator(seed, _EMBEDDING_STREAM, token).standard_normal(d_model)
    embeddings = np.empty((len(tokens), d_model), dtype=np.float64)  # (n, d_model)
    for row, token in enumerate(tokens):
        embeddings[row] = table[token]
    return embeddings


def projection_weights(d_model: int, d_out: int, seed: int = 0, name: str = "w") -> np.ndarray:
    """A `(d_model, d_out)` float64 matrix for `x @ w`, Xavier/Glorot-scaled, fixed by (seed, name).

    Entries ~ N(0, 2 / (d_model + d_out)), so that x @ w keeps roughly the size of x.
    Use names such as "w_q", "w_k", "w_v", "w_o" to get four different matrices from one seed.
    """
    if d_model < 1 or d_out < 1:
        raise TutorError("dim_must_be_positive", d=min(d_model, d_out))
    std = np.sqrt(2.0 / (d_model + d_out))
    return std * _generator(seed, _PROJECTION_STREAM, name).standard_normal((d_model, d_out))
