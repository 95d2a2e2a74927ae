"""`llmtutor walk positions`: the sinusoidal table, why attention needs it, and rotary positions.

Attention without positions is permutation-equivariant: shuffle the tokens and the output rows are
the same rows, shuffled. Adding PE to the embeddings makes the output depend on the order. RoPE
(Su et al. 2021) instead turns each query and key by its position, so a score q_m·k_n depends on
the offset n − m alone: the last two steps show it with the learner's own q and k.

JSON keys: tokens, PE, E, W_q, W_k, W_v, W_o, permutation, shuffled_tokens, output_no_pe,
output_no_pe_shuffled, output_pe, output_pe_shuffled, diff_no_pe, diff_pe, Q, K, Q_rope, K_rope,
rope_pair, rope_positions, rope_scores, rope_plain_score, rope_diagonal_spread, settings.
`permutation[i]` is the original position of the shuffled sentence's token i. `rope_pair` is
[query token, key token] (indices into tokens); `rope_scores[m][n]` is that query placed at
position m dotted with that key placed at position n, both rotated; `rope_diagonal_spread` is
the largest difference between two scores with the same offset n − m.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import apply_rope, embed_tokens, multi_head_attention, projection_weights
from llmtutor.attention import rotary_embedding, sinusoidal_positional_encoding
from llmtutor.attention import tokenize
from llmtutor.attention.seeded import permutation
from llmtutor.errors import TutorError
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import NamedArray, Step, ValueGridSpec, Walkthrough, check, plain, say, sentence

TABLE_ROWS = 24  # positions drawn in the picture of the table, so its waves show
ROPE_SLOTS = 6  # positions 0 … 5 at which one query and one key are placed to compare their scores


def rope_score_grid(q: np.ndarray, k: np.ndarray, slots: int) -> np.ndarray:
    """`(slots, slots)`: entry [m, n] = RoPE(q, m)·RoPE(k, n) for one query q `(d,)` and key k `(d,)`."""
    positions = np.arange(slots)
    q_at = rotary_embedding(np.tile(q, (slots, 1)), positions)            # (slots, d): q at 0 … slots-1
    k_at = rotary_embedding(np.tile(k, (slots, 1)), positions)            # (slots, d)
    return q_at @ k_at.T                                                  # (slots, slots)


def diagonal_spread(grid: np.ndarray) -> float:
    """The largest max − min over the diagonals n − m = const of a square grid."""
    size = grid.shape[0]
    return float(max(np.ptp(np.diagonal(grid, offset)) for offset in range(-size + 1, size)))


def shuffle(n: int, seed: int) -> np.ndarray:
    """A seeded permutation of range(n) that is not the identity (n >= 2)."""
    order = permutation(n, seed, 5)
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

    q, k = e @ w_q, e @ w_k                                               # (n, d) each, no PE added
    q_rope, k_rope = apply_rope(q, k)                                     # (n, d) each, row p turned by p·θ
    first, second = 0, 1                                                  # the query of token 0, the key of token 1
    grid = rope_score_grid(q[first], k[second], ROPE_SLOTS)               # (slots, slots)
    plain_score = float(q[first] @ k[second])                             # the score with no positions at all
    spread = diagonal_spread(grid)
    by_offset = [float(grid[0, offset]) for offset in range(ROPE_SLOTS)]  # one score per offset 0 … slots-1
    slots = tuple(str(p) for p in range(ROPE_SLOTS))

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
        Step(say("walk_ps_rope_title"),
             "RoPE(x, p)[2i, 2i+1] = R(p·θ_i)·(x[2i], x[2i+1]),   θ_i = 10000^(−2i/d)\n"
             "R(a) = [[cos a, −sin a], [sin a, cos a]]",
             (NamedArray("Q", q, labels), NamedArray("Q_rope", q_rope, labels), NamedArray("K_rope", k_rope, labels)),
             say("walk_ps_rope_text", d=d, pairs=d // 2),
             (check(np.allclose(q_rope[0], q[0]) and np.allclose(k_rope[0], k[0]), "walk_check_rope_row0"),
              check(np.allclose(np.linalg.norm(q_rope, axis=1), np.linalg.norm(q, axis=1)),
                    "walk_check_rope_lengths"))),
        Step(say("walk_ps_offset_title"),
             "RoPE(q, m)·RoPE(k, n) = q·R((n − m)·θ)·k",
             (NamedArray("rope_scores", grid, slots, slots, say("walk_ps_offset_note")),),
             say("walk_ps_offset_text", query=tokens[first], key_token=tokens[second], slots_last=ROPE_SLOTS - 1,
                 plain=plain_score, one=by_offset[1], two=by_offset[2]),
             (check(spread < 1e-9, "walk_check_rope_offset_only", diff=spread),
              check(np.allclose(np.diagonal(grid), plain_score), "walk_check_rope_same_slot", plain=plain_score),
              check(np.ptp(by_offset) > 1e-6, "walk_check_rope_offsets_differ", low=min(by_offset),
                    high=max(by_offset)))),
    ]
    data = {"walkthrough": "positions", "tokens": tokens, "PE": pe, "E": e, "W_q": w_q, "W_k": w_k,
            "W_v": w_v, "W_o": w_o, "permutation": order, "shuffled_tokens": shuffled,
            "output_no_pe": out_plain, "output_no_pe_shuffled": out_plain_shuffled, "output_pe": out_pe,
            "output_pe_shuffled": out_pe_shuffled, "diff_no_pe": diff_plain, "diff_pe": diff_pe,
            "Q": q, "K": k, "Q_rope": q_rope, "K_rope": k_rope, "rope_pair": [first, second],
            "rope_positions": list(range(ROPE_SLOTS)), "rope_scores": grid, "rope_plain_score": plain_score,
            "rope_diagonal_spread": spread,
            "settings": {"seed": seed, "dim": d, "heads": 1}}
    return Walkthrough("positions", steps, plain(data))
