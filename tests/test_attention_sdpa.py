"""Scaled dot-product attention and masks: softmax(q kᵀ / √d_k) v."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.attention import causal_mask, scaled_dot_product_attention, softmax
from llmtutor.attention.masks import padding_mask

SETTINGS = settings(max_examples=40, deadline=None)


def naive_attention(q, k, v, mask=None):
    """The formula written out, for comparison."""
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores)
    return weights @ v, weights


@st.composite
def qkv(draw):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    n_q, n_k = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    d_k, d_v = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q = rng.standard_normal(batch + (n_q, d_k))
    k = rng.standard_normal(batch + (n_k, d_k))
    v = rng.standard_normal(batch + (n_k, d_v))
    mask = rng.random((n_q, n_k)) < 0.6
    return q, k, v, mask


# --- masks -------------------------------------------------------------------------------------


def test_causal_mask_hides_the_future():
    mask = causal_mask(4)
    assert mask.dtype == np.bool_ and mask.shape == (4, 4)
    for i in range(4):
        for j in range(4):
            assert mask[i, j] == (j <= i)


def test_causal_mask_lets_every_token_see_itself():
    assert np.all(np.diag(causal_mask(5)))


def test_padding_mask_hides_the_padded_keys():
    mask = padding_mask([2, 3], n=3)
    assert mask.shape == (2, 1, 3)
    np.testing.assert_array_equal(mask[:, 0], [[True, True, False], [True, True, True]])


# --- fixed cases -------------------------------------------------------------------------------


def test_two_token_attention_computed_by_hand():
    q = np.array([[1.0, 0.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    # scores = [1/√2, 0]; weights = [e^(1/√2), 1] / (e^(1/√2) + 1)
    first = math.exp(1 / math.sqrt(2)) / (math.exp(1 / math.sqrt(2)) + 1)
    output, weights = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(weights, [[first, 1 - first]], rtol=1e-14)
    expected = first * v[0] + (1 - first) * v[1]  # [first·1 + (1-first)·3, first·2 + (1-first)·4]
    np.testing.assert_allclose(output, [expected], rtol=1e-14)


def test_the_first_token_under_a_causal_mask_attends_only_to_itself():
    x = np.random.default_rng(0).standard_normal((4, 3))
    output, weights = scaled_dot_product_attention(x, x, x, causal_mask(4))
    np.testing.assert_array_equal(weights[0], [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(output[0], x[0])


def test_a_query_that_may_attend_no_key_gets_zero_weights_and_output():
    x = np.ones((2, 3))
    mask = np.array([[False, False], [True, True]])
    output, weights = scaled_dot_product_attention(x, x, x, mask)
    np.testing.assert_array_equal(weights[0], [0.0, 0.0])
    np.testing.assert_array_equal(output[0], [0.0, 0.0, 0.0])


def test_huge_scores_give_no_nan():
    q = np.full((3, 4), 1e3, dtype=np.float32)
    output, weights = scaled_dot_product_attention(q, q, q, causal_mask(3))
    assert np.all(np.isfinite(output)) and np.all(np.isfinite(weights))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_attention_keeps_the_float_dtype(dtype):
    q = np.ones((2, 3, 4), dtype=dtype)
    output, weights = scaled_dot_product_attention(q, q, q, causal_mask(3))
    assert output.dtype == dtype and weights.dtype == dtype


def test_batched_heads_equal_each_head_on_its_own():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(shape) for shape in [(2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 2)])
    output, weights = scaled_dot_product_attention(q, k, v)
    for b in range(2):
        for h in range(3):
            one_output, one_weights = scaled_dot_product_attention(q[b, h], k[b, h], v[b, h])
            np.testing.assert_allclose(output[b, h], one_output, rtol=1e-12)
            np.testing.assert_allclose(weights[b, h], one_weights, rtol=1e-12)


def test_a_mask_per_batch_element_broadcasts_over_heads():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 4, 3, 5))  # (batch, heads, n, d)
    mask = padding_mask([1, 3], n=3)[:, None]  # (batch, 1, 1, n_k)
    _, weights = scaled_dot_product_attention(x, x, x, mask)
    assert np.all(weights[0, :, :, 1:] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1.0)


def test_a_large_score_matrix_split_among_cores_gives_the_same_result():
    # Above a million scores the softmax rows are shared among threads.
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal(shape) for shape in [(2, 800, 8), (2, 700, 8), (2, 700, 3)])
    mask = rng.random((800, 700)) < 0.5
    mask[5] = False  # one query that may attend nothing
    output, weights = scaled_dot_product_attention(q, k, v, mask)
    expected_output, expected_weights = naive_attention(q, k, v, mask)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(output, expected_output, rtol=1e-10, atol=1e-12)
    assert np.all(weights[:, 5] == 0.0)


def test_a_mask_with_more_batch_dimensions_than_the_inputs_broadcasts_them():
    x = np.random.default_rng(4).standard_normal((3, 2))
    masks = np.stack([causal_mask(3), np.ones((3, 3), dtype=bool)])  # (2, n_q, n_k)
    output, weights = scaled_dot_product_attention(x, x, x, masks)
    assert output.shape == (2, 3, 2) and weights.shape == (2, 3, 3)
    np.testing.assert_allclose(weights[0], scaled_dot_product_attention(x, x, x, causal_mask(3))[1])
    np.testing.assert_allclose(weights[1], scaled_dot_product_attention(x, x, x)[1])


def test_mismatched_query_and_key_sizes_raise_value_error():
    with pytest.raises(ValueError, match="d_k"):
        scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 4)))


def test_keys_and_values_of_different_lengths_raise_value_error():
    with pytest.raises(ValueError, match="n_k"):
        scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((5, 3)))


def test_a_mask_that_is_not_boolean_raises_value_error():
    with pytest.raises(ValueError, match="bool"):
        scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 2)))


# --- properties --------------------------------------------------------------------------------


@SETTINGS
@given(qkv())
def test_attention_matches_the_formula(inputs):
    q, k, v, mask = inputs
    output, weights = scaled_dot_product_attention(q, k, v, mask)
    expected_output, expected_weights = naive_attention(q, k, v, mask)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(output, expected_output, rtol=1e-10, atol=1e-12)


@SETTINGS
@given(qkv())
def test_weight_rows_sum_to_one(inputs):
    q, k, v, _ = inputs
    _, weights = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@SETTINGS
@given(qkv())
def test_masked_weights_are_exactly_zero(inputs):
    q, k, v, mask = inputs
    _, weights = scaled_dot_product_attention(q, k, v, mask)
    mask = np.broadcast_to(mask, weights.shape)
    assert np.all(weights[~mask] == 0.0)
    visible_rows = mask.any(axis=-1)
    np.testing.assert_allclose(weights.sum(axis=-1)[visible_rows], 1.0, rtol=1e-12)
    assert np.all(weights.sum(axis=-1)[~visible_rows] == 0.0)


@SETTINGS
@given(st.integers(1, 8), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_permuting_the_tokens_permutes_the_outputs(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    order = rng.permutation(n)
    output, weights = scaled_dot_product_attention(x, x, x)
    permuted_output, permuted_weights = scaled_dot_product_attention(x[order], x[order], x[order])
    np.testing.assert_allclose(permuted_output, output[order], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(permuted_weights, weights[order][:, order], rtol=1e-10, atol=1e-14)


@SETTINGS
@given(qkv())
def test_reordering_keys_with_their_values_changes_no_output(inputs):
    q, k, v, _ = inputs
    order = np.random.default_rng(0).permutation(k.shape[-2])
    output, _ = scaled_dot_product_attention(q, k, v)
    reordered, _ = scaled_dot_product_attention(q, k[..., order, :], v[..., order, :])
    np.testing.assert_allclose(reordered, output, rtol=1e-10, atol=1e-12)
