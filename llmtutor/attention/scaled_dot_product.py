"""Scaled dot-product attention: Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V.

Each query scores every key by a dot product, the scores become weights by softmax, and the
query's output is the weighted average of the values.

How it is computed: one block of queries at a time (a "slab" of `(block, n_k)` scores, about
half a megabyte, small enough to stay in the CPU's cache), the three steps on the slab back to
back: scores, softmax, values. The whole `(..., n_q, n_k)` score matrix never passes through
main memory more than once (with `need_weights=False` it is never built at all). Under
`causal=True` a slab only reaches the keys up to its last query: the blocks wholly in the
future are never computed. On large inputs the slabs are shared among the CPU cores, each core
running its own slabs with a single-threaded BLAS (see `_run_tiles`).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from llmtutor.attention.softmax import softmax_in_place

# Below this many scores one core is quicker than handing out work.
_PARALLEL_MIN_SCORES = 1 << 20
# Scores per slab: 2**17 float32 = 512 KiB, what a core's L2 cache holds; but at least
# _SLAB_MIN_ROWS queries, below which the matrix products lose speed.
_SLAB_SCORES = 1 << 17
_SLAB_MIN_ROWS = 64
# Up to this many scores per matrix, the whole batch goes through one set of array calls: a
# training batch of many short sequences would otherwise pay Python overhead per slab.
_WHOLE_BATCH_MAX_SCORES = 64 * 64


def attention_inputs(q, k, v) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check the shapes of q `(..., n_q, d_k)`, k `(..., n_k, d_k)`, v `(..., n_k, d_v)`.

    Returns the three as arrays of one float dtype (float32 stays float32, float16 stays
    float16; integers and bools become float64). Raises ValueError naming the mismatch, and for
    complex input (attention weights are real: there is no order among complex scores).
    """
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    for name, array in (("q", q), ("k", k), ("v", v)):
        if array.ndim < 2:
            raise ValueError(f"{name} needs at least 2 dimensions (..., n, d), got shape {array.shape}")
        if np.iscomplexobj(array):
            raise ValueError(f"{name} is complex ({array.dtype}); attention needs real numbers: pass "
                             f"{name}.real, or split real and imaginary parts into features yourself")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k need the same last dimension d_k: q {q.shape}, k {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v need one value per key (same n_k): k {k.shape}, v {v.shape}")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"q, k and v have batch dimensions that do not broadcast: {q.shape}, {k.shape}, {v.shape}"
        ) from None
    try:
        dtype = np.result_type(q, k, v)
    except TypeError:
        raise ValueError(f"q, k and v must be numbers, got {q.dtype}, {k.dtype}, {v.dtype}") from None
    if not np.issubdtype(dtype, np.floating):
        if not (np.issubdtype(dtype, np.integer) or dtype == np.bool_):
            raise ValueError(f"q, k and v must be numbers, got {q.dtype}, {k.dtype}, {v.dtype}")
        dtype = np.dtype(np.float64)
    return q.astype(dtype, copy=False), k.astype(dtype, copy=False), v.astype(dtype, copy=False)


def scaled_dot_product_attention(q, k, v, mask=None, *, causal: bool = False,
                                 need_weights: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """softmax(q kᵀ / √d_k) v, with the attention weights.

    Args:
        q: queries `(..., n_q, d_k)`.
        k: keys `(..., n_k, d_k)`.
        v: values `(..., n_k, d_v)`.
        mask: optional bool array broadcastable to `(..., n_q, n_k)`; True = the query may
            attend the key. Hidden keys get weight exactly 0; a query that may attend no key
            gets all-zero weights and a zero output.
        causal: if True, query i sees only keys j <= i (as `causal_mask`, np.tril's triangle
            when n_q != n_k), on top of `mask` if one is given. The score blocks wholly in
            the future are never computed, so it costs about half the time.
        need_weights: if False, the weights are not kept and `(output, None)` comes back;
            the `(..., n_q, n_k)` array is never made, only a slab of it at a time.

    Returns:
        `(output, weights)`: output `(..., n_q, d_v)` and weights `(..., n_q, n_k)` (None when
        `need_weights=False`), in the inputs' float dtype (float32 in, float32 out).

    Numbers: float16 input is computed in float32 and returned as float16 (float16 sums of
    exponentials would overflow past 65,504 and BLAS has no float16 products). Integers and
    bools are computed in float64; complex input is refused (ValueError). A score that comes out
    NaN or +inf (from a NaN or an infinity in q or k) makes that query's whole row of weights,
    and its output, NaN, as in torch; a score of -inf is a hidden key (weight 0), and a row of
    them all is a query that sees nothing (zeros). A NaN or infinity in v leaves the weights
    alone and makes the outputs of the queries that weigh its key non-finite; it may reach
    outputs that give it weight 0 too, since 0 · inf is NaN. Hide keys with `mask`, not -inf.
    """
    q, k, v = attention_inputs(q, k, v)
    result_dtype = q.dtype
    if result_dtype == np.float16:
        q, k, v = (array.astype(np.float32) for array in (q, k, v))
    dtype = q.dtype
    n_q, d_k = q.shape[-2:]
    n_k, d_v = v.shape[-2:]
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != np.bool_:
            raise ValueError(f"mask must be a bool array (True = may attend), got dtype {mask.dtype}")
        try:
            full = np.broadcast_shapes(mask.shape, batch + (n_q, n_k))
        except ValueError:
            raise ValueError(f"mask {mask.shape} does not broadcast to the scores {batch + (n_q, n_k)}") from None
        batch = full[:-2]  # the mask may have batch dimensions that q, k and v lack
        mask = np.broadcast_to(mask, full)
    scale = 1.0 / np.sqrt(d_k) if d_k else 1.0

    # (q / √d_k) kᵀ equals (q kᵀ) / √d_k, but scaling q touches n_q·d_k numbers, not n_q·n_k.
    scaled_q = np.broadcast_to(np.multiply(q, scale, dtype=dtype), batch + (n_q, d_k))
    keys = np.broadcast_to(k, batch + (n_k, d_k))
    values = np.broadcast_to(v, batch + (n_k, d_v))
    output = np.empty(batch + (n_q, d_v), dtype=dtype)  # (..., n_q, d_v)
    weights = None
    if need_weights:  # under a causal mask the future stays 0 and is never written
        weights = (np.zeros if causal else np.empty)(batch + (n_q, n_k), dtype=dtype)  # (..., n_q, n_k)

    if need_weights and n_q * n_k <= _WHOLE_BATCH_MAX_SCORES:
        # Many small matrices (a training batch of short sequences): one batched call per step is
        # far cheaper than a Python loop over thousands of tiny slabs.
        _whole_batch(scaled_q, keys, values, mask, causal, output, weights)
        if result_dtype != dtype:
            return output.astype(result_dtype), weights.astype(result_dtype)
        return output, weights

    rows = max(1, min(n_q, max(_SLAB_MIN_ROWS, _SLAB_SCORES // max(n_k, 1))))  # queries per slab
    future = np.triu(np.ones((rows, rows), dtype=bool), 1)  # (rows, rows), True above the diagonal

    def slab(index: tuple, start: int) -> None:
        """Scores, softmax and values of queries start … start+rows of batch entry `index`."""
        stop = min(start + rows, n_q)
        seen = min(n_k, stop) if causal else n_k  # under the causal mask, keys from `stop` on are all future
        query = scaled_q[index][start:stop]  # (b, d_k)
        if weights is not None:
            scores = weights[index][start:stop, :seen]  # (b, seen), a view: written in place
            np.matmul(query, keys[index][:seen].T, out=scores)
        else:
            scores = np.matmul(query, keys[index][:seen].T)  # (b, seen)
        if causal and seen > start:  # the slab crosses the diagonal: hide what lies above it
            np.copyto(scores[:, start:seen], -np.inf, where=future[:stop - start, :seen - start])
        if mask is not None:
            np.copyto(scores, -np.inf, where=~mask[index][start:stop, :seen])
        # softmax along the keys, as softmax_in_place: exp(x - max) never overflows; a row that
        # is all -inf (it may attend nothing) subtracts 0 instead, so its exps are 0, not NaN.
        row_max = np.max(scores, axis=-1, keepdims=True, initial=-np.inf)  # (b, 1)
        row_max[np.isneginf(row_max)] = 0
        np.subtract(scores, row_max, out=scores)
        np.exp(scores, out=scores)
        row_sum = np.sum(scores, axis=-1, keepdims=True)  # (b, 1), >= 1 unless the row is all hidden
        row_sum[row_sum == 0] = 1
        out = output[index][start:stop]  # (b, d_v)
        if weights is not None:
            np.divide(scores, row_sum, out=scores)  # the weights, rows summing to 1
            np.matmul(scores, values[index][:seen], out=out)
        else:  # dividing the (b, d_v) output is cheaper than dividing the (b, seen) scores
            np.matmul(scores, values[index][:seen], out=out)
            np.divide(out, row_sum, out=out)

    tiles = [(index, start) for index in np.ndindex(batch) for start in range(0, n_q, rows)]
    _run_tiles(slab, tiles, work=int(np.prod(batch, dtype=np.int64)) * n_q * n_k)
    if result_dtype != dtype:
        return output.astype(result_dtype), None if weights is None else weights.astype(result_dtype)
    return output, weights


def _whole_batch(scaled_q, keys, values, mask, causal: bool, output: np.ndarray, weights: np.ndarray) -> None:
    """Scores, softmax and values of every batch entry at once, into `output` and `weights`."""
    np.matmul(scaled_q, keys.swapaxes(-1, -2), out=weights)  # (..., n_q, n_k)
    n_q, n_k = weights.shape[-2:]
    if causal:
        np.copyto(weights, -np.inf, where=np.triu(np.ones((n_q, n_k), dtype=bool), 1))
    if mask is not None:
        np.copyto(weights, -np.inf, where=~mask)
    softmax_in_place(weights, axis=-1)  # rows sum to 1; a row that sees nothing stays 0
    np.matmul(weights, values, out=output)  # (..., n_q, d_v)


def _run_tiles(slab, tiles: list, work: int) -> None:
    """Run slab(*tile) for every tile: on one core when small, else over all cores.

    On all cores, each worker thread runs whole slabs with BLAS limited to one thread (NumPy
    releases the GIL inside matmul, exp, subtract and divide, so the threads run side by side);
    a multi-threaded BLAS inside each of them would fight over the same cores. The limit is
    process-wide while it lasts (threadpoolctl), and lifted when the call returns.
    """
    workers = _cpu_count()
    if workers == 1 or work < _PARALLEL_MIN_SCORES or len(tiles) < 2:
        for tile in tiles:
            slab(*tile)
        return
    with _blas_controller().limit(limits=1, user_api="blas"):
        for _ in _thread_pool().map(lambda tile: slab(*tile), tiles):
            pass


@lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@lru_cache(maxsize=1)
def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _thread_pool():
    from concurrent.futures import ThreadPoolExecutor  # imported here: the tutor's small inputs never need it

    return ThreadPoolExecutor(max_workers=_cpu_count(), thread_name_prefix="llmtutor-attention")
