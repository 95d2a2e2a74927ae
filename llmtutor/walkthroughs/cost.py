"""`llmtutor walk cost`: what attention costs as the sequence grows, measured live on this machine.

Naive attention builds the n × n score matrix: its memory is n²·8 bytes (float64) and its work
4·n²·d floating-point operations (two products of n²·d multiply-adds), so both grow 4× when n
doubles. Attention does not reduce computation; it is the part of a Transformer whose cost grows
fastest with length. The tiled version (online softmax, the idea of FlashAttention) never holds the
n × n matrix, so its memory grows only like n·d, but it does the same n²·d work and gives the same
output.

The ✓ checks judge only what is the same on every run: operations counted, memory of the arrays,
outputs. Times are measured (the best of a few runs, the least disturbed by the rest of the
machine) and summed up by the exponent p of a least-squares fit time ≈ c·nᵖ, or said to be too
noisy to tell when the fit is poor; the clock is a parameter so that tests can inject one.
Memory is tracemalloc's peak of what NumPy allocated during one call. JSON keys: n, flops,
time_ms, tiled_time_ms, time_exponent, time_fit_r2, weights_bytes, naive_peak_bytes,
tiled_peak_bytes, max_abs_diff, output_naive, output_tiled (first rows), settings.
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Callable

import numpy as np

from llmtutor.attention import scaled_dot_product_attention, tiled_attention
from llmtutor.walkthroughs.registry import WalkOptions
from llmtutor.walkthroughs.steps import BarsSpec, NamedArray, Step, TableSpec, Walkthrough, check, plain, say

D = 32
BLOCK = 128
REPEATS = 7
MIB = 2**20
SHOWN_ROWS = 4
MIN_R2 = 0.98  # a log-log fit worse than this cannot tell n^1.5 from n^2.5
FIT_FROM = 128  # shorter sequences are dominated by fixed overheads, not by the n² work

Clock = Callable[[], float]


def lengths(max_n: int) -> list[int]:
    """Up to five doubling lengths from 16, the largest at most `max_n` (128 … 2048 by default)."""
    return [2**p for p in range(4, 13) if 2**p <= max_n][-5:]


def flops(n: int, d: int = D) -> int:
    """Floating-point operations of Q·Kᵀ and weights·V: 2·n²·d each (a multiply and an add per term)."""
    return 4 * n * n * d


def best_ms(run, clock: Clock = time.perf_counter, repeats: int = REPEATS) -> float:
    """The shortest of `repeats` timed calls of `run()` in milliseconds, after one warm-up call.

    The minimum, not the mean: anything else the machine does only ever adds time.
    """
    run()
    times = []
    for _ in range(repeats):
        start = clock()
        run()
        times.append(clock() - start)
    return max(0.0, min(times)) * 1000


def fitted_exponent(ns: list[int], times_ms: list[float]) -> tuple[float | None, float | None]:
    """(p, R²) of the least-squares line log(time) = log(c) + p·log(n) over n ≥ FIT_FROM (all n when
    fewer than three are that long); (None, None) with fewer than three usable points."""
    points = [(n, ms) for n, ms in zip(ns, times_ms) if ms > 0]
    long = [(n, ms) for n, ms in points if n >= FIT_FROM]
    points = long if len(long) >= 3 else points
    if len(points) < 3:
        return None, None
    x, y = np.log([n for n, _ in points]), np.log([ms for _, ms in points])
    p, c = np.polyfit(x, y, 1)
    residual = float(np.sum((y - (p * x + c)) ** 2))
    total = float(np.sum((y - y.mean()) ** 2))
    return float(p), (1.0 - residual / total) if total > 0 else 0.0


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


def _fit_text(exponent: float | None, r2: float | None):
    """What the measured times say about growth, in words; never a ✓, as times vary between runs."""
    if exponent is None:
        return say("walk_cost_fit_too_few")
    if r2 < MIN_R2:
        return say("walk_cost_fit_noisy", r2=r2)
    return say("walk_cost_fit", p=exponent, r2=r2)


def build(options: WalkOptions, clock: Clock = time.perf_counter) -> Walkthrough:
    """The cost walkthrough for `options` (seed, max_n); `clock()` gives seconds (injected by tests)."""
    ns = lengths(options.max_n)
    rng = np.random.default_rng([options.seed, 7])
    naive_ms, tiled_ms, naive_peak, tiled_peak = [], [], [], []
    for n in ns:
        q, k, v = rng.standard_normal((3, n, D))                           # (n, D) each

        def naive(q=q, k=k, v=v):
            return scaled_dot_product_attention(q, k, v)[0]

        def tiled(q=q, k=k, v=v):
            return tiled_attention(q, k, v, block_size=BLOCK)

        naive_ms.append(best_ms(naive, clock))
        tiled_ms.append(best_ms(tiled, clock))
        naive_peak.append(peak_bytes(naive))
        tiled_peak.append(peak_bytes(tiled))
    out_naive, out_tiled = naive(), tiled()                                # at the largest n
    diff = float(np.abs(out_naive - out_tiled).max())
    weights_bytes = [n * n * 8 for n in ns]
    labels = tuple(f"n={n}" for n in ns)
    time_ratio = ratios(naive_ms)
    mem_ratio = ratios([float(b) for b in weights_bytes])
    work = [flops(n) for n in ns]
    work_ratio = ratios([float(f) for f in work])
    exponent, r2 = fitted_exponent(ns, naive_ms)
    small = [n for n in ns if n <= BLOCK]

    steps = [
        Step(say("walk_cost_matrix_title"), say("walk_f_cost_matrix"),
             (), say("walk_cost_matrix_text"),
             (check(all(r == 4 for r in mem_ratio[1:]), "walk_check_memory_quadruples"),),
             (TableSpec((say("walk_col_n"), say("walk_col_cells"), say("walk_col_mib"), say("walk_col_ratio")),
                        tuple((n, n * n, b / MIB, "" if r is None else f"×{r:.1f}")
                              for n, b, r in zip(ns, weights_bytes, mem_ratio))),
              BarsSpec(labels, tuple(b / MIB for b in weights_bytes), "MiB", say("walk_cost_matrix_bars"), 3))),
        Step(say("walk_cost_time_title"), say("walk_f_cost_time", d=D),
             (), say("walk_cost_time_text", d=D, repeats=REPEATS, fit=_fit_text(exponent, r2)),
             (check(all(r == 4 for r in work_ratio[1:]), "walk_check_flops_quadruple", d=D),),
             (TableSpec((say("walk_col_n"), say("walk_col_flops"), say("walk_col_ms"), say("walk_col_ratio")),
                        tuple((n, f / 1e6, ms, "" if r is None else f"×{r:.1f}")
                              for n, f, ms, r in zip(ns, work, naive_ms, time_ratio))),
              BarsSpec(labels, tuple(naive_ms), "ms", say("walk_cost_time_bars"), 2))),
        Step(say("walk_cost_tiled_title"), say("walk_f_cost_tiled", block=BLOCK),
             (), say("walk_cost_tiled_text", block=BLOCK,
                     small=say("walk_cost_tiled_small", block=BLOCK) if small else ""),
             (check(tiled_peak[-1] < naive_peak[-1], "walk_check_tiled_smaller", n=ns[-1],
                    tiled=tiled_peak[-1] / MIB, naive=naive_peak[-1] / MIB),) if ns[-1] > BLOCK else (),
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
    data = {"walkthrough": "cost", "n": ns, "flops": work, "time_ms": naive_ms, "tiled_time_ms": tiled_ms,
            "time_exponent": exponent, "time_fit_r2": r2,
            "weights_bytes": weights_bytes, "naive_peak_bytes": naive_peak, "tiled_peak_bytes": tiled_peak,
            "max_abs_diff": diff, "output_naive": out_naive[:SHOWN_ROWS], "output_tiled": out_tiled[:SHOWN_ROWS],
            "settings": {"seed": options.seed, "max_n": options.max_n, "d": D, "block_size": BLOCK,
                         "repeats": REPEATS, "timing": "best of repeats", "fit_from_n": FIT_FROM,
                         "min_r2": MIN_R2, "dtype": "float64"}}
    return Walkthrough("cost", steps, plain(data))
