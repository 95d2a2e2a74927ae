"""Rendering: an attention heatmap of 2,000 tokens to an 80- and a 200-column console.
Reference: Rich printing the same number of plain text lines (what any 2,000-row output costs).
Each side timed in its own fresh processes, alternated (see harness.py).

Goal: under 0.5 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import Snippet, ratio_spread, time_snippets  # noqa: E402

N = 2000
GOAL_S = 0.5

SETUP = '''
import io
import numpy as np
from rich.console import Console
from llmtutor.attention import causal_mask, scaled_dot_product_attention
from llmtutor.render.heatmap import Heatmap

N, WIDTH = {n}, {width}
x = np.random.default_rng(0).standard_normal((N, 16))
mask = causal_mask(N)
_, weights = scaled_dot_product_attention(x, x, x, mask)
tokens = [f"tok{{i}}" for i in range(N)]


def console():
    return Console(file=io.StringIO(), width=WIDTH, color_system="truecolor", force_terminal=True)
'''
HEATMAP = "console().print(Heatmap(weights, tokens, tokens, mask=mask))"
PLAIN = 'console().print("\\n".join(tokens), highlight=False)'


def run(repeats: int = 7) -> list[Result]:
    results = []
    for width in (80, 200):
        setup = SETUP.format(n=N, width=width)
        stats = time_snippets({"heatmap": Snippet(setup, HEATMAP), "plain": Snippet(setup, PLAIN)},
                              processes=max(3, repeats // 2), repeats=5)
        ours, plain = stats["heatmap"], stats["plain"]
        ratio, low, high = ratio_spread(ours, plain)
        results.append(Result(f"render: heatmap of {N} tokens at {width} columns", f"{ours.ms()} ({ours.spread()})",
                              f"{plain.ms()} ({plain.spread()}) (Rich printing {N} plain lines)",
                              ratio, f"< {GOAL_S} s", ours.median < GOAL_S,
                              f"ratio of paired processes {low:.2f}–{high:.2f}×"))
    return results


if __name__ == "__main__":
    for result in run():
        print(result)
