"""The layers of a small Transformer, each with its forward pass and, right under it, its backward pass.

As in micrograd, a layer's `forward` keeps what its `backward` needs, and `backward` turns the
gradient of the loss with respect to the layer's output into the gradient with respect to its
input, while setting the gradients of its own parameters in `self.grads` (same names, same shapes
as `self.params`). Shapes: B batch, n positions, d = d_model, V vocabulary.

Every backward pass here is checked against central differences in tests/test_model_gradients.py.
"""

from __future__ import annotations

import math

import numpy as np


class Layer:
    """A box of the diagram: named parameter arrays and, after `backward`, their gradients."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}


def column_sums(rows: np.ndarray) -> np.ndarray:
    """Σ over the rows of a `(m, k)` array → `(k,)`, as a matrix-vector product (BLAS beats a reduction here)."""
    return np.ones(rows.shape[0], dtype=rows.dtype) @ rows


def _normal(rng: np.random.Generator, shape: tuple[int, ...], std: float, dtype) -> np.ndarray:
    if not hasattr(rng, "bit_generator"):  # transformer._Unset: weights about to be loaded
        return np.zeros(shape, dtype=dtype)
    return (rng.standard_normal(shape) * std).astype(dtype)


class Linear(Layer):
    """y = x·W + b: x `(..., d_in)` → y `(..., d_out)`."""

    def __init__(self, d_in: int, d_out: int, rng: np.random.Generator, dtype=np.float32, std: float = 0.02,
                 bias: bool = True) -> None:
        super().__init__()
        self.params["W"] = _normal(rng, (d_in, d_out), std, dtype)  # (d_in, d_out)
        if bias:
            self.params["b"] = np.zeros(d_out, dtype=dtype)  # (d_out,)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x  # (..., d_in)
        y = x @ self.params["W"]  # (..., d_out)
        if "b" in self.params:
            y += self.params["b"]
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        W = self.params["W"]
        d_in, d_out = W.shape
        self.grads["W"] = self.x.reshape(-1, d_in).T @ dy.reshape(-1, d_out)  # Σ xᵀ·dy  (d_in, d_out)
        if "b" in self.params:
            self.grads["b"] = column_sums(dy.reshape(-1, d_out))  # Σ dy  (d_out,)
        return dy @ W.T  # dx = dy·Wᵀ  (..., d_in)


class Embedding(Layer):
    """x = W_E[tokens]: token ids `(B, n)` → vectors `(B, n, d)`. Row t of W_E is token t's vector."""

    def __init__(self, vocab_size: int, d_model: int, rng: np.random.Generator, dtype=np.float32,
                 std: float = 0.02) -> None:
        super().__init__()
        self.params["W_E"] = _normal(rng, (vocab_size, d_model), std, dtype)  # (V, d)

    def forward(self, tokens: np.ndarray) -> np.ndarray:
        self.tokens = tokens  # (B, n) int
        return self.params["W_E"][tokens]  # (B, n, d)

    def backward(self, dx: np.ndarray) -> None:
        W_E = self.params["W_E"]
        tokens = self.tokens.reshape(-1)  # (B·n,)
        rows = dx.reshape(-1, dx.shape[-1])  # (B·n, d)
        # A token that occurs several times collects the gradient of every occurrence:
        # dW_E = onehot(tokens)ᵀ·dx, as a matrix product while the one-hot matrix is small.
        if len(tokens) * len(W_E) <= 1 << 22:
            onehot = np.zeros((len(tokens), len(W_E)), dtype=rows.dtype)  # (B·n, V)
            onehot[np.arange(len(tokens)), tokens] = 1.0
            self.grads["W_E"] = onehot.T @ rows  # (V, d)
        else:
            grad = np.zeros_like(W_E)  # (V, d)
            np.add.at(grad, tokens, rows)
            self.grads["W_E"] = grad


class LearnedPositions(Layer):
    """x + W_P[:n]: one learned vector per position (GPT), for positions 0 … n_ctx − 1."""

    def __init__(self, n_ctx: int, d_model: int, rng: np.random.Generator, dtype=np.float32,
                 std: float = 0.02) -> None:
        super().__init__()
        self.params["W_P"] = _normal(rng, (n_ctx, d_model), std, dtype)  # (n_ctx, d)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.n = x.shape[-2]
        return x + self.params["W_P"][: self.n]  # (B, n, d)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        grad = np.zeros_like(self.params["W_P"])  # (n_ctx, d)
        grad[: self.n] = column_sums(dy.reshape(-1, self.n * dy.shape[-1])).reshape(self.n, -1)  # Σ over the batch  (n, d)
        self.grads["W_P"] = grad
        return dy


class SinusoidalPositions(Layer):
    """x + PE[:n], the fixed sine/cosine waves of Vaswani et al. (2017); nothing to learn."""

    def __init__(self, n_ctx: int, d_model: int, dtype=np.float32) -> None:
        super().__init__()
        from llmtutor.attention.positions import sinusoidal_positional_encoding

        self.table = sinusoidal_positional_encoding(n_ctx, d_model).astype(dtype)  # (n_ctx, d)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x + self.table[: x.shape[-2]]

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy


class LayerNorm(Layer):
    """y = (x − μ) / √(σ² + ε) · γ + β over the last axis (Ba et al. 2016): x, y `(..., d)`."""

    def __init__(self, d_model: int, dtype=np.float32, eps: float = 1e-5) -> None:
        super().__init__()
        self.params["gamma"] = np.ones(d_model, dtype=dtype)  # (d,)
        self.params["beta"] = np.zeros(d_model, dtype=dtype)  # (d,)
        self.eps = eps

    def forward(self, x: np.ndarray) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)  # μ (..., 1)
        centred = x - mean  # (..., d)
        variance = (centred * centred).mean(axis=-1, keepdims=True)  # σ² (..., 1)
        self.rstd = 1.0 / np.sqrt(variance + self.eps)  # 1/√(σ² + ε)  (..., 1)
        self.x_hat = centred * self.rstd  # (..., d), mean 0 and variance 1 along d
        return self.x_hat * self.params["gamma"] + self.params["beta"]

    def backward(self, dy: np.ndarray) -> np.ndarray:
        d = dy.shape[-1]
        self.grads["gamma"] = column_sums((dy * self.x_hat).reshape(-1, d))  # (d,)
        self.grads["beta"] = column_sums(dy.reshape(-1, d))  # (d,)
        dx_hat = dy * self.params["gamma"]  # (..., d)
        # x̂ depends on every x of its row through μ and σ: subtract the two shared parts.
        mean_dx_hat = dx_hat.mean(axis=-1, keepdims=True)
        mean_dx_hat_x_hat = (dx_hat * self.x_hat).mean(axis=-1, keepdims=True)
        return self.rstd * (dx_hat - mean_dx_hat - self.x_hat * mean_dx_hat_x_hat)  # (..., d)


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)  # a Python float: a NumPy scalar would promote float32 arrays


class ReLU(Layer):
    """max(0, x), elementwise."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.positive = x > 0
        return x * self.positive

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy * self.positive  # slope 1 where x > 0, else 0


class GELU(Layer):
    """GELU(x) ≈ ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the tanh form GPT-2 uses (Hendrycks & Gimpel 2016)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        inner = x * x  # in place from here on: one temporary instead of five
        inner *= x
        inner *= 0.044715
        inner += x
        inner *= _SQRT_2_OVER_PI  # √(2/π)(x + 0.044715x³)
        self.tanh = np.tanh(inner, out=inner)
        y = self.tanh + 1.0
        y *= x
        y *= 0.5
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, tanh = self.x, self.tanh
        # d/dx = ½(1 + tanh) + ½x(1 − tanh²)·√(2/π)(1 + 3·0.044715x²)
        inner_slope = x * x
        inner_slope *= 3 * 0.044715
        inner_slope += 1.0
        inner_slope *= _SQRT_2_OVER_PI
        slope = tanh * tanh
        np.subtract(1.0, slope, out=slope)
        slope *= inner_slope
        slope *= x
        slope += tanh
        slope += 1.0
        slope *= 0.5
        slope *= dy
        return slope


class MLP(Layer):
    """The position-wise feed-forward network: activation(x·W_1 + b_1)·W_2 + b_2, `(..., d)` → `(..., d)`."""

    def __init__(self, d_model: int, d_mlp: int, rng: np.random.Generator, dtype=np.float32,
                 activation: str = "gelu", out_std: float = 0.02) -> None:
        super().__init__()
        self.up = Linear(d_model, d_mlp, rng, dtype)  # (d, d_mlp)
        self.act = GELU() if activation == "gelu" else ReLU()
        self.down = Linear(d_mlp, d_model, rng, dtype, std=out_std)  # (d_mlp, d)
        self.params = {"W_1": self.up.params["W"], "b_1": self.up.params["b"],
                       "W_2": self.down.params["W"], "b_2": self.down.params["b"]}

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.down.forward(self.act.forward(self.up.forward(x)))  # (..., d)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dx = self.up.backward(self.act.backward(self.down.backward(dy)))
        self.grads = {"W_1": self.up.grads["W"], "b_1": self.up.grads["b"],
                      "W_2": self.down.grads["W"], "b_2": self.down.grads["b"]}
        return dx
