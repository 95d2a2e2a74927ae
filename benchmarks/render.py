"""Rendering: an attention heatmap of 2,000 tokens to an 80- and a 200-column console.
Reference: Rich printing the same number of plain text lines (what any 2,000-row output costs).

Goal: under 0.5 s.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, alternate  # noqa: E402

N = 2000
GOAL_S = 0.5


def run(repeats: int = 7) -> list[Result]:
    import numpy as np
    from rich.console import Console

    from llmtutor.attention import causal_mask, scaled_dot_product_attention
    from llmtutor.render.heatmap import Heatmap

    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 16))
    mask = causal_mask(N)
    _, weights = scaled_dot_product_attention(x, x, x, mask)
    tokens = [f"tok{i}" for i in range(N)]
    results = []
    for width in (80, 200):
        def heatmap(width=width):
            Console(file=io.StringIO(), width=width, color_system="truecolor", force_terminal=True).print(
                Heatmap(weights, tokens, tokens, mask=mask))

        def plain(width=width):
            console = Console(file=io.StringIO(), width=width, color_system="truecolor", force_terminal=True)
            console.print("\n".join(tokens), highlight=False)

        medians = alternate({"heatmap": heatmap, "plain": plain}, repeats=repeats)
        seconds = medians["heatmap"]
        results.append(Result(f"render: heatmap of {N} tokens at {width} columns", f"{seconds * 1000:.0f} ms",
                              f"{medians['plain'] * 1000:.0f} ms (Rich printing {N} plain lines)",
                              seconds / medians["plain"], f"< {GOAL_S} s", seconds < GOAL_S))
    return results


if __name__ == "__main__":
    for result in run():
        print(result)
