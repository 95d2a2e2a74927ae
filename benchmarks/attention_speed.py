"""Attention speed: `scaled_dot_product_attention`, float32, batch 4, 8 heads, n = 1024, d = 64,
against `torch.nn.functional.scaled_dot_product_attention` on the CPU with the same threads,
run alternately. torch is not a dependency: without it the row says so.

Goal: within 2x of torch.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, alternate  # noqa: E402

GOAL = 2.0
SHAPE = (4, 8, 1024, 64)


def run(repeats: int = 9) -> list[Result]:
    import numpy as np

    from llmtutor.attention import scaled_dot_product_attention

    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(SHAPE, dtype=np.float32) for _ in range(3))
    try:
        import torch
    except ImportError:
        seconds = alternate({"numpy": lambda: scaled_dot_product_attention(q, k, v)}, repeats=repeats)["numpy"]
        return [Result("attention: scaled_dot_product_attention (4, 8, 1024, 64) f32", f"{seconds * 1000:.0f} ms",
                       "torch not installed", None, f"≤ {GOAL}× torch", None,
                       "install torch (pip install torch==2.13.0) to compare")]
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(threads)
    tq, tk, tv = (torch.from_numpy(array) for array in (q, k, v))
    mask = np.tril(np.ones((1024, 1024), dtype=bool))
    tmask = torch.from_numpy(mask)
    medians = alternate({
        "numpy": lambda: scaled_dot_product_attention(q, k, v),
        "torch": lambda: torch.nn.functional.scaled_dot_product_attention(tq, tk, tv),
        "numpy causal": lambda: scaled_dot_product_attention(q, k, v, mask),
        "torch causal": lambda: torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tmask),
    }, repeats=repeats)
    out, _ = scaled_dot_product_attention(q, k, v)
    error = float(np.abs(out - torch.nn.functional.scaled_dot_product_attention(tq, tk, tv).numpy()).max())
    results = []
    for label, ours, theirs in (("", "numpy", "torch"), (" causal", "numpy causal", "torch causal")):
        ratio = medians[ours] / medians[theirs]
        results.append(Result(f"attention: scaled_dot_product_attention{label} (4, 8, 1024, 64) f32",
                              f"{medians[ours] * 1000:.0f} ms",
                              f"{medians[theirs] * 1000:.0f} ms (torch {torch.__version__}, {threads} threads)",
                              ratio, f"≤ {GOAL}×", ratio <= GOAL,
                              f"max |difference| {error:.1e}; ours also returns the weights" if not label else ""))
    return results


if __name__ == "__main__":
    for result in run():
        print(result)
