"""`llmtutor walk cost`: what attention costs as the sequence grows, measured live on this machine.

Naive attention builds the n × n score matrix: its memory is n²·8 bytes (float64) and its work
n²·d multiply-adds, so both grow about 4× when n doubles. Attention does not reduce computation;
it is the part of a Transformer whose cost grows fastest with length. The tiled version (online
softmax, the idea of FlashAttention) never holds the n × n matrix, so its memory grows only like
n·d, but it does the same n²·d work and gives the same output.

Timings are medians of a few runs after one warm-up run; memory is tracemalloc's peak of what
NumPy allocated during one call. JSON keys: n, time_ms, tiled_time_ms, weights_bytes,
naive_peak_bytes, tiled_peak_bytes, max_abs_diff, output_naive, output_tiled (first rows), settings.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from llmtutor.attention import scaled_dot_product_attention, tiled_attention
from llmtutor.walkthroughs.registry import WalkOptions
from llmtutor.walkthroughs.steps import BarsSpec, NamedArray, Step, TableSpec, Walkthrough, check, plain, say

D = 32
BLOCK = 128
REPEATS = 5
MIB = 2**20
SHOWN_ROWS = 4


def lengths(max_n: int) -> list[int]:
    """Up to five doubling lengths from 16, the largest at most `max_n` (128 … 2048 by default)."""
    return [2**p for p in range(4, 13) if 2**p <= max_n][-5:]


def median_ms(run, repeats: int = REPEATS) -> float:
    """Median wall time of `run()` in milliseconds, after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1000


def peak_bytes(run) -> int:
    """Peak memory allocated while `run()` runs, as tracemalloc sees it (NumPy reports its arrays)."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run()
        return max(0, tracemalloc.get_traced_memory()[1] - base)
    finally:
        if not tracing:
            tracemalloc.stop()


def ratios(values: list[float]) -> list[float | None]:
    """Each value over the one before it (None for the first)."""
    return [None] + [b / a if a > 0 else None for a, b in zip(values, values[1:])]


def build(options: WalkOptions) -> Walkthrough:
    """The cost walkthrough for `options` (seed, max_n)."""
    ns = lengths(options.max_n)
    rng = np.random.default_rng([options.seed, 7])
    naive_ms, tiled_ms, naive_peak, tiled_peak = [], [], [], []
    for n in ns:
        q, k, v = rng.standard_normal((3, n, D))                           # (n, D) each

        def naive(q=q, k=k, v=v):
            return scaled_dot_product_attention(q, k, v)[0]

        def tiled(q=q, k=k, v=v):
            return tiled_attention(q, k, v, block_size=BLOCK)

        naive_ms.append(median_ms(naive))
        tiled_ms.append(median_ms(tiled))
        naive_peak.append(peak_bytes(naive))
        tiled_peak.append(peak_bytes(tiled))
    out_naive, out_tiled = naive(), tiled()                                # at the largest n
    diff = float(np.abs(out_naive - out_tiled).max())
    weights_bytes = [n * n * 8 for n in ns]
    labels = tuple(f"n={n}" for n in ns)
    time_ratio = ratios(naive_ms)
    last_ratio = time_ratio[-1] or 0.0
    mem_ratio = ratios([float(b) for b in weights_bytes])

    steps = [
        Step(say("walk_cost_matrix_title"), say("walk_f_cost_matrix"),
             (), say("walk_cost_matrix_text"),
             (check(all(r == 4 for r in mem_ratio[1:]), "walk_check_memory_quadruples"),),
             (TableSpec((say("walk_col_n"), say("walk_col_cells"), say("walk_col_mib"), say("walk_col_ratio")),
                        tuple((n, n * n, b / MIB, "" if r is None else f"×{r:.1f}")
                              for n, b, r in zip(ns, weights_bytes, mem_ratio))),
              BarsSpec(labels, tuple(b / MIB for b in weights_bytes), "MiB", say("walk_cost_matrix_bars"), 3))),
        Step(say("walk_cost_time_title"), say("walk_f_cost_time", d=D),
             (), say("walk_cost_time_text", d=D, repeats=REPEATS),
             (check(last_ratio > 2, "walk_check_time_growth", a=ns[-2] if len(ns) > 1 else ns[-1], b=ns[-1],
                    ratio=last_ratio),),
             (TableSpec((say("walk_col_n"), say("walk_col_ms"), say("walk_col_ratio")),
                        tuple((n, ms, "" if r is None else f"×{r:.1f}")
                              for n, ms, r in zip(ns, naive_ms, time_ratio))),
              BarsSpec(labels, tuple(naive_ms), "ms", say("walk_cost_time_bars"), 2))),
        Step(say("walk_cost_tiled_title"), say("walk_f_cost_tiled", block=BLOCK),
             (), say("walk_cost_tiled_text", block=BLOCK),
             (check(tiled_peak[-1] < naive_peak[-1], "walk_check_tiled_smaller", n=ns[-1],
                    tiled=tiled_peak[-1] / MIB, naive=naive_peak[-1] / MIB),),
             (TableSpec((say("walk_col_n"), say("walk_col_naive_mib"), say("walk_col_tiled_mib"),
                         say("walk_col_tiled_ms")),
                        tuple((n, a / MIB, b / MIB, ms) for n, a, b, ms in zip(ns, naive_peak, tiled_peak, tiled_ms))),
              BarsSpec(labels, tuple(b / MIB for b in tiled_peak), "MiB", say("walk_cost_tiled_bars"), 3))),
        Step(say("walk_cost_same_title"), "tiled(Q, K, V) = softmax(Q·Kᵀ/√d)·V",
             (NamedArray("output (naive)", out_naive[:SHOWN_ROWS]),
              NamedArray("output (tiled)", out_tiled[:SHOWN_ROWS])),
             say("walk_cost_same_text", n=ns[-1], rows=SHOWN_ROWS),
             (check(diff < 1e-10, "walk_check_tiled_same", diff=diff),)),
    ]
    data = {"walkthrough": "cost", "n": ns, "time_ms": naive_ms, "tiled_time_ms": tiled_ms,
            "weights_bytes": weights_bytes, "naive_peak_bytes": naive_peak, "tiled_peak_bytes": tiled_peak,
            "max_abs_diff": diff, "output_naive": out_naive[:SHOWN_ROWS], "output_tiled": out_tiled[:SHOWN_ROWS],
            "settings": {"seed": options.seed, "max_n": options.max_n, "d": D, "block_size": BLOCK,
                         "repeats": REPEATS, "dtype": "float64"}}
    return Walkthrough("cost", steps, plain(data))
