"""`llmtutor walk self-attention`: one head of attention over the learner's sentence, step by step.

    tokens → X = E + PE → Q = X·W_q, K = X·W_k, V = X·W_v → scores = Q·Kᵀ → scaled = scores / √d_k
           → masked (hidden keys -inf) → weights = softmax(masked) → output = weights·V

JSON keys: tokens, E, PE, X, W_q, W_k, W_v, Q, K, V, scores, scaled_scores, mask, masked_scores,
weights, output, settings. `scaled_scores` is scores / √d_k everywhere (before the mask);
`masked_scores` is the same with null where the mask is False (-inf before the softmax).
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import (causal_mask, embed_tokens, projection_weights, scaled_dot_product_attention,
                                sinusoidal_positional_encoding, softmax, tokenize)
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import HeatmapSpec, NamedArray, Step, Walkthrough, check, listing, plain, say


def build(options: WalkOptions) -> Walkthrough:
    """The self-attention walkthrough for `options` (text, seed, dim, dk, causal)."""
    tokens = tokenize(options.text, max_tokens=WALK_MAX_TOKENS)
    n, d, d_k, seed = len(tokens), options.dim, options.dk, options.seed
    labels = tuple(tokens)

    embeddings = embed_tokens(tokens, d, seed)                        # E (n, d)
    positions = sinusoidal_positional_encoding(n, d)                  # PE (n, d)
    x = embeddings + positions                                        # X (n, d)
    w_q = projection_weights(d, d_k, seed, "w_q")                     # (d, d_k)
    w_k = projection_weights(d, d_k, seed, "w_k")                     # (d, d_k)
    w_v = projection_weights(d, d_k, seed, "w_v")                     # (d, d_k)
    q, k, v = x @ w_q, x @ w_k, x @ w_v                               # (n, d_k) each
    scores = q @ k.T                                                  # (n, n)
    scaled_scores = scores / np.sqrt(d_k)                             # (n, n)
    mask = causal_mask(n) if options.causal else np.ones((n, n), dtype=bool)  # (n, n)
    masked_scores = np.where(mask, scaled_scores, -np.inf)            # (n, n)
    weights = softmax(masked_scores, axis=-1)                         # (n, n), rows sum to 1
    output = weights @ v                                              # (n, d_k)
    library_output, _ = scaled_dot_product_attention(q, k, v, mask)   # the same, computed by the library

    hidden = int((~mask).sum())
    row_error = float(np.abs(weights.sum(axis=-1) - 1).max())
    steps = [
        Step(say("walk_sa_tokens_title"), "tokens = tokenize(text)",
             (NamedArray("tokens", np.array(tokens, dtype=object)),),
             say("walk_sa_tokens_text", n=n),
             (check(True, "walk_check_token_count", n=n),)),
        Step(say("walk_sa_embed_title"), "X = E + PE      E: (n, d)   PE: (n, d)",
             (NamedArray("E", embeddings, labels), NamedArray("PE", positions, labels), NamedArray("X", x, labels)),
             say("walk_sa_embed_text", seed=seed, d=d),
             (check(x.shape == (n, d), "walk_check_shape", name="X", shape=(n, d)),
              check(np.allclose(positions[0, 0::2], 0) and np.allclose(positions[0, 1::2], 1),
                    "walk_check_pe_row0"))),
        Step(say("walk_sa_weights_title"), "W_q, W_k, W_v: (d, d_k)",
             (NamedArray("W_q", w_q), NamedArray("W_k", w_k), NamedArray("W_v", w_v)),
             say("walk_sa_weights_text", d=d, dk=d_k, seed=seed),
             tuple(check(w.shape == (d, d_k), "walk_check_shape", name=name, shape=(d, d_k))
                   for name, w in (("W_q", w_q), ("W_k", w_k), ("W_v", w_v)))),
        Step(say("walk_sa_qkv_title"), "Q = X·W_q    K = X·W_k    V = X·W_v",
             (NamedArray("Q", q, labels), NamedArray("K", k, labels), NamedArray("V", v, labels)),
             say("walk_sa_qkv_text"),
             (check(q.shape == k.shape == v.shape == (n, d_k), "walk_check_shapes", names=listing("Q", "K", "V"),
                    shape=(n, d_k)),)),
        Step(say("walk_sa_scores_title"), "scores = Q·Kᵀ      scores[i,j] = Σ_c Q[i,c]·K[j,c]",
             (NamedArray("scores", scores, labels, labels),),
             say("walk_sa_scores_text"),
             (check(scores.shape == (n, n), "walk_check_shape", name="scores", shape=(n, n)),
              check(np.allclose(scores, np.einsum("ic,jc->ij", q, k)), "walk_check_dot_products"))),
        Step(say("walk_sa_scale_title"), f"scaled_scores = scores / √d_k = scores / {np.sqrt(d_k):.3f}",
             (NamedArray("scaled_scores", scaled_scores, labels, labels),),
             say("walk_sa_scale_text", dk=d_k, root=np.sqrt(d_k)),
             (check(np.allclose(scaled_scores * np.sqrt(d_k), scores), "walk_check_scaled",
                    before=float(scores.std()), after=float(scaled_scores.std())),)),
        Step(say("walk_sa_mask_title"), "masked[i,j] = scaled_scores[i,j] if mask[i,j] else −∞",
             (NamedArray("mask", mask.astype(np.int8), labels, labels, note=say("walk_mask_note")),
              NamedArray("masked_scores", masked_scores, labels, labels)),
             say("walk_sa_mask_causal_text" if options.causal else "walk_sa_mask_none_text"),
             (check(hidden == (n * (n - 1) // 2 if options.causal else 0), "walk_check_hidden",
                    hidden=hidden, total=n * n),)),
        Step(say("walk_sa_softmax_title"), "weights[i,j] = exp(masked[i,j]) / Σ_k exp(masked[i,k])",
             (NamedArray("weights", weights, labels, labels),),
             say("walk_sa_softmax_text"),
             (check(row_error < 1e-9, "walk_check_rows_sum", error=row_error),
              check(np.all(weights[~mask] == 0), "walk_check_masked_zero" if hidden else "walk_check_nothing_masked",
                    hidden=hidden),
              check(np.all((weights >= 0) & (weights <= 1)), "walk_check_in_unit")),
             (HeatmapSpec(weights, labels, labels, mask if options.causal else None, say("walk_weights_title")),)),
        Step(say("walk_sa_output_title"), "output = weights·V      output[i] = Σ_j weights[i,j]·V[j]",
             (NamedArray("output", output, labels),),
             say("walk_sa_output_text"),
             (check(output.shape == (n, d_k), "walk_check_shape", name="output", shape=(n, d_k)),
              check(np.allclose(output, library_output, atol=1e-12), "walk_check_library",
                    diff=float(np.abs(output - library_output).max())),
              check(np.all((output >= v.min(axis=0) - 1e-12) & (output <= v.max(axis=0) + 1e-12)),
                    "walk_check_average"))),
    ]
    data = {"walkthrough": "self-attention", "tokens": tokens, "E": embeddings, "PE": positions, "X": x,
            "W_q": w_q, "W_k": w_k, "W_v": w_v, "Q": q, "K": k, "V": v, "scores": scores,
            "scaled_scores": scaled_scores, "mask": mask, "masked_scores": masked_scores, "weights": weights,
            "output": output,
            "settings": {"seed": seed, "dim": d, "dk": d_k, "causal": options.causal, "positions": True,
                         "masked_scores": "null where mask is false (-inf before the softmax)"}}
    return Walkthrough("self-attention", steps, plain(data))
