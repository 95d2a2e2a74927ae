"""Attention computed tile by tile with an online softmax: the idea behind FlashAttention.

The naive way builds the whole `(n_q, n_k)` score matrix. Here we walk over blocks of queries,
and for each over blocks of keys, keeping for every query only three running quantities:

    m    the largest score seen so far                   (the softmax's max)
    l    Σ exp(score - m) over the keys seen so far      (the softmax's denominator)
    acc  Σ exp(score - m) · v over the keys seen so far  (the numerator, times the values)

When a new tile raises the max from m_old to m_new, everything summed so far was measured
against m_old; multiplying it by exp(m_old - m_new) re-measures it against m_new. After the last
tile, acc / l is exactly softmax(scores) @ v. Only `block_size × block_size` tiles of scores ever
exist (Milakov & Gimelshein 2018, "Online normalizer calculation for softmax"; Dao et al. 2022,
"FlashAttention").
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention.scaled_dot_product import attention_inputs


def tiled_attention(q, k, v, causal: bool = False, block_size: int = 128) -> np.ndarray:
    """softmax(q kᵀ / √d_k) v, block by block, never holding an `(n_q, n_k)` array.

    Args:
        q: queries `(..., n_q, d_k)`.
        k: keys `(..., n_k, d_k)`.
        v: values `(..., n_k, d_v)`.
        causal: if True, query i sees only keys j <= i (as `causal_mask`; np.tril's triangle
            when n_q != n_k). Key blocks wholly in the future are skipped, and only the
            tiles crossing the diagonal are masked.
        block_size: rows of queries and of keys per tile.

    Returns:
        The output `(..., n_q, d_v)`, equal to `scaled_dot_product_attention(q, k, v)[0]`
        up to rounding, in the inputs' float dtype (float16 is computed in float32, as there).
        A query that sees no key gets zeros. Complex input is refused (ValueError).
    """
    q, k, v = attention_inputs(q, k, v)
    if q.dtype == np.float16:
        q, k, v = (array.astype(np.float32) for array in (q, k, v))
        return tiled_attention(q, k, v, causal=causal, block_size=block_size).astype(np.float16)
    if block_size < 1:
        raise ValueError(f"block_size must be at least 1, got {block_size}")
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])  # the leading "..."
    n_q, d_k = q.shape[-2:]
    n_k, d_v = v.shape[-2:]
    dtype = q.dtype
    scale = 1.0 / np.sqrt(d_k) if d_k else 1.0
    output = np.zeros(batch + (n_q, d_v), dtype=dtype)  # (..., n_q, d_v)

    for q_start in range(0, n_q, block_size):
        q_stop = min(q_start + block_size, n_q)
        q_tile = np.multiply(q[..., q_start:q_stop, :], scale, dtype=dtype)  # (..., bq, d_k)
        running_max = np.full(batch + (q_stop - q_start, 1), -np.inf, dtype=dtype)  # m (..., bq, 1)
        running_sum = np.zeros(batch + (q_stop - q_start, 1), dtype=dtype)  # l (..., bq, 1)
        acc = np.zeros(batch + (q_stop - q_start, d_v), dtype=dtype)  # (..., bq, d_v)

        # Under the causal mask, keys from q_stop on are in the future of every query here.
        keys_in_view = min(n_k, q_stop) if causal else n_k
        for k_start in range(0, keys_in_view, block_size):
            k_stop = min(k_start + block_size, n_k)
            k_tile = k[..., k_start:k_stop, :]  # (..., bk, d_k)
            v_tile = v[..., k_start:k_stop, :]  # (..., bk, d_v)
            scores = np.matmul(q_tile, k_tile.swapaxes(-1, -2))  # (..., bq, bk)

            if causal and k_stop - 1 > q_start:  # this tile crosses the diagonal
                query_pos = np.arange(q_start, q_stop)[:, None]  # (bq, 1)
                key_pos = np.arange(k_start, k_stop)[None, :]  # (1, bk)
                scores = np.where(key_pos <= query_pos, scores, -np.inf)  # (..., bq, bk)

            new_max = np.maximum(running_max, scores.max(axis=-1, keepdims=True))  # (..., bq, 1)
            # A query that has seen only hidden keys still has max -inf; measure it from 0 so
            # that -inf - (-inf) never makes NaN (all its exps are 0 either way).
            reference = np.where(np.isneginf(new_max), 0, new_max)  # (..., bq, 1)
            # The sums so far were measured against the old max: exp(m_old - m_new) <= 1
            # re-measures them against the new one (it is 0 when nothing was seen yet).
            rescale = np.exp(running_max - reference)  # (..., bq, 1)
            tile_weights = np.exp(scores - reference)  # (..., bq, bk), unnormalised
            running_sum = running_sum * rescale + tile_weights.sum(axis=-1, keepdims=True)
            acc = acc * rescale + np.matmul(tile_weights, v_tile)  # (..., bq, d_v)
            running_max = new_max

        # Normalise once at the end: acc / l = Σ softmax(score) · v. Rows with l = 0 saw no key.
        np.divide(acc, running_sum, out=output[..., q_start:q_stop, :], where=running_sum > 0)
    return output
