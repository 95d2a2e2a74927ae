"""`llmtutor walk multi-head`: split Q, K, V into heads, attend per head, concatenate, project with W_o.

    Q = X·W_q (n, d) → split into h heads (h, n, d/h) → weights_h = softmax(Q_h·K_hᵀ / √(d/h))
      → heads_h = weights_h·V_h (h, n, d/h) → concat (n, d) → output = concat·W_o (n, d)

JSON keys: tokens, E, PE, X, W_q, W_k, W_v, W_o, Q_full, K_full, V_full (n, d), Q, K, V (h, n, d/h),
scores, scaled_scores, weights (h, n, n), mask (n, n), heads (h, n, d/h), concat, output (n, d), settings.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import (causal_mask, embed_tokens, merge_heads, multi_head_attention, projection_weights,
                                scaled_dot_product_attention, sinusoidal_positional_encoding, split_heads, tokenize)
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import HeatmapSpec, NamedArray, Step, Walkthrough, check, listing, plain, say


def build(options: WalkOptions) -> Walkthrough:
    """The multi-head walkthrough for `options` (text, seed, dim, heads, causal)."""
    tokens = tokenize(options.text, max_tokens=WALK_MAX_TOKENS)
    n, d, h, seed = len(tokens), options.dim, options.heads, options.seed
    d_head = d // h
    labels = tuple(tokens)

    embeddings = embed_tokens(tokens, d, seed)                            # E (n, d)
    positions = sinusoidal_positional_encoding(n, d)                      # PE (n, d)
    x = embeddings + positions                                            # X (n, d)
    w_q, w_k, w_v, w_o = (projection_weights(d, d, seed, name) for name in ("w_q", "w_k", "w_v", "w_o"))
    q_full, k_full, v_full = x @ w_q, x @ w_k, x @ w_v                    # (n, d) each
    q, k, v = split_heads(q_full, h), split_heads(k_full, h), split_heads(v_full, h)  # (h, n, d_head)
    scores = q @ k.swapaxes(-1, -2)                                       # (h, n, n)
    scaled_scores = scores / np.sqrt(d_head)                              # (h, n, n)
    mask = causal_mask(n) if options.causal else np.ones((n, n), dtype=bool)  # (n, n)
    heads, weights = scaled_dot_product_attention(q, k, v, mask)          # (h, n, d_head), (h, n, n)
    concat = merge_heads(heads)                                           # (n, d)
    output = concat @ w_o                                                 # (n, d)
    library_output, _ = multi_head_attention(x, w_q, w_k, w_v, w_o, h, mask=mask)

    slices_match = all(np.array_equal(q[i], q_full[:, i * d_head:(i + 1) * d_head]) for i in range(h))
    concat_match = all(np.array_equal(concat[:, i * d_head:(i + 1) * d_head], heads[i]) for i in range(h))
    row_error = float(np.abs(weights.sum(axis=-1) - 1).max())
    head_spread = float(np.abs(weights - weights[:1]).max()) if h > 1 else 0.0
    steps = [
        Step(say("walk_mh_input_title"), "X = E + PE      (n, d)",
             (NamedArray("X", x, labels),),
             say("walk_mh_input_text", n=n, d=d, h=h, dh=d_head),
             (check(x.shape == (n, d), "walk_check_shape", name="X", shape=(n, d)),)),
        Step(say("walk_mh_weights_title"), "W_q, W_k, W_v: (d, d)",
             (NamedArray("W_q", w_q), NamedArray("W_k", w_k), NamedArray("W_v", w_v)),
             say("walk_mh_weights_text", d=d, seed=seed),
             (check(w_q.shape == w_k.shape == w_v.shape == (d, d), "walk_check_shapes",
                    names=listing("W_q", "W_k", "W_v"),
                    shape=(d, d)),)),
        Step(say("walk_mh_project_title"), "Q = X·W_q    K = X·W_k    V = X·W_v      (n, d)",
             (NamedArray("Q", q_full, labels), NamedArray("K", k_full, labels), NamedArray("V", v_full, labels)),
             say("walk_mh_project_text"),
             (check(q_full.shape == (n, d), "walk_check_shapes", names=listing("Q", "K", "V"), shape=(n, d)),)),
        Step(say("walk_mh_split_title"),
             f"Q_h = Q[:, h·{d_head} : (h+1)·{d_head}]      (n, d) → ({h}, n, {d_head})",
             (NamedArray("Q (heads)", q, labels),),
             say("walk_mh_split_text", h=h, dh=d_head, d=d),
             (check(q.shape == (h, n, d_head), "walk_check_shape", name="Q (heads)", shape=(h, n, d_head)),
              check(slices_match, "walk_check_split"))),
        Step(say("walk_mh_attend_title"), f"weights_h = softmax(Q_h·K_hᵀ / √{d_head})      ({h}, n, n)",
             (NamedArray("weights", weights, labels, labels),),
             say("walk_mh_attend_text", dh=d_head),
             (check(row_error < 1e-9, "walk_check_rows_sum", error=row_error),
              check(np.all(weights[:, ~mask] == 0), "walk_check_masked_zero" if options.causal
                    else "walk_check_nothing_masked", hidden=int((~mask).sum()) * h),
              check(h == 1 or head_spread > 0, "walk_check_heads_differ", diff=head_spread)),
             (HeatmapSpec(weights, labels, labels, mask if options.causal else None, say("walk_heads_title", h=h)),)),
        Step(say("walk_mh_concat_title"), f"heads_h = weights_h·V_h ({h}, n, {d_head})  →  concat (n, {d})",
             (NamedArray("heads", heads, labels), NamedArray("concat", concat, labels)),
             say("walk_mh_concat_text", h=h, dh=d_head, d=d),
             (check(concat.shape == (n, d), "walk_check_shape", name="concat", shape=(n, d)),
              check(concat_match, "walk_check_concat"))),
        Step(say("walk_mh_output_title"), "output = concat·W_o      (n, d)·(d, d) = (n, d)",
             (NamedArray("W_o", w_o), NamedArray("output", output, labels)),
             say("walk_mh_output_text"),
             (check(output.shape == (n, d), "walk_check_shape", name="output", shape=(n, d)),
              check(np.allclose(output, library_output, atol=1e-12), "walk_check_library_mh",
                    diff=float(np.abs(output - library_output).max())))),
    ]
    data = {"walkthrough": "multi-head", "tokens": tokens, "E": embeddings, "PE": positions, "X": x,
            "W_q": w_q, "W_k": w_k, "W_v": w_v, "W_o": w_o, "Q_full": q_full, "K_full": k_full,
            "V_full": v_full, "Q": q, "K": k, "V": v, "scores": scores, "scaled_scores": scaled_scores,
            "mask": mask, "weights": weights, "heads": heads, "concat": concat, "output": output,
            "settings": {"seed": seed, "dim": d, "heads": h, "d_head": d_head, "causal": options.causal,
                         "positions": True}}
    return Walkthrough("multi-head", steps, plain(data))
