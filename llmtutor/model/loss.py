"""Softmax cross-entropy: how surprised the model is by the right next token, and its gradient."""

from __future__ import annotations

import numpy as np

from llmtutor.attention.softmax import softmax


def cross_entropy(logits: np.ndarray, targets: np.ndarray,
                  loss_mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Mean −log p(target) over the positions that count, and its gradient with respect to the logits.

    Args:
        logits: `(B, n, V)` unnormalised scores; p = softmax(logits) over the vocabulary.
        targets: `(B, n)` the right token at each position.
        loss_mask: `(B, n)` bool, True where the position counts (default: all of them).

    Returns:
        `(loss, dlogits)`: loss in nats; dlogits `(B, n, V)` = (p − onehot(target)) / count,
        zero at positions that do not count.
    """
    probabilities = softmax(logits, axis=-1)  # (B, n, V)
    if loss_mask is None:
        loss_mask = np.ones(targets.shape, dtype=bool)
    count = max(int(loss_mask.sum()), 1)
    picked = np.take_along_axis(probabilities, targets[..., None], axis=-1)[..., 0]  # p(target) (B, n)
    # p(target) can underflow to 0 in float32; log of the smallest normal number keeps it finite
    tiny = float(np.finfo(probabilities.dtype).tiny)
    loss = float(-(np.log(np.maximum(picked, tiny)) * loss_mask).sum() / count)
    dlogits = probabilities  # reuse the array: softmax's gradient under cross-entropy is p − onehot
    np.put_along_axis(dlogits, targets[..., None], picked[..., None] - 1.0, axis=-1)
    dlogits *= (loss_mask / count)[..., None].astype(dlogits.dtype)
    return loss, dlogits
