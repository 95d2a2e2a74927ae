"""`llmtutor walk masks`: one sentence under a bidirectional (BERT) and a causal (GPT) mask.

Both use the same Q, K and V; only the mask differs, and with it what each token may see and
what the model can be trained to do (fill in a masked word, or predict the next one).

JSON keys: tokens, X, W_q, W_k, W_v, Q, K, V, scaled_scores, mask_bidirectional, mask_causal,
weights_bidirectional, weights_causal, output_bidirectional, output_causal, sees_bidirectional,
sees_causal (per token, the tokens it may attend), settings.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import (causal_mask, embed_tokens, projection_weights, scaled_dot_product_attention,
                                sinusoidal_positional_encoding, tokenize)
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import (HeatmapSpec, NamedArray, Step, TableSpec, Walkthrough, check, plain, say,
                                         sentence)


def sees(tokens: list[str], mask: np.ndarray) -> list[list[str]]:
    """For each query token, the tokens its row of `mask` (n, n) lets it attend."""
    return [[tokens[j] for j in np.flatnonzero(row)] for row in mask]


def build(options: WalkOptions) -> Walkthrough:
    """The masks walkthrough for `options` (text, seed, dim, dk)."""
    tokens = tokenize(options.text, max_tokens=WALK_MAX_TOKENS)
    n, d, d_k, seed = len(tokens), options.dim, options.dk, options.seed
    labels = tuple(tokens)

    x = embed_tokens(tokens, d, seed) + sinusoidal_positional_encoding(n, d)   # X (n, d)
    w_q, w_k, w_v = (projection_weights(d, d_k, seed, name) for name in ("w_q", "w_k", "w_v"))  # (d, d_k)
    q, k, v = x @ w_q, x @ w_k, x @ w_v                                        # (n, d_k) each
    scaled_scores = q @ k.T / np.sqrt(d_k)                                     # (n, n)
    both_ways = np.ones((n, n), dtype=bool)                                    # BERT: every key
    causal = causal_mask(n)                                                    # GPT: j <= i
    out_both, w_both = scaled_dot_product_attention(q, k, v, both_ways)        # (n, d_k), (n, n)
    out_causal, w_causal = scaled_dot_product_attention(q, k, v, causal)

    sees_both, sees_causal = sees(tokens, both_ways), sees(tokens, causal)
    error_both = float(np.abs(w_both.sum(-1) - 1).max())
    error_causal = float(np.abs(w_causal.sum(-1) - 1).max())
    hidden = n * (n - 1) // 2
    pick = 1 if n > 1 else 0  # the token BERT is asked to fill in
    blanked = sentence("[MASK]" if i == pick else token for i, token in enumerate(tokens))

    def sees_table(lists: list[list[str]]) -> TableSpec:
        return TableSpec((say("walk_col_token"), say("walk_col_sees")),
                         tuple((token, sentence(seen)) for token, seen in zip(tokens, lists)))

    steps = [
        Step(say("walk_mk_scores_title"), "S = Q·Kᵀ / √d_k      (n, n)",
             (NamedArray("scaled_scores", scaled_scores, labels, labels),),
             say("walk_mk_scores_text", n=n, dk=d_k, seed=seed),
             (check(scaled_scores.shape == (n, n), "walk_check_shape", name="scaled_scores", shape=(n, n)),)),
        Step(say("walk_mk_both_title"), say("walk_f_mk_both"),
             (NamedArray("weights_bidirectional", w_both, labels, labels),),
             say("walk_mk_both_text"),
             (check(error_both < 1e-9, "walk_check_rows_sum", error=error_both),
              check(np.all(w_both > 0), "walk_check_all_positive")),
             (HeatmapSpec(w_both, labels, labels, None, say("walk_mk_both_heat")), sees_table(sees_both))),
        Step(say("walk_mk_causal_title"), "mask[i,j] = (j ≤ i)      weights = softmax(where(mask, S, −∞))",
             (NamedArray("mask_causal", causal.astype(np.int8), labels, labels, note=say("walk_mask_note")),
              NamedArray("weights_causal", w_causal, labels, labels)),
             say("walk_mk_causal_text"),
             (check(error_causal < 1e-9, "walk_check_rows_sum", error=error_causal),
              check(np.all(w_causal[~causal] == 0), "walk_check_masked_zero", hidden=hidden),
              check(w_causal[0, 0] == 1.0, "walk_check_first_sees_itself", token=tokens[0]),
              check(np.allclose(w_causal[-1], w_both[-1]), "walk_check_last_row_same", token=tokens[-1])),
             (HeatmapSpec(w_causal, labels, labels, causal, say("walk_mk_causal_heat")), sees_table(sees_causal))),
        Step(say("walk_mk_compare_title"), "BERT: P(x_i | x_≠i)      GPT: P(x_i | x_<i)",
             (),
             say("walk_mk_compare_text", blanked=blanked, answer=tokens[pick],
                 prefix=sentence(tokens[:pick]) or "∅", following=tokens[pick]),
             (check(np.allclose(out_causal[-1], out_both[-1]), "walk_check_last_output_same", token=tokens[-1]),
              check(n == 1 or not np.allclose(out_causal[0], out_both[0]), "walk_check_first_output_differs",
                    token=tokens[0])),
             (HeatmapSpec(w_both, labels, labels, None, say("walk_mk_both_heat")),
              HeatmapSpec(w_causal, labels, labels, causal, say("walk_mk_causal_heat")))),
    ]
    data = {"walkthrough": "masks", "tokens": tokens, "X": x, "W_q": w_q, "W_k": w_k, "W_v": w_v,
            "Q": q, "K": k, "V": v, "scaled_scores": scaled_scores, "mask_bidirectional": both_ways,
            "mask_causal": causal, "weights_bidirectional": w_both, "weights_causal": w_causal,
            "output_bidirectional": out_both, "output_causal": out_causal,
            "sees_bidirectional": sees_both, "sees_causal": sees_causal,
            "settings": {"seed": seed, "dim": d, "dk": d_k, "positions": True}}
    return Walkthrough("masks", steps, plain(data))
