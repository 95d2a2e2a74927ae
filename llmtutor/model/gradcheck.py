"""Central differences: the check that a hand-written backward pass is the true gradient.

    ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h        error O(h²)

Run in float64, where h = 1e-6 leaves about 1e-10 of rounding; a correct backward pass then agrees
to a relative error far below 1e-6, a wrong one by order 1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """dL/d(array) by central differences, nudging each entry of `array` in place (then restoring it)."""
    grad = np.zeros(array.shape, dtype=np.float64)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        kept = flat[i]
        flat[i] = kept + h
        up = loss()
        flat[i] = kept - h
        down = loss()
        flat[i] = kept
        flat_grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖), 0 when both are 0: scale-free, so one threshold fits every parameter."""
    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)
