"""Adam (Kingma & Ba 2015), with decoupled weight decay as AdamW (Loshchilov & Hutter 2019).

    m ← β₁·m + (1 − β₁)·g            running mean of the gradient
    v ← β₂·v + (1 − β₂)·g²           running mean of its square
    θ ← θ − lr · (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε) − lr·λ·θ
"""

from __future__ import annotations

import math

import numpy as np


class Adam:
    """Updates named parameter arrays in place from named gradients."""

    def __init__(self, parameters: dict[str, np.ndarray], lr: float = 3e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        self.lr = float(lr)
        self.beta1, self.beta2 = (float(b) for b in betas)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.m = {name: np.zeros_like(array) for name, array in parameters.items()}
        self.v = {name: np.zeros_like(array) for name, array in parameters.items()}
        self.t = 0

    def step(self, parameters: dict[str, np.ndarray], gradients: dict[str, np.ndarray], lr: float | None = None) -> None:
        """One update of every parameter that has a gradient; `lr` overrides the rate (a schedule)."""
        self.t += 1
        lr = self.lr if lr is None else float(lr)
        b1, b2 = self.beta1, self.beta2
        # fold the bias corrections into the step size: lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
        step_size = lr * math.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t)
        eps = self.eps * math.sqrt(1.0 - b2 ** self.t)
        for name, g in gradients.items():
            theta, m, v = parameters[name], self.m[name], self.v[name]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            if self.weight_decay and theta.ndim >= 2:  # decay matrices, not gains and biases
                theta -= (lr * self.weight_decay) * theta
            theta -= step_size * m / (np.sqrt(v) + eps)
