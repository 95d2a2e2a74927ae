"""Memory and growth with n.

- Peak memory added by `tiled_attention` at n = 8192, d = 64 (float32), against what
  `scaled_dot_product_attention` adds. Goal: tiled at most a quarter of naive.
- Growth exponents: time and peak memory of the naive `scaled_dot_product_attention` (with
  the weights) and of `tiled_attention`, at n = 1024 … 8192, d = 64, one head; the exponent is
  the slope of log(figure) against log(n) by least squares (2 = quadratic). No goal: reported.
  The growth is the algorithm's, so it is timed on one core (the process's affinity set to
  one CPU, BLAS on one thread) in CPU time, which the other work of a shared machine disturbs
  far less than wall time; all eight (size, version) pairs alternate in the same rounds.

Every figure comes from fresh processes (see harness.py): memory with tracemalloc (NumPy
reports its allocations to it), time as the median of the process's runs, and the median of
the processes.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import Snippet, benchmark_env, time_snippets  # noqa: E402

PROBE = '''
import json, sys, tracemalloc
import numpy as np
from llmtutor.attention import scaled_dot_product_attention, tiled_attention
n, d = int(sys.argv[2]), 64
rng = np.random.default_rng(0)
q, k, v = (rng.standard_normal((n, d), dtype=np.float32) for _ in range(3))
tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
if sys.argv[1] == "tiled":
    out = tiled_attention(q, k, v)
else:
    out, weights = scaled_dot_product_attention(q, k, v)
peak = tracemalloc.get_traced_memory()[1] - base
print(json.dumps({"peak": peak}))
'''
SETUP = '''
import os
os.sched_setaffinity(0, {{min(os.sched_getaffinity(0))}})  # one core, before NumPy counts them
import numpy as np
from llmtutor.attention import scaled_dot_product_attention, tiled_attention
rng = np.random.default_rng(0)
q, k, v = (rng.standard_normal(({n}, 64), dtype=np.float32) for _ in range(3))
'''
CALLS = {"naive": "scaled_dot_product_attention(q, k, v)", "tiled": "tiled_attention(q, k, v)"}
SIZES = (1024, 2048, 4096, 8192)


def measure(which: str, n: int = 8192) -> int:
    result = subprocess.run([sys.executable, "-c", PROBE, which, str(n)], capture_output=True, text=True,
                            check=True, env=benchmark_env())
    return json.loads(result.stdout)["peak"]


def slope(sizes, figures) -> float:
    """Least-squares slope of log(figure) against log(n)."""
    xs, ys = [math.log(n) for n in sizes], [math.log(f) for f in figures]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def run(repeats: int = 3) -> list[Result]:
    naive, tiled = measure("naive"), measure("tiled")
    ratio = tiled / naive
    results = [Result("memory: tiled_attention, n = 8192, d = 64, f32", f"{tiled / 2**20:.1f} MiB added",
                      f"{naive / 2**20:.0f} MiB (scaled_dot_product_attention)", ratio, "≤ 0.25×", ratio <= 0.25)]
    stats = time_snippets({(name, n): Snippet(SETUP.format(n=n), call) for name, call in CALLS.items()
                           for n in SIZES}, processes=max(3, repeats), repeats=3, threads=1)
    times = {name: [stats[name, n].cpu_median for n in SIZES] for name in CALLS}
    memory = {name: [measure(name, n) for n in SIZES] for name in CALLS}
    for name, label in (("naive", "scaled_dot_product_attention"), ("tiled", "tiled_attention")):
        detail = "one core, CPU time: " + ", ".join(
            f"n={n}: {t * 1000:.0f} ms ({stats[name, n].spread()} wall), {m / 2**20:.1f} MiB"
            for n, t, m in zip(SIZES, times[name], memory[name]))
        results.append(Result(f"growth with n: {label}, d = 64, f32",
                              f"time ∝ n^{slope(SIZES, times[name]):.2f}, memory ∝ n^{slope(SIZES, memory[name]):.2f}",
                              "n = 1024 … 8192", None, "–", None, detail))
    return results


if __name__ == "__main__":
    for result in run():
        print(result)
