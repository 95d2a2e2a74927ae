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


# ---------------------------------------------------------------- rotary position embedding (RoPE)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

from llmtutor.attention import apply_rope, rotary_embedding  # noqa: E402

FINITE = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def _pair(d: int):
    return st.tuples(arrays(np.float64, (d,), elements=FINITE), arrays(np.float64, (d,), elements=FINITE))


@settings(max_examples=60, deadline=None)
@given(d=st.sampled_from([2, 4, 8, 16]), data=st.data(), m=st.integers(0, 500), n=st.integers(0, 500),
       t=st.integers(0, 500))
def test_rope_scores_depend_only_on_the_offset(d, data, m, n, t):
    q, k = data.draw(_pair(d))
    def score(a: int, b: int) -> float:
        return float(rotary_embedding(q[None], [a])[0] @ rotary_embedding(k[None], [b])[0])
    scale = 1 + float(np.linalg.norm(q) * np.linalg.norm(k))
    assert score(m, n) == pytest.approx(score(m + t, n + t), abs=1e-9 * scale)


@settings(max_examples=40, deadline=None)
@given(d=st.sampled_from([2, 4, 6, 10]), data=st.data(), m=st.integers(0, 200))
def test_rope_at_the_same_position_keeps_the_plain_dot_product_and_every_length(d, data, m):
    q, k = data.draw(_pair(d))
    q_rot, k_rot = apply_rope(q[None], k[None], np.array([m]))
    scale = 1 + float(np.linalg.norm(q) * np.linalg.norm(k))
    assert float(q_rot[0] @ k_rot[0]) == pytest.approx(float(q @ k), abs=1e-9 * scale)
    assert np.linalg.norm(q_rot) == pytest.approx(np.linalg.norm(q), abs=1e-9 * (1 + np.linalg.norm(q)))


def test_rope_turns_pair_i_by_position_times_theta_i():
    x = np.tile([1.0, 0.0], 3)[None]                                        # (1, 6): every pair is (1, 0)
    turned = rotary_embedding(x, [2])[0]
    theta = 10000.0 ** (-np.arange(0, 6, 2) / 6)                            # θ_0, θ_1, θ_2
    np.testing.assert_allclose(turned[0::2], np.cos(2 * theta))
    np.testing.assert_allclose(turned[1::2], np.sin(2 * theta))


def test_rope_leaves_position_zero_alone_and_keeps_batch_shapes():
    x = np.random.default_rng(3).normal(size=(2, 5, 8))                    # (heads, n, d)
    turned = rotary_embedding(x)
    assert turned.shape == (2, 5, 8)
    np.testing.assert_allclose(turned[:, 0], x[:, 0])
    assert not np.allclose(turned[:, 1], x[:, 1])


def test_rope_differs_between_offsets():
    q, k = np.array([1.0, 0.0, 0.5, 0.5]), np.array([0.0, 1.0, 1.0, 0.0])
    scores = {offset: float(rotary_embedding(q[None], [0])[0] @ rotary_embedding(k[None], [offset])[0])
              for offset in range(4)}
    assert len({round(s, 9) for s in scores.values()}) == 4


def test_rope_needs_an_even_positive_width():
    with pytest.raises(TutorError) as raised:
        rotary_embedding(np.zeros((3, 5)))
    assert raised.value.key == "dim_must_be_even"
