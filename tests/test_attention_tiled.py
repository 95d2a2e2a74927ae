"""Tiled attention with an online softmax gives the naive result without an (n, n) matrix."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.attention import causal_mask, scaled_dot_product_attention, tiled_attention

SETTINGS = settings(max_examples=50, deadline=None)


def top_left_causal(n_q, n_k):
    """Query i sees key j when j <= i; equals causal_mask(n) when n_q == n_k == n."""
    return np.tril(np.ones((n_q, n_k), dtype=bool))


@st.composite
def tiled_cases(draw, dtype, scale=1.0):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    n_q, n_k = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    d_k, d_v = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    block_size = draw(st.integers(1, 16))
    causal = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q = (rng.standard_normal(batch + (n_q, d_k)) * scale).astype(dtype)
    k = (rng.standard_normal(batch + (n_k, d_k)) * scale).astype(dtype)
    v = rng.standard_normal(batch + (n_k, d_v)).astype(dtype)
    return q, k, v, block_size, causal


def naive(q, k, v, causal):
    mask = top_left_causal(q.shape[-2], k.shape[-2]) if causal else None
    return scaled_dot_product_attention(q, k, v, mask)[0]


@SETTINGS
@given(tiled_cases(np.float32))
def test_tiled_equals_naive_in_float32(case):
    q, k, v, block_size, causal = case
    tiled = tiled_attention(q, k, v, causal=causal, block_size=block_size)
    assert tiled.dtype == np.float32
    np.testing.assert_allclose(tiled, naive(q, k, v, causal), rtol=1e-5, atol=1e-6)


@SETTINGS
@given(tiled_cases(np.float32, scale=5.0))
def test_tiled_float32_is_as_accurate_as_naive_for_peaked_scores(case):
    # Scores of size ~100 are ill-conditioned in float32 for any method (an error of eps·|score|
    # in an exponent); both must stay as close to the float64 result.
    q, k, v, block_size, causal = case
    truth = naive(q.astype(np.float64), k.astype(np.float64), v.astype(np.float64), causal)
    np.testing.assert_allclose(naive(q, k, v, causal), truth, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(tiled_attention(q, k, v, causal, block_size), truth, rtol=1e-4, atol=1e-5)


@SETTINGS
@given(tiled_cases(np.float64, scale=5.0))
def test_tiled_equals_naive_in_float64(case):
    q, k, v, block_size, causal = case
    tiled = tiled_attention(q, k, v, causal=causal, block_size=block_size)
    assert tiled.dtype == np.float64
    np.testing.assert_allclose(tiled, naive(q, k, v, causal), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("block_size", [1, 3, 4, 7, 10, 64])
def test_causal_tiled_equals_attention_with_the_causal_mask(block_size):
    x = np.random.default_rng(0).standard_normal((2, 10, 4))
    expected = scaled_dot_product_attention(x, x, x, causal_mask(10))[0]
    tiled = tiled_attention(x, x, x, causal=True, block_size=block_size)
    np.testing.assert_allclose(tiled, expected, rtol=1e-12)


def test_n_not_divisible_by_the_block_size_is_handled():
    rng = np.random.default_rng(1)
    q, k, v = rng.standard_normal((37, 5)), rng.standard_normal((53, 5)), rng.standard_normal((53, 3))
    np.testing.assert_allclose(tiled_attention(q, k, v, block_size=16), naive(q, k, v, False), rtol=1e-12)


def test_the_rescaling_survives_a_large_score_arriving_late():
    # The last key block holds by far the largest score: all earlier sums must be rescaled.
    q = np.array([[1.0]])
    k = np.array([[0.0], [1.0], [2.0], [500.0]])
    v = np.array([[1.0], [2.0], [3.0], [4.0]])
    np.testing.assert_allclose(tiled_attention(q, k, v, block_size=1), [[4.0]])
    np.testing.assert_allclose(tiled_attention(q, k, v, block_size=1), naive(q, k, v, False), rtol=1e-12)


def test_huge_scores_give_no_nan_in_float32():
    q = np.full((1, 20, 4), 100.0, dtype=np.float32)
    output = tiled_attention(q, q, q, causal=True, block_size=6)
    assert np.all(np.isfinite(output))


def test_queries_with_no_keys_get_zeros():
    output = tiled_attention(np.ones((3, 2)), np.ones((0, 2)), np.ones((0, 4)))
    np.testing.assert_array_equal(output, np.zeros((3, 4)))


def test_a_block_size_below_one_raises_value_error():
    with pytest.raises(ValueError, match="block_size"):
        tiled_attention(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), block_size=0)


def test_mismatched_query_and_key_sizes_raise_value_error():
    with pytest.raises(ValueError, match="d_k"):
        tiled_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 4)))


@pytest.mark.parametrize("causal", [False, True])
def test_tiled_attention_never_allocates_an_n_by_n_array(causal):
    n, d, block_size = 2048, 16, 64
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((n, d), dtype=np.float32) for _ in range(3))
    n_by_n_bytes = n * n * q.itemsize  # 16 MiB
    tracemalloc.start()
    try:
        output = tiled_attention(q, k, v, causal=causal, block_size=block_size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert output.shape == (n, d)
    assert peak < n_by_n_bytes / 32, f"peak {peak} bytes, an (n, n) array is {n_by_n_bytes}"
