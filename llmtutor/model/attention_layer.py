"""Multi-head self-attention as a layer that learns, and the gradient of attention as its formula reads.

Forward (Vaswani et al. 2017, §3.2), with the maths of `llmtutor.attention`:

    Q = x·W_Q,  K = x·W_K,  V = x·W_V            (B, n, d) → per head (B, h, n, d_k)
    S = Q·Kᵀ/√d_k,  A = softmax(S),  O = A·V       A (B, h, n, n), O (B, h, n, d_k)
    y = concat(O_1 … O_h)·W_O                      (B, n, d)

Backward, from dO (the loss's gradient with respect to O):

    dV = Aᵀ·dO
    dA = dO·Vᵀ
    dS = A ⊙ (dA − rowsum(dA ⊙ A))                 the softmax Jacobian, row by row
    dQ = dS·K/√d_k
    dK = dSᵀ·Q/√d_k

A masked cell has A = 0, so its dS is 0: no gradient flows to a key a query may not see.
"""

from __future__ import annotations

import math

import numpy as np

from llmtutor.attention import merge_heads, scaled_dot_product_attention, split_heads
from llmtutor.model.layers import Layer, _normal


def attention_backward(Q: np.ndarray, K: np.ndarray, V: np.ndarray, A: np.ndarray,
                       dO: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients (dQ, dK, dV) of scaled dot-product attention O = softmax(Q·Kᵀ/√d_k)·V.

    Args:
        Q `(..., n_q, d_k)`, K `(..., n_k, d_k)`, V `(..., n_k, d_v)`: the forward inputs.
        A `(..., n_q, n_k)`: the attention weights the forward pass returned (0 where masked).
        dO `(..., n_q, d_v)`: the gradient of the loss with respect to the output O.
    """
    d_k = Q.shape[-1]
    scale = 1.0 / math.sqrt(d_k)  # a Python float, so float32 stays float32
    dV = A.swapaxes(-1, -2) @ dO  # (..., n_k, d_v)
    dA = dO @ V.swapaxes(-1, -2)  # (..., n_q, n_k)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True))  # (..., n_q, n_k)
    dQ = (dS @ K) * scale  # (..., n_q, d_k)
    dK = (dS.swapaxes(-1, -2) @ Q) * scale  # (..., n_k, d_k)
    return dQ, dK, dV


def scaled_scores_backward(Q: np.ndarray, K: np.ndarray, V: np.ndarray, A: np.ndarray,
                           dO: np.ndarray) -> np.ndarray:
    """dS alone, the gradient with respect to the scaled scores S = Q·Kᵀ/√d_k (for the walkthrough)."""
    dA = dO @ V.swapaxes(-1, -2)
    return A * (dA - (dA * A).sum(axis=-1, keepdims=True))


class SelfAttention(Layer):
    """Multi-head self-attention: x `(B, n, d)` → y `(B, n, d)`; `self.weights` keeps A `(B, h, n, n)`."""

    def __init__(self, d_model: int, n_heads: int, rng: np.random.Generator, dtype=np.float32,
                 std: float = 0.02, out_std: float = 0.02) -> None:
        super().__init__()
        self.n_heads = n_heads
        for name in ("W_Q", "W_K", "W_V"):
            self.params[name] = _normal(rng, (d_model, d_model), std, dtype)  # (d, d)
        self.params["W_O"] = _normal(rng, (d_model, d_model), out_std, dtype)  # (d, d)

    def forward(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        p, h = self.params, self.n_heads
        self.x = x  # (B, n, d)
        self.Q = split_heads(x @ p["W_Q"], h)  # (B, h, n, d_k)
        self.K = split_heads(x @ p["W_K"], h)  # (B, h, n, d_k)
        self.V = split_heads(x @ p["W_V"], h)  # (B, h, n, d_k)
        O, self.weights = scaled_dot_product_attention(self.Q, self.K, self.V, mask)  # (B,h,n,d_k), (B,h,n,n)
        self.concat = merge_heads(O)  # (B, n, d)
        return self.concat @ p["W_O"]  # (B, n, d)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        p, h = self.params, self.n_heads
        d = dy.shape[-1]
        flat_x = self.x.reshape(-1, d)  # (B·n, d)
        self.grads["W_O"] = self.concat.reshape(-1, d).T @ dy.reshape(-1, d)  # (d, d)
        dO = split_heads(dy @ p["W_O"].T, h)  # (B, h, n, d_k)
        dQ, dK, dV = attention_backward(self.Q, self.K, self.V, self.weights, dO)
        dx = np.zeros_like(self.x)
        for name, d_heads in (("W_Q", dQ), ("W_K", dK), ("W_V", dV)):
            d_proj = merge_heads(d_heads)  # (B, n, d)
            self.grads[name] = flat_x.T @ d_proj.reshape(-1, d)  # (d, d)
            dx += d_proj @ p[name].T  # each projection sends its share back to x
        return dx  # (B, n, d)
