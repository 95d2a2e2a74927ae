"""Every backward pass of the model engine equals central differences, in float64, to 1e-6."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model import ModelConfig, Transformer, attention_backward, cross_entropy
from llmtutor.model.attention_layer import SelfAttention, scaled_scores_backward
from llmtutor.model.gradcheck import numerical_gradient, relative_error
from llmtutor.model.layers import GELU, MLP, Embedding, LayerNorm, LearnedPositions, Linear, ReLU
from llmtutor.attention import causal_mask, scaled_dot_product_attention

TOLERANCE = 1e-6
F64 = np.float64


def _check_layer(layer, x, forward=None):
    """For L = Σ forward(x) ⊙ G: every parameter's gradient and the input's, against central differences."""
    forward = forward or layer.forward
    rng = np.random.default_rng(1)
    upstream = rng.standard_normal(forward(x).shape)  # G

    def loss():
        return float((forward(x) * upstream).sum())

    forward(x)
    dx = layer.backward(upstream)
    for name, param in layer.params.items():
        error = relative_error(layer.grads[name], numerical_gradient(loss, param))
        assert error <= TOLERANCE, f"{type(layer).__name__}.{name}: relative error {error:.2e}"
    if dx is not None and np.issubdtype(x.dtype, np.floating):
        error = relative_error(dx, numerical_gradient(loss, x))
        assert error <= TOLERANCE, f"{type(layer).__name__} input: relative error {error:.2e}"


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_linear_backward_is_the_gradient(rng):
    _check_layer(Linear(5, 3, rng, F64, std=0.5), rng.standard_normal((2, 4, 5)))


def test_linear_without_bias_backward_is_the_gradient(rng):
    _check_layer(Linear(5, 3, rng, F64, std=0.5, bias=False), rng.standard_normal((3, 5)))


def test_embedding_collects_the_gradient_of_every_occurrence(rng):
    layer = Embedding(7, 4, rng, F64, std=1.0)
    tokens = np.array([[1, 3, 1, 6], [0, 1, 3, 3]])  # repeated ids must add up
    _check_layer(layer, tokens)


def test_learned_positions_backward_is_the_gradient(rng):
    _check_layer(LearnedPositions(6, 4, rng, F64, std=1.0), rng.standard_normal((2, 5, 4)))


def test_layer_norm_backward_is_the_gradient(rng):
    layer = LayerNorm(6, F64)
    layer.params["gamma"][:] = rng.standard_normal(6)
    layer.params["beta"][:] = rng.standard_normal(6)
    _check_layer(layer, rng.standard_normal((2, 3, 6)) * 3 + 1)


@pytest.mark.parametrize("activation", [ReLU, GELU])
def test_activation_backward_is_the_gradient(rng, activation):
    x = rng.standard_normal((3, 7)) * 2
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU's kink out of reach of the finite difference
    _check_layer(activation(), x)


@pytest.mark.parametrize("activation", ["gelu", "relu"])
def test_mlp_backward_is_the_gradient(rng, activation):
    layer = MLP(4, 8, rng, F64, activation, out_std=0.5)
    for array in layer.params.values():
        array[...] = rng.standard_normal(array.shape) * 0.7
    _check_layer(layer, rng.standard_normal((2, 3, 4)))


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("heads", [1, 2])
def test_self_attention_backward_is_the_gradient(rng, causal, heads):
    layer = SelfAttention(4, heads, rng, F64, std=0.6, out_std=0.6)
    mask = causal_mask(5) if causal else None
    _check_layer(layer, rng.standard_normal((2, 5, 4)), forward=lambda x: layer.forward(x, mask))


@pytest.mark.parametrize("causal", [False, True])
def test_attention_backward_follows_the_formula(rng, causal):
    """dQ, dK, dV (and dS) of O = softmax(QKᵀ/√d_k)V, each against central differences."""
    Q, K, V = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 5, 3))
    mask = causal_mask(5) if causal else None
    dO = rng.standard_normal((2, 3, 5, 3))

    def loss():
        return float((scaled_dot_product_attention(Q, K, V, mask)[0] * dO).sum())

    _, A = scaled_dot_product_attention(Q, K, V, mask)
    dQ, dK, dV = attention_backward(Q, K, V, A, dO)
    for name, analytic, array in (("dQ", dQ, Q), ("dK", dK, K), ("dV", dV, V)):
        assert relative_error(analytic, numerical_gradient(loss, array)) <= TOLERANCE, name

    # dS: the gradient with respect to the scaled scores themselves
    S = Q @ K.swapaxes(-1, -2) / np.sqrt(4)
    if mask is not None:
        S = np.where(mask, S, -np.inf)

    def loss_of_scores():
        from llmtutor.attention import softmax

        return float((softmax(S) @ V * dO).sum())

    numeric = numerical_gradient(loss_of_scores, S)
    if mask is not None:
        numeric[:, :, ~mask] = 0.0  # -inf ± h stays -inf: a hidden score has no gradient
    assert relative_error(scaled_scores_backward(Q, K, V, A, dO), numeric) <= TOLERANCE
    if mask is not None:
        assert np.all(scaled_scores_backward(Q, K, V, A, dO)[:, :, ~mask] == 0)


def test_cross_entropy_gradient_is_the_gradient(rng):
    logits = rng.standard_normal((2, 4, 6))
    targets = rng.integers(0, 6, size=(2, 4))
    mask = np.array([[True, False, True, True], [False, True, True, False]])
    _, dlogits = cross_entropy(logits.copy(), targets, mask)
    numeric = numerical_gradient(lambda: cross_entropy(logits, targets, mask)[0], logits)
    assert relative_error(dlogits, numeric) <= TOLERANCE
    assert np.all(dlogits[~mask] == 0)


def test_cross_entropy_is_minus_log_probability_of_the_target():
    logits = np.log(np.array([[[0.5, 0.25, 0.25]]]))
    loss, _ = cross_entropy(logits, np.array([[1]]))
    assert loss == pytest.approx(np.log(4))


MODELS = {
    "bidirectional, learned positions": ModelConfig(vocab_size=7, n_ctx=5, d_model=8, n_heads=2, n_layers=2, d_mlp=12),
    "causal, sinusoidal, relu": ModelConfig(vocab_size=6, n_ctx=6, d_model=8, n_heads=2, n_layers=1, d_mlp=8,
                                            causal=True, positions="sinusoidal", activation="relu"),
    "causal, tied embeddings, no positions": ModelConfig(vocab_size=6, n_ctx=5, d_model=6, n_heads=3, n_layers=2,
                                                         d_mlp=8, causal=True, positions="none", tie_embeddings=True),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_whole_model_backward_is_the_gradient(name):
    config = MODELS[name]
    model = Transformer(config, seed=3, dtype=F64)
    rng = np.random.default_rng(4)
    for array in model.parameters().values():  # away from the near-zero init, so every path matters
        array += rng.standard_normal(array.shape) * 0.3
    tokens = rng.integers(0, config.vocab_size, size=(2, config.n_ctx - 1))
    targets = rng.integers(0, config.vocab_size, size=tokens.shape)

    def loss():
        return cross_entropy(model.forward(tokens), targets)[0]

    _, dlogits = cross_entropy(model.forward(tokens), targets)
    model.backward(dlogits)
    gradients = {name: grad.copy() for name, grad in model.gradients().items()}
    assert set(gradients) == set(model.parameters())
    for param_name, param in model.parameters().items():
        error = relative_error(gradients[param_name], numerical_gradient(loss, param))
        assert error <= TOLERANCE, f"{param_name}: relative error {error:.2e}"


def test_a_wrong_backward_pass_fails_the_check(rng):
    """The check itself can fail: a gradient off by a factor is caught."""
    layer = Linear(3, 2, rng, F64, std=1.0)
    x = rng.standard_normal((4, 3))
    upstream = rng.standard_normal((4, 2))
    layer.forward(x)
    layer.backward(upstream)
    numeric = numerical_gradient(lambda: float((layer.forward(x) * upstream).sum()), layer.params["W"])
    assert relative_error(layer.grads["W"] * 1.01, numeric) > TOLERANCE
