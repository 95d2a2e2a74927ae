"""scaled_dot_product_attention's causal= and need_weights= paths, the slabs shared among the cores,
and the number rules (float16, complex, NaN and infinities), each against the formula written out."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmtutor.attention import (causal_mask, multi_head_attention, padding_mask, projection_weights,
                                scaled_dot_product_attention, softmax, tiled_attention)

SETTINGS = settings(max_examples=60, deadline=None)


def reference(q, k, v, mask=None):
    """softmax(q kᵀ / √d_k) v in float64, written out with np.where and an explicit exp."""
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = np.max(scores, axis=-1, keepdims=True, initial=-np.inf)
    exps = np.exp(scores - np.where(np.isneginf(top), 0, top))
    total = exps.sum(axis=-1, keepdims=True)
    weights = exps / np.where(total == 0, 1, total)
    return weights @ v, weights


@st.composite
def inputs(draw):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    n_q, n_k = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    d_k, d_v = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    q, k, v = (rng.standard_normal(batch + shape).astype(dtype) for shape in ((n_q, d_k), (n_k, d_k), (n_k, d_v)))
    mask = (rng.random((n_q, n_k)) < 0.6) if draw(st.booleans()) else None
    return q, k, v, mask


def tolerance(dtype):
    return {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}


@SETTINGS
@given(inputs(), st.booleans())
def test_causal_equals_the_causal_mask_written_out(case, need_weights):
    q, k, v, mask = case
    n_q, n_k = q.shape[-2], k.shape[-2]
    hidden_future = np.tril(np.ones((n_q, n_k), dtype=bool))  # np.tril's triangle, as causal_mask
    combined = hidden_future if mask is None else hidden_future & mask
    expected_out, expected_weights = reference(q, k, v, combined)
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=True, need_weights=need_weights)
    assert out.dtype == q.dtype and out.shape == expected_out.shape
    np.testing.assert_allclose(out, expected_out, **tolerance(q.dtype))
    if need_weights:
        np.testing.assert_allclose(weights, expected_weights, **tolerance(q.dtype))
        assert np.all(weights[..., ~combined] == 0)  # the future (and the masked) get exactly 0
    else:
        assert weights is None


@SETTINGS
@given(inputs())
def test_need_weights_false_gives_the_same_output_and_no_weights(case):
    q, k, v, mask = case
    out, weights = scaled_dot_product_attention(q, k, v, mask, need_weights=False)
    with_weights, _ = scaled_dot_product_attention(q, k, v, mask)
    assert weights is None
    np.testing.assert_allclose(out, reference(q, k, v, mask)[0], **tolerance(q.dtype))
    np.testing.assert_allclose(out, with_weights, **tolerance(q.dtype))


def test_causal_with_a_square_mask_equals_passing_causal_mask():
    x = np.random.default_rng(3).standard_normal((2, 5, 4))
    by_flag = scaled_dot_product_attention(x, x, x, causal=True)
    by_mask = scaled_dot_product_attention(x, x, x, causal_mask(5))
    np.testing.assert_allclose(by_flag[0], by_mask[0], rtol=1e-13)
    np.testing.assert_array_equal(by_flag[1] == 0, by_mask[1] == 0)


def test_a_query_that_sees_no_key_gets_zeros_on_every_path():
    x = np.random.default_rng(4).standard_normal((4, 3))
    mask = np.ones((4, 4), dtype=bool)
    mask[2] = False  # query 2 may attend nothing
    for kwargs in ({}, {"causal": True}, {"need_weights": False}, {"causal": True, "need_weights": False}):
        out, weights = scaled_dot_product_attention(x, x, x, mask, **kwargs)
        np.testing.assert_array_equal(out[2], 0)
        assert np.all(np.isfinite(out))
        if weights is not None:
            np.testing.assert_array_equal(weights[2], 0)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
def test_large_inputs_shared_among_the_cores_match_the_formula(causal, need_weights):
    # 2·2·700·600 scores: over the size from which the slabs go to several threads, with several
    # slabs per (batch, head) entry, the last one short, and n_q != n_k under the causal mask.
    rng = np.random.default_rng(5)
    q = rng.standard_normal((2, 2, 700, 16), dtype=np.float32)
    k = rng.standard_normal((2, 1, 600, 16), dtype=np.float32)  # broadcast over the heads
    v = rng.standard_normal((2, 2, 600, 8), dtype=np.float32)
    mask = padding_mask([600, 450], 600)[:, None]  # (2, 1, 1, 600)
    full = mask & np.tril(np.ones((700, 600), dtype=bool)) if causal else mask
    expected_out, expected_weights = reference(q, k, v, full)
    out, weights = scaled_dot_product_attention(q, k, v, mask, causal=causal, need_weights=need_weights)
    assert out.dtype == np.float32 and out.shape == (2, 2, 700, 8)
    np.testing.assert_allclose(out, expected_out, rtol=1e-4, atol=2e-5)
    if need_weights:
        assert weights.shape == (2, 2, 700, 600)
        np.testing.assert_allclose(weights, expected_weights, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(weights.sum(-1), 1, rtol=1e-5)


def test_the_blas_thread_limit_is_lifted_after_a_large_call():
    from threadpoolctl import threadpool_info

    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    x = np.random.default_rng(6).standard_normal((4, 600, 16), dtype=np.float32)
    scaled_dot_product_attention(x, x, x, need_weights=False)
    after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert after == before


# --- float16, complex, NaN and infinities -------------------------------------------------------


def test_float16_is_computed_in_float32_and_returned_as_float16():
    rng = np.random.default_rng(7)
    q, k, v = (rng.standard_normal((2, 33, 8)).astype(np.float16) for _ in range(3))
    for need_weights in (True, False):
        as_float32 = scaled_dot_product_attention(*(a.astype(np.float32) for a in (q, k, v)), causal=True,
                                                  need_weights=need_weights)
        out, weights = scaled_dot_product_attention(q, k, v, causal=True, need_weights=need_weights)
        assert out.dtype == np.float16
        np.testing.assert_array_equal(out, as_float32[0].astype(np.float16))
        np.testing.assert_allclose(out, reference(q, k, v, causal_mask(33))[0], rtol=2e-3, atol=2e-3)
        if need_weights:
            assert weights.dtype == np.float16
            np.testing.assert_array_equal(weights, as_float32[1].astype(np.float16))
    tiled = tiled_attention(q, k, v, causal=True, block_size=8)
    assert tiled.dtype == np.float16
    np.testing.assert_allclose(tiled, reference(q, k, v, causal_mask(33))[0], rtol=2e-3, atol=2e-3)


def test_float16_softmax_over_70000_keys_is_not_all_zeros():
    # In float16 the sum of 70,000 exp(0) = 1 would pass 65,504, the largest float16, and divide to 0.
    weights = softmax(np.zeros((1, 70_000), dtype=np.float16))
    assert weights.dtype == np.float16
    np.testing.assert_allclose(weights.astype(np.float32), 1 / 70_000, rtol=5e-3)  # float16 keeps ~3 digits here
    q = np.zeros((1, 4), dtype=np.float16)
    k = np.zeros((70_000, 4), dtype=np.float16)
    v = np.ones((70_000, 2), dtype=np.float16)
    out, w = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(out.astype(np.float32), 1, rtol=1e-3)
    np.testing.assert_allclose(w.astype(np.float32).sum(), 1, rtol=1e-2)


def test_complex_input_is_refused_everywhere():
    z = np.ones((3, 2)) * (1 + 1j)
    x = np.ones((3, 2))
    for call in (lambda: scaled_dot_product_attention(z, x, x), lambda: scaled_dot_product_attention(x, x, z),
                 lambda: tiled_attention(x, z, x), lambda: softmax(z)):
        with pytest.raises(ValueError, match="complex|real"):
            call()
    w = projection_weights(2, 2, seed=0, name="w_q")
    with pytest.raises(ValueError, match="complex|real"):
        multi_head_attention(z, w, w, w, w, n_heads=1)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_nan_in_a_query_makes_only_its_own_row_nan():
    rng = np.random.default_rng(8)
    q, k, v = (rng.standard_normal((5, 4)) for _ in range(3))
    q[1, 0] = np.nan
    for need_weights in (True, False):
        out, weights = scaled_dot_product_attention(q, k, v, need_weights=need_weights)
        assert np.all(np.isnan(out[1]))
        keep = [0, 2, 3, 4]
        np.testing.assert_allclose(out[keep], reference(q[keep], k, v)[0], rtol=1e-12)
        if weights is not None:
            assert np.all(np.isnan(weights[1])) and np.all(np.isfinite(weights[keep]))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_plus_infinite_score_makes_the_row_nan_and_a_minus_infinite_one_hides_the_key():
    q = np.array([[1.0, 0.0], [-1.0, 0.0]])
    k = np.array([[np.inf, 0.0], [0.0, 1.0]])  # key 0 scores +inf for query 0, -inf for query 1
    v = np.array([[1.0], [2.0]])
    for need_weights in (True, False):
        out, weights = scaled_dot_product_attention(q, k, v, need_weights=need_weights)
        assert np.isnan(out[0, 0])
        np.testing.assert_allclose(out[1], [2.0])  # key 0 has weight exactly 0 for query 1
        if weights is not None:
            assert np.all(np.isnan(weights[0]))
            np.testing.assert_array_equal(weights[1], [0.0, 1.0])
    assert np.all(np.isnan(softmax(np.array([1.0, np.inf]))))


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_an_infinite_value_leaves_the_weights_finite_and_the_outputs_that_weigh_it_not():
    x = np.random.default_rng(9).standard_normal((3, 2))
    v = np.ones((3, 1))
    v[2, 0] = np.inf
    for need_weights in (True, False):
        out, weights = scaled_dot_product_attention(x, x, v, causal=True, need_weights=need_weights)
        assert not np.isfinite(out[2, 0])  # query 2 gives key 2 a weight above 0
        if weights is not None:
            assert np.all(np.isfinite(weights))


# --- multi-head attention with a batch of padded sequences ----------------------------------------


def multi_head_reference(x, w_q, w_k, w_v, w_o, n_heads, mask):
    """Each sequence on its own, each head on its own, the sequence's mask for all its heads."""
    outputs = []
    for b in range(x.shape[0]):
        q, k, v = x[b] @ w_q, x[b] @ w_k, x[b] @ w_v
        d = x.shape[-1] // n_heads
        heads = [reference(q[:, h * d:(h + 1) * d], k[:, h * d:(h + 1) * d], v[:, h * d:(h + 1) * d], mask[b])[0]
                 for h in range(n_heads)]
        outputs.append(np.concatenate(heads, axis=-1) @ w_o)
    return np.stack(outputs)


@pytest.mark.parametrize("batch, heads", [(2, 2), (1, 2), (3, 2), (2, 4)])
def test_a_padding_mask_passed_as_is_pads_each_sequence_in_every_head(batch, heads):
    rng = np.random.default_rng(10)
    n, d_model = 6, 8
    x = rng.standard_normal((batch, n, d_model))
    w_q, w_k, w_v, w_o = (projection_weights(d_model, d_model, seed=1, name=name)
                          for name in ("w_q", "w_k", "w_v", "w_o"))
    lengths = [6, 3, 5][:batch]
    mask = padding_mask(lengths, n)  # (batch, 1, n)
    out, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=heads, mask=mask)
    assert weights.shape == (batch, heads, n, n)
    np.testing.assert_allclose(out, multi_head_reference(x, w_q, w_k, w_v, w_o, heads, mask), rtol=1e-10, atol=1e-12)
    for b, length in enumerate(lengths):
        assert np.all(weights[b, :, :, length:] == 0)  # no head of sequence b weighs its padding
    # The docstring's other spelling, a heads axis added by hand, means the same.
    np.testing.assert_allclose(multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=heads, mask=mask[:, None])[0],
                               out, rtol=1e-12)


@pytest.mark.parametrize("shape", [(3, 1, 6), (3, 2, 6, 6), (2, 3, 2, 6, 6)])
def test_a_mask_that_does_not_fit_the_batch_is_refused_with_what_to_pass(shape):
    x = np.random.default_rng(11).standard_normal((2, 6, 4))
    w = projection_weights(4, 4, seed=0, name="w_q")
    with pytest.raises(ValueError, match=r"per sequence.*\(2, 1, n\).*per head, \(2, n_heads, n, n\)"):
        multi_head_attention(x, w, w, w, w, n_heads=2, mask=np.ones(shape, dtype=bool))


def test_per_head_masks_still_work_unbatched():
    x = np.random.default_rng(12).standard_normal((5, 4))
    w_q, w_k, w_v, w_o = (projection_weights(4, 4, seed=2, name=name) for name in ("w_q", "w_k", "w_v", "w_o"))
    per_head = np.stack([causal_mask(5), np.ones((5, 5), dtype=bool)])  # head 0 causal, head 1 not
    _, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=2, mask=per_head)
    assert np.all(weights[0][~causal_mask(5)] == 0) and np.all(weights[1] > 0)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_causal_never_computes_the_blocks_wholly_in_the_future():
    # A NaN value for the last key: through a mask it still meets every query's weight 0 in the
    # product (0 · NaN = NaN); under causal=True the early queries' slabs stop before that key.
    n = 3000
    x = np.random.default_rng(13).standard_normal((n, 2))
    v = np.ones((n, 1))
    v[-1] = np.nan
    out, _ = scaled_dot_product_attention(x, x, v, causal=True, need_weights=False)
    assert np.all(np.isfinite(out[:64])) and np.isnan(out[-1, 0])
    np.testing.assert_allclose(out[:64], 1.0)
    masked, _ = scaled_dot_product_attention(x, x, v, causal_mask(n), need_weights=False)
    assert np.isnan(masked[0, 0])  # the same mask given by hand computes the whole matrix
