"""Sinusoidal positional encoding: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(…)."""

import math

import numpy as np
import pytest

from llmtutor.attention import sinusoidal_positional_encoding
from llmtutor.errors import TutorError


def test_position_zero_is_zero_one_alternating():
    np.testing.assert_array_equal(sinusoidal_positional_encoding(3, 6)[0], [0, 1, 0, 1, 0, 1])


def test_position_one_starts_with_sin_one_and_cos_one():
    encoding = sinusoidal_positional_encoding(2, 4)
    assert encoding[1, 0] == pytest.approx(math.sin(1))
    assert encoding[1, 1] == pytest.approx(math.cos(1))


def test_every_entry_follows_the_formula():
    n, d = 7, 8
    encoding = sinusoidal_positional_encoding(n, d)
    for pos in range(n):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert encoding[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-15)
            assert encoding[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-15)


def test_the_encoding_is_n_by_d_float64_between_minus_one_and_one():
    encoding = sinusoidal_positional_encoding(50, 16)
    assert encoding.shape == (50, 16) and encoding.dtype == np.float64
    assert np.all(np.abs(encoding) <= 1.0)


def test_each_sine_cosine_pair_lies_on_the_unit_circle():
    encoding = sinusoidal_positional_encoding(20, 10)
    np.testing.assert_allclose(encoding[:, 0::2] ** 2 + encoding[:, 1::2] ** 2, 1.0)


def test_every_position_gets_a_different_vector():
    encoding = sinusoidal_positional_encoding(64, 8)
    distances = np.linalg.norm(encoding[:, None] - encoding[None], axis=-1)
    assert np.all(distances[~np.eye(64, dtype=bool)] > 1e-3)


def test_no_positions_give_an_empty_encoding():
    assert sinusoidal_positional_encoding(0, 4).shape == (0, 4)


def test_an_odd_dimension_raises_dim_must_be_even():
    with pytest.raises(TutorError) as raised:
        sinusoidal_positional_encoding(4, 7)
    assert raised.value.key == "dim_must_be_even" and raised.value.params == {"d": 7}


def test_a_zero_dimension_raises_dim_must_be_positive():
    with pytest.raises(TutorError) as raised:
        sinusoidal_positional_encoding(4, 0)
    assert raised.value.key == "dim_must_be_positive"
