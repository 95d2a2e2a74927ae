"""softmax: positive weights that sum to 1, computed without overflow."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.attention import softmax

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def score_arrays(draw, dtype=np.float64):
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([0.1, 1.0, 30.0, 1e3]))
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def test_softmax_of_0_ln2_ln3_is_one_two_three_sixths():
    weights = softmax(np.array([0.0, math.log(2), math.log(3)]))
    np.testing.assert_allclose(weights, [1 / 6, 2 / 6, 3 / 6], rtol=1e-15)


def test_softmax_of_equal_scores_is_uniform():
    np.testing.assert_allclose(softmax(np.zeros(4)), [0.25] * 4)


@SETTINGS
@given(score_arrays())
def test_softmax_rows_sum_to_one(scores):
    weights = softmax(scores)
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@SETTINGS
@given(score_arrays(), st.floats(-1e3, 1e3))
def test_adding_a_constant_to_every_score_changes_nothing(scores, constant):
    np.testing.assert_allclose(softmax(scores + constant), softmax(scores), rtol=1e-9, atol=1e-12)


@SETTINGS
@given(score_arrays(np.float32))
def test_softmax_rows_sum_to_one_in_float32(scores):
    weights = softmax(scores)
    assert weights.dtype == np.float32
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_logits_do_not_overflow(dtype):
    scores = np.array([[1e4, 1e4 - 1.0, -1e4], [1e4, 1e4, 1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        weights = softmax(scores)
    assert np.all(np.isfinite(weights))
    np.testing.assert_allclose(weights[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(weights[0, 0] / weights[0, 1], math.e, rtol=1e-5)


def test_a_row_of_only_minus_infinity_gives_zeros_not_nan():
    scores = np.array([[-np.inf, -np.inf, -np.inf], [0.0, -np.inf, 0.0]])
    weights = softmax(scores)
    np.testing.assert_array_equal(weights, [[0.0, 0.0, 0.0], [0.5, 0.0, 0.5]])


def test_minus_infinity_scores_get_weight_exactly_zero():
    weights = softmax(np.array([3.0, -np.inf, 1.0, -np.inf]))
    assert weights[1] == 0.0 and weights[3] == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_keeps_the_float_dtype(dtype):
    assert softmax(np.ones((2, 3), dtype=dtype)).dtype == dtype


def test_integer_scores_give_float64_weights():
    weights = softmax(np.array([1, 2, 3]))
    assert weights.dtype == np.float64
    np.testing.assert_allclose(weights.sum(), 1.0)


def test_softmax_does_not_change_its_input():
    scores = np.array([1.0, 2.0, 3.0])
    softmax(scores)
    np.testing.assert_array_equal(scores, [1.0, 2.0, 3.0])


def test_softmax_along_the_first_axis_normalises_columns():
    scores = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(softmax(scores, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(softmax(scores, axis=0), softmax(scores.T).T)


def test_softmax_of_an_empty_row_is_empty():
    assert softmax(np.zeros((3, 0))).shape == (3, 0)
