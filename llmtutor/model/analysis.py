"""What each head learned, measured from the weights on fresh sequences, never asserted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from llmtutor.model.tasks import Task
from llmtutor.model.transformer import Transformer


@dataclass(frozen=True)
class HeadScore:
    """One head's measured behaviour on fresh sequences of its task."""

    layer: int  # from 1
    head: int  # from 1
    pattern: float | None  # mean weight on the key the task expects (None: the task expects none here)
    entropy: float  # mean row entropy / entropy of a uniform row over the keys it may see: 1 = flat, 0 = one key


def head_scores(model: Transformer, task: Task, length: int, seed: int = 0, count: int = 200) -> list[HeadScore]:
    """Per layer and head: the mean attention on the expected key, and how flat the rows are."""
    batch = task.sample(np.random.default_rng([seed, 3]), count, length)
    model.forward(batch.inputs)
    expected = task.expected_keys(batch.inputs, length, model.config.n_layers)
    scores = []
    for layer, weights in enumerate(model.attention_weights()):  # (B, h, n, n)
        keys = expected[layer] if layer < len(expected) else None
        for head in range(weights.shape[1]):
            scores.append(HeadScore(layer + 1, head + 1, _pattern_score(weights[:, head], keys),
                                    _entropy_ratio(weights[:, head], model.config.causal)))
    return scores


def _pattern_score(weights: np.ndarray, keys: np.ndarray | None) -> float | None:
    """Mean of weights[b, q, keys[b, q]] over the queries that have an expected key. weights (B, n, n)."""
    if keys is None:
        return None
    has_key = keys >= 0  # (B, n)
    if not has_key.any():
        return None
    picked = np.take_along_axis(weights, np.maximum(keys, 0)[..., None], axis=-1)[..., 0]  # (B, n)
    return float(picked[has_key].mean())


def _entropy_ratio(weights: np.ndarray, causal: bool) -> float:
    """Mean over rows that may see 2 or more keys of H(row) / log(keys it may see). weights (B, n, n)."""
    n = weights.shape[-1]
    allowed = np.arange(1, n + 1) if causal else np.full(n, n)  # (n,): keys query q may see
    safe = np.where(weights > 0, weights, 1.0)  # 0·log 0 = 0
    entropy = -(weights * np.log(safe)).sum(axis=-1)  # (B, n) nats
    rows = allowed >= 2
    return float((entropy[:, rows] / np.log(allowed[rows])).mean()) if rows.any() else 0.0

