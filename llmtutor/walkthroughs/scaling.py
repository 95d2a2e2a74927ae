"""`llmtutor walk scaling`: why attention divides the scores by √d_k, measured rather than asserted.

For random q, k with entries ~ N(0, 1), q·k is a sum of d_k products of variance 1, so its variance
is d_k and its spread √d_k. Large scores push the softmax towards one-hot weights (low entropy,
one weight near 1), where its gradients vanish; dividing by √d_k brings the spread back to 1.

JSON keys: d_k, std_dot, sqrt_d_k, std_scaled, entropy_unscaled, entropy_scaled, max_weight_unscaled,
max_weight_scaled, example_scores, example_weights_unscaled, example_weights_scaled, settings.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import softmax
from llmtutor.walkthroughs.registry import WalkOptions
from llmtutor.walkthroughs.steps import HeatmapSpec, NamedArray, Step, TableSpec, Walkthrough, check, plain, say

D_KS = (4, 16, 64, 256)
SAMPLES = 2000
KEYS_PER_ROW = 8


def entropy(weights: np.ndarray) -> np.ndarray:
    """−Σ w log w along the last axis (0 log 0 = 0): (..., n) → (...,)."""
    logs = np.log(np.where(weights > 0, weights, 1.0))
    return -(weights * logs).sum(axis=-1)


def build(options: WalkOptions) -> Walkthrough:
    """The scaling walkthrough for `options` (seed)."""
    rng = np.random.default_rng([options.seed, 4])
    std_dot, std_scaled, h_raw, h_scaled, max_raw, max_scaled = ([] for _ in range(6))
    example = None
    for d_k in D_KS:
        q = rng.standard_normal((SAMPLES, d_k))                       # (S, d_k)
        k = rng.standard_normal((SAMPLES, d_k))                       # (S, d_k)
        dots = np.einsum("sc,sc->s", q, k)                             # (S,) one q·k per pair
        std_dot.append(float(dots.std()))
        std_scaled.append(float((dots / np.sqrt(d_k)).std()))
        keys = rng.standard_normal((SAMPLES, KEYS_PER_ROW, d_k))      # (S, 8, d_k)
        scores = np.einsum("sc,skc->sk", q, keys)                      # (S, 8) a row of 8 scores per query
        raw, scaled = softmax(scores), softmax(scores / np.sqrt(d_k))  # (S, 8) each
        h_raw.append(float(entropy(raw).mean()))
        h_scaled.append(float(entropy(scaled).mean()))
        max_raw.append(float(raw.max(-1).mean()))
        max_scaled.append(float(scaled.max(-1).mean()))
        example = (d_k, scores[0], raw[0], scaled[0])

    roots = [float(np.sqrt(d_k)) for d_k in D_KS]
    worst = max(abs(s / r - 1) for s, r in zip(std_dot, roots))
    h_max = float(np.log(KEYS_PER_ROW))
    ex_dk, ex_scores, ex_raw, ex_scaled = example
    key_labels = tuple(f"k{j + 1}" for j in range(KEYS_PER_ROW))
    pair = np.stack([ex_raw, ex_scaled])                               # (2, 8)
    pair_labels = ("s", f"s/√{ex_dk}")  # the row's scores, unscaled and scaled

    spread_table = TableSpec(
        (say("walk_col_dk"), say("walk_col_std_dot"), say("walk_col_sqrt_dk"), say("walk_col_std_scaled")),
        tuple((d_k, s, r, t) for d_k, s, r, t in zip(D_KS, std_dot, roots, std_scaled)))
    softmax_table = TableSpec(
        (say("walk_col_dk"), say("walk_col_h_raw"), say("walk_col_h_scaled"), say("walk_col_max_raw"),
         say("walk_col_max_scaled")),
        tuple(zip(D_KS, h_raw, h_scaled, max_raw, max_scaled)))
    steps = [
        Step(say("walk_sc_spread_title"), "q·k = Σ_c q_c·k_c      Var(q·k) = d_k      (q_c, k_c ~ N(0, 1))",
             (), say("walk_sc_spread_text", samples=SAMPLES),
             (check(worst < 0.1, "walk_check_std_root", worst=worst * 100),
              check(all(abs(s - 1) < 0.1 for s in std_scaled), "walk_check_std_one",
                    low=min(std_scaled), high=max(std_scaled))),
             (spread_table,)),
        Step(say("walk_sc_softmax_title"),
             f"H(w) = −Σ_j w_j·log w_j      0 ≤ H ≤ log {KEYS_PER_ROW} = {h_max:.3f}",
             (), say("walk_sc_softmax_text", keys=KEYS_PER_ROW, samples=SAMPLES),
             (check(all(a > b for a, b in zip(h_raw, h_raw[1:])), "walk_check_entropy_falls",
                    first=h_raw[0], last=h_raw[-1]),
              check(max(h_scaled) - min(h_scaled) < 0.15, "walk_check_entropy_steady",
                    low=min(h_scaled), high=max(h_scaled)),
              check(max_raw[-1] > max_scaled[-1], "walk_check_max_weight", dk=D_KS[-1], raw=max_raw[-1],
                    scaled=max_scaled[-1])),
             (softmax_table,)),
        Step(say("walk_sc_example_title", dk=ex_dk), f"softmax(s)    ↔    softmax(s / √{ex_dk})",
             (NamedArray("scores", ex_scores[None, :], col_labels=key_labels),
              NamedArray("weights", pair, pair_labels, key_labels)),
             say("walk_sc_example_text", dk=ex_dk, raw=float(ex_raw.max()), scaled=float(ex_scaled.max())),
             (check(abs(ex_raw.sum() - 1) < 1e-9 and abs(ex_scaled.sum() - 1) < 1e-9, "walk_check_both_rows_sum"),),
             (HeatmapSpec(pair, pair_labels, key_labels, None, say("walk_sc_example_heat")),)),
    ]
    data = {"walkthrough": "scaling", "d_k": list(D_KS), "std_dot": std_dot, "sqrt_d_k": roots,
            "std_scaled": std_scaled, "entropy_unscaled": h_raw, "entropy_scaled": h_scaled,
            "max_weight_unscaled": max_raw, "max_weight_scaled": max_scaled,
            "example_scores": ex_scores, "example_weights_unscaled": ex_raw, "example_weights_scaled": ex_scaled,
            "settings": {"seed": options.seed, "samples": SAMPLES, "keys_per_row": KEYS_PER_ROW,
                         "example_d_k": ex_dk}}
    return Walkthrough("scaling", steps, plain(data))
