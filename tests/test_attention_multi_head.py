"""Multi-head attention: heads split the model width, attend separately, and are joined by W_o."""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import llmtutor.attention
from llmtutor.attention import (
    causal_mask,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    split_heads,
)
from llmtutor.errors import TutorError


def random_weights(d_model, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((d_model, d_model)) / np.sqrt(d_model)).astype(dtype) for _ in range(4)]


def test_split_heads_gives_head_h_its_own_columns():
    x = np.arange(12.0).reshape(2, 6)  # (n=2, d_model=6)
    heads = split_heads(x, n_heads=3)  # (3, 2, 2)
    assert heads.shape == (3, 2, 2)
    for h in range(3):
        np.testing.assert_array_equal(heads[h], x[:, 2 * h : 2 * h + 2])


def test_merge_heads_undoes_split_heads():
    x = np.random.default_rng(0).standard_normal((5, 8))
    np.testing.assert_array_equal(merge_heads(split_heads(x, 4)), x)


def test_identity_weights_equal_per_head_attention_concatenated():
    n, d_model, n_heads = 5, 6, 3
    x = np.random.default_rng(1).standard_normal((n, d_model))
    eye = np.eye(d_model)
    output, weights = multi_head_attention(x, eye, eye, eye, eye, n_heads)
    per_head = [scaled_dot_product_attention(part, part, part) for part in np.split(x, n_heads, axis=1)]
    np.testing.assert_allclose(output, np.concatenate([out for out, _ in per_head], axis=1), rtol=1e-12)
    for h, (_, head_weights) in enumerate(per_head):
        np.testing.assert_allclose(weights[h], head_weights, rtol=1e-12)


def test_one_head_is_plain_attention_on_the_projections():
    x = np.random.default_rng(2).standard_normal((4, 6))
    w_q, w_k, w_v, w_o = random_weights(6)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1)
    expected, expected_weights = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)
    np.testing.assert_allclose(output, expected @ w_o, rtol=1e-12)
    np.testing.assert_allclose(weights[0], expected_weights, rtol=1e-12)


def test_there_is_one_weight_matrix_per_head_and_each_row_sums_to_one():
    x = np.random.default_rng(3).standard_normal((7, 8))
    output, weights = multi_head_attention(x, *random_weights(8), n_heads=4)
    assert output.shape == (7, 8) and weights.shape == (4, 7, 7)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


def test_the_causal_mask_hides_the_future_in_every_head():
    x = np.random.default_rng(4).standard_normal((5, 8))
    _, weights = multi_head_attention(x, *random_weights(8), n_heads=2, mask=causal_mask(5))
    future = ~causal_mask(5)
    assert np.all(weights[:, future] == 0.0)


def test_float32_stays_float32():
    x = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)
    output, weights = multi_head_attention(x, *random_weights(4, dtype=np.float32), n_heads=2)
    assert output.dtype == np.float32 and weights.dtype == np.float32


def test_a_batch_of_sequences_works_like_each_sequence_alone():
    x = np.random.default_rng(6).standard_normal((2, 3, 4))
    w = random_weights(4)
    output, weights = multi_head_attention(x, *w, n_heads=2)
    assert output.shape == (2, 3, 4) and weights.shape == (2, 2, 3, 3)
    for b in range(2):
        np.testing.assert_allclose(output[b], multi_head_attention(x[b], *w, n_heads=2)[0], rtol=1e-12)


def test_heads_that_do_not_divide_the_width_raise_a_tutor_error():
    x = np.ones((2, 10))
    with pytest.raises(TutorError) as raised:
        multi_head_attention(x, *random_weights(10), n_heads=3)
    assert raised.value.key == "heads_do_not_divide"
    assert raised.value.params == {"d_model": 10, "n_heads": 3}
    assert raised.value.exit_code == 2


def test_split_heads_refuses_heads_that_do_not_divide():
    with pytest.raises(TutorError, match="3 heads"):
        split_heads(np.ones((2, 10)), 3)


def test_zero_heads_raise_a_tutor_error():
    with pytest.raises(TutorError) as raised:
        split_heads(np.ones((2, 4)), 0)
    assert raised.value.key == "heads_must_be_positive"


def test_a_projection_of_the_wrong_shape_raises_value_error():
    w_q, w_k, w_v, w_o = random_weights(4)
    with pytest.raises(ValueError, match="w_k"):
        multi_head_attention(np.ones((2, 4)), w_q, np.ones((4, 3)), w_v, w_o, n_heads=2)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.sampled_from([(4, 1), (4, 2), (6, 3), (8, 4)]), st.integers(0, 2**32 - 1))
def test_permuting_the_tokens_permutes_the_outputs(n, width_and_heads, seed):
    d_model, n_heads = width_and_heads
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d_model))
    w = random_weights(d_model, seed=seed % 1000)
    order = rng.permutation(n)
    output, weights = multi_head_attention(x, *w, n_heads=n_heads)
    permuted_output, permuted_weights = multi_head_attention(x[order], *w, n_heads=n_heads)
    np.testing.assert_allclose(permuted_output, output[order], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(permuted_weights, weights[:, order][:, :, order], rtol=1e-9, atol=1e-14)


def test_the_notebook_example_in_the_package_docstring_runs():
    result = doctest.testmod(llmtutor.attention, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
