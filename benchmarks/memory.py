"""Memory: peak memory added by `tiled_attention` at n = 8192, d = 64 (float32), against what
`scaled_dot_product_attention` adds, each measured in a fresh subprocess with tracemalloc
(NumPy reports its allocations to it).

Goal: tiled at most a quarter of naive.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402

PROBE = '''
import json, sys, tracemalloc
import numpy as np
from llmtutor.attention import scaled_dot_product_attention, tiled_attention
n, d = 8192, 64
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


def measure(which: str) -> int:
    result = subprocess.run([sys.executable, "-c", PROBE, which], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["peak"]


def run() -> list[Result]:
    naive, tiled = measure("naive"), measure("tiled")
    ratio = tiled / naive
    return [Result("memory: tiled_attention, n = 8192, d = 64, f32", f"{tiled / 2**20:.1f} MiB added",
                   f"{naive / 2**20:.0f} MiB (scaled_dot_product_attention)", ratio, "≤ 0.25×", ratio <= 0.25)]


if __name__ == "__main__":
    for result in run():
        print(result)
