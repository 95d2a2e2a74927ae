"""`llmtutor walk positions`: the sinusoidal table, and why attention needs it.

Attention without positions is permutation-equivariant: shuffle the tokens and the output rows are
the same rows, shuffled. Adding PE to the embeddings makes the output depend on the order.

JSON keys: tokens, PE, E, W_q, W_k, W_v, W_o, permutation, shuffled_tokens, output_no_pe,
output_no_pe_shuffled, output_pe, output_pe_shuffled, diff_no_pe, diff_pe, settings.
`permutation[i]` is the original position of the shuffled sentence's token i.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import embed_tokens, multi_head_attention, projection_weights, sinusoidal_positional_encoding
from llmtutor.attention import tokenize
from llmtutor.errors import TutorError
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import NamedArray, Step, ValueGridSpec, Walkthrough, check, plain, say, sentence

TABLE_ROWS = 24  # positions drawn in the picture of the table, so its waves show


def shuffle(n: int, seed: int) -> np.ndarray:
    """A seeded permutation of range(n) that is not the identity (n >= 2)."""
    order = np.random.default_rng([seed, 5]).permutation(n)
    return np.roll(order, 1) if np.array_equal(order, np.arange(n)) else order


def build(options: WalkOptions) -> Walkthrough:
    """The positions walkthrough for `options` (text, seed, dim)."""
    tokens = tokenize(options.text, max_tokens=WALK_MAX_TOKENS)
    n, d, seed = len(tokens), options.dim, options.seed
    if n < 2:
        raise TutorError("walk_positions_need_two")
    labels = tuple(tokens)
    order = shuffle(n, seed)                                              # (n,)
    shuffled = [tokens[i] for i in order]
    shuffled_labels = tuple(shuffled)

    table = sinusoidal_positional_encoding(max(n, TABLE_ROWS), d)         # (rows, d) for the picture
    pe = table[:n]                                                        # PE (n, d)
    e = embed_tokens(tokens, d, seed)                                     # E (n, d)
    w_q, w_k, w_v, w_o = (projection_weights(d, d, seed, name) for name in ("w_q", "w_k", "w_v", "w_o"))

    def attend(x: np.ndarray) -> np.ndarray:
        return multi_head_attention(x, w_q, w_k, w_v, w_o, 1)[0]          # (n, d)

    e_shuffled = embed_tokens(shuffled, d, seed)                          # (n, d), = e[order]
    out_plain = attend(e)                                                 # (n, d)
    out_plain_shuffled = attend(e_shuffled)                               # the shuffled sentence, no PE
    out_pe = attend(e + pe)
    out_pe_shuffled = attend(e_shuffled + pe)                             # PE belongs to the slot, not the word
    diff_plain = float(np.abs(out_plain_shuffled - out_plain[order]).max())
    diff_pe = float(np.abs(out_pe_shuffled - out_pe[order]).max())
    pairs = pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2                           # sin² + cos² per column pair

    steps = [
        Step(say("walk_ps_table_title"),
             "PE[pos, 2i] = sin(pos / 10000^(2i/d))\nPE[pos, 2i+1] = cos(pos / 10000^(2i/d))",
             (NamedArray("PE", pe, tuple(f"{t} ({i})" for i, t in enumerate(tokens))),),
             say("walk_ps_table_text", d=d, rows=table.shape[0]),
             (check(np.all(np.abs(table) <= 1), "walk_check_pe_range"),
              check(np.allclose(pe[0, 0::2], 0) and np.allclose(pe[0, 1::2], 1), "walk_check_pe_row0"),
              check(np.allclose(pairs, 1), "walk_check_pe_circle")),
             (ValueGridSpec(table, tuple(str(i) for i in range(table.shape[0])), say("walk_ps_table_heat")),)),
        Step(say("walk_ps_plain_title"), "X = E      output = Attention(X)",
             (NamedArray("E", e, labels), NamedArray("output_no_pe", out_plain, labels)),
             say("walk_ps_plain_text", seed=seed),
             (check(out_plain.shape == (n, d), "walk_check_shape", name="output_no_pe", shape=(n, d)),)),
        Step(say("walk_ps_shuffle_title"), "Attention(P·E) = P·Attention(E)",
             (NamedArray("output_no_pe_shuffled", out_plain_shuffled, shuffled_labels),
              NamedArray("output_no_pe[perm]", out_plain[order], shuffled_labels)),
             say("walk_ps_shuffle_text", original=sentence(tokens), shuffled=sentence(shuffled)),
             (check(diff_plain < 1e-9, "walk_check_permuted_same", diff=diff_plain),)),
        Step(say("walk_ps_with_title"), "X = E + PE      Attention(P·E + PE) ≠ P·Attention(E + PE)",
             (NamedArray("output_pe_shuffled", out_pe_shuffled, shuffled_labels),
              NamedArray("output_pe[perm]", out_pe[order], shuffled_labels)),
             say("walk_ps_with_text"),
             (check(diff_pe > 1e-6, "walk_check_permuted_differs", diff=diff_pe),)),
    ]
    data = {"walkthrough": "positions", "tokens": tokens, "PE": pe, "E": e, "W_q": w_q, "W_k": w_k,
            "W_v": w_v, "W_o": w_o, "permutation": order, "shuffled_tokens": shuffled,
            "output_no_pe": out_plain, "output_no_pe_shuffled": out_plain_shuffled, "output_pe": out_pe,
            "output_pe_shuffled": out_pe_shuffled, "diff_no_pe": diff_plain, "diff_pe": diff_pe,
            "settings": {"seed": seed, "dim": d, "heads": 1}}
    return Walkthrough("positions", steps, plain(data))
