"""The KV cache reproduces the full forward pass, and choosing the next token does what it says."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model import ModelConfig, Transformer
from llmtutor.model.generation import (KVCache, Sampling, Trace, choose, forward_pass, generate, last_logits,
                                       next_token_probabilities, penalised, top_tokens)

TOLERANCE = dict(rtol=1e-4, atol=1e-5)  # float32 rounding of a different order of sums


def causal_model(positions: str = "learned", tie: bool = True, layers: int = 2, heads: int = 4,
                 seed: int = 3, n_ctx: int = 24, activation: str = "gelu") -> Transformer:
    config = ModelConfig(vocab_size=50, n_ctx=n_ctx, d_model=32, n_heads=heads, n_layers=layers, d_mlp=48,
                         causal=True, positions=positions, activation=activation, tie_embeddings=tie)
    model = Transformer(config, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for array in model.parameters().values():  # larger weights than the init: attention far from uniform
        array += rng.standard_normal(array.shape).astype(array.dtype) * 0.3
    return model


@pytest.mark.parametrize("positions,tie,activation", [("learned", True, "gelu"), ("sinusoidal", False, "relu"),
                                                      ("none", True, "gelu")])
def test_the_kv_cache_gives_the_full_forward_pass_logits_at_every_step(positions, tie, activation):
    model = causal_model(positions, tie, activation=activation)
    tokens = np.random.default_rng(0).integers(0, 50, 20)
    cache = KVCache(model)
    logits = forward_pass(model, tokens[:5], cache)  # prefill
    full = model.forward(tokens)  # (20, V)
    np.testing.assert_allclose(logits, full[4], **TOLERANCE)
    for i in range(5, 20):  # one token at a time on the cache
        logits = forward_pass(model, tokens[i:i + 1], cache)
        np.testing.assert_allclose(logits, full[i], **TOLERANCE)
    assert cache.length == 20


def test_a_prefill_in_pieces_equals_one_prefill():
    model = causal_model()
    tokens = np.arange(12) % 50
    whole = forward_pass(model, tokens, KVCache(model), all_logits=True)
    cache = KVCache(model)
    first = forward_pass(model, tokens[:7], cache, all_logits=True)
    second = forward_pass(model, tokens[7:], cache, all_logits=True)
    np.testing.assert_allclose(np.concatenate([first, second]), whole, **TOLERANCE)
    np.testing.assert_allclose(whole, model.forward(tokens), **TOLERANCE)


def test_the_trace_holds_every_array_with_its_shape_and_attention_rows_sum_to_one():
    model = causal_model(layers=2, heads=4)
    trace = Trace()
    forward_pass(model, np.arange(6), KVCache(model), trace=trace)
    assert trace.embeddings.shape == trace.positions.shape == trace.final.shape == (6, 32)
    assert len(trace.layers) == 2
    layer = trace.layers[0]
    assert layer.weights.shape == (4, 6, 6) and layer.Q.shape == (4, 6, 8) and layer.mlp_hidden.shape == (6, 48)
    np.testing.assert_allclose(layer.weights.sum(-1), 1.0, rtol=1e-5)
    assert np.all(np.triu(layer.weights, 1) == 0)  # nothing from the future
    model.forward(np.arange(6)[None])
    np.testing.assert_allclose(layer.weights, model.attention_weights()[0][0], **TOLERANCE)


def test_the_incremental_pass_leaves_the_models_backward_state_alone():
    model = causal_model()
    tokens = np.arange(8)[None]
    model.forward(tokens)
    before = {name: value.copy() for name, value in vars(model.blocks[0].ln_1).items()
              if isinstance(value, np.ndarray)}
    forward_pass(model, np.arange(3), KVCache(model))
    after = vars(model.blocks[0].ln_1)
    assert all(np.array_equal(after[name], value) for name, value in before.items())


def test_a_model_without_the_causal_mask_has_no_kv_cache():
    config = ModelConfig(vocab_size=10, n_ctx=8, causal=False)
    model = Transformer(config)
    with pytest.raises(ValueError, match="causal"):
        forward_pass(model, [1, 2], KVCache(model))


def test_the_cache_refuses_more_positions_than_the_context():
    model = causal_model(n_ctx=6)
    cache = KVCache(model)
    forward_pass(model, np.arange(6), cache)
    with pytest.raises(ValueError, match="context of 6"):
        forward_pass(model, [1], cache)


def test_greedy_generation_picks_the_argmax_of_the_models_own_logits():
    model = causal_model()
    prompt = [3, 14, 15]
    steps = list(generate(model, prompt, 10, Sampling(temperature=0)))
    text = list(prompt)
    for step in steps:
        assert step.token == int(np.argmax(model.forward(np.array(text))[-1]))
        text.append(step.token)


def test_greedy_generation_goes_on_past_the_context_by_sliding_the_window():
    model = causal_model(n_ctx=8)
    prompt = [1, 2, 3, 4, 5]
    steps = list(generate(model, prompt, 12, Sampling(temperature=0)))
    text = list(prompt)
    for step in steps:
        assert step.token == int(np.argmax(last_logits(model, text)))
        text.append(step.token)
    assert steps[-1].window_start == len(text) - 1 - 8


def test_sampling_with_a_seed_is_reproducible_and_another_seed_differs():
    model = causal_model()
    settings = Sampling(temperature=1.5, top_k=20, seed=7)
    first = [step.token for step in generate(model, [1, 2], 30, settings)]
    again = [step.token for step in generate(model, [1, 2], 30, settings)]
    other = [step.token for step in generate(model, [1, 2], 30, Sampling(temperature=1.5, top_k=20, seed=8))]
    assert first == again
    assert first != other


def test_top_k_draws_only_among_the_k_most_probable():
    model = causal_model()
    for step in generate(model, [5], 25, Sampling(temperature=2.0, top_k=3, seed=1), top=5):
        assert step.token in [token for token, _ in step.top[:3]]
        assert step.top[3][1] == 0.0


def test_temperature_flattens_or_sharpens_the_distribution():
    logits = np.array([2.0, 1.0, 0.0, -1.0])
    cold = next_token_probabilities(logits, Sampling(temperature=0.5))
    warm = next_token_probabilities(logits, Sampling(temperature=1.0))
    hot = next_token_probabilities(logits, Sampling(temperature=3.0))
    assert cold[0] > warm[0] > hot[0]
    np.testing.assert_allclose(warm, np.exp(logits) / np.exp(logits).sum())
    for p in (cold, warm, hot):
        assert abs(p.sum() - 1) < 1e-12


def test_greedy_shows_the_models_own_softmax_and_picks_its_top():
    logits = np.array([0.5, 3.0, 1.0])
    p = next_token_probabilities(logits, Sampling(temperature=0))
    np.testing.assert_allclose(p, np.exp(logits) / np.exp(logits).sum())
    assert choose(p, Sampling(temperature=0), np.random.default_rng(0)) == 1


def test_the_repetition_penalty_lowers_tokens_already_written():
    logits = np.array([2.0, -1.0, 0.5])
    out = penalised(logits, np.array([0, 1, 1]), 2.0)
    np.testing.assert_allclose(out, [1.0, -2.0, 0.5])
    assert penalised(logits, np.array([0]), 1.0) is logits


def test_draws_follow_the_probabilities():
    p = np.array([0.1, 0.6, 0.3])
    rng = np.random.default_rng(0)
    counts = np.bincount([choose(p, Sampling(temperature=1.0), rng) for _ in range(6000)], minlength=3)
    np.testing.assert_allclose(counts / 6000, p, atol=0.03)


def test_top_tokens_are_sorted_most_probable_first():
    p = np.array([0.1, 0.4, 0.1, 0.4])
    assert top_tokens(p, 3) == [(1, 0.4), (3, 0.4), (0, 0.1)]


def test_greedy_ignores_top_k_since_it_cannot_change_the_pick():
    logits = np.array([0.5, 3.0, 1.0, 2.5])
    p = next_token_probabilities(logits, Sampling(temperature=0, top_k=2))
    np.testing.assert_allclose(p, np.exp(logits) / np.exp(logits).sum())
