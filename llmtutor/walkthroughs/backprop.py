"""`llmtutor walk backprop`: one attention layer's backward pass on the learner's sentence, step by step.

    forward:  Q, K, V (n, d_k) → S = Q·Kᵀ/√d_k → A = softmax(masked S) → O = A·V
    loss:     L = Σ O ⊙ dO, so ∂L/∂O = dO (a seeded random upstream gradient)
    backward: dV = Aᵀ·dO,  dA = dO·Vᵀ,  dS = A ⊙ (dA − rowsum(dA ⊙ A)),  dQ = dS·K/√d_k,  dK = dSᵀ·Q/√d_k

The gradients come from the training engine (`llmtutor.model.attention_layer`); every one is checked
against central differences of L (`llmtutor.model.gradcheck`), all in float64.

JSON keys: tokens, Q, K, V, weights, output, grad_output (dO), grad_V, grad_weights (dA), grad_scores
(dS, the gradient with respect to the scaled scores), grad_Q, grad_K, relative_errors, settings.
"""

from __future__ import annotations

import numpy as np

from llmtutor.attention import (causal_mask, embed_tokens, projection_weights, scaled_dot_product_attention,
                                sinusoidal_positional_encoding, softmax, tokenize)
from llmtutor.attention.seeded import standard_normal
from llmtutor.model.attention_layer import attention_backward, scaled_scores_backward
from llmtutor.model.gradcheck import numerical_gradient, relative_error
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import HeatmapSpec, NamedArray, Step, TableSpec, Walkthrough, check, listing, plain, say

AGREE = 1e-6  # a correct gradient agrees with central differences far below this in float64, a wrong one by ~1


def gradient(name: str, key: str, values: np.ndarray, *labels: tuple[str, ...]) -> NamedArray:
    """A gradient shown under its short name (dV), noting the key it has in --json (grad_V)."""
    return NamedArray(name, values, *labels, note=say("walk_bp_json_key", json_key=key))


def build(options: WalkOptions) -> Walkthrough:
    """The backprop walkthrough for `options` (text, seed, dim, dk, causal)."""
    tokens = tokenize(options.text, max_tokens=WALK_MAX_TOKENS)
    n, d, d_k, seed = len(tokens), options.dim, options.dk, options.seed
    labels = tuple(tokens)
    root = float(np.sqrt(d_k))

    x = embed_tokens(tokens, d, seed) + sinusoidal_positional_encoding(n, d)   # X (n, d)
    w_q, w_k, w_v = (projection_weights(d, d_k, seed, name) for name in ("w_q", "w_k", "w_v"))  # (d, d_k)
    q, k, v = x @ w_q, x @ w_k, x @ w_v                                        # (n, d_k) each
    mask = causal_mask(n) if options.causal else np.ones((n, n), dtype=bool)   # (n, n)
    scaled_scores = q @ k.T / root                                             # S (n, n)
    output, weights = scaled_dot_product_attention(q, k, v, mask)             # O (n, d_k), A (n, n)
    grad_output = standard_normal(seed, 14, shape=(n, d_k))                  # dO (n, d_k)

    grad_q, grad_k, grad_v = attention_backward(q, k, v, weights, grad_output)  # (n, d_k) each
    grad_weights = grad_output @ v.T                                           # dA (n, n)
    grad_scores = scaled_scores_backward(q, k, v, weights, grad_output)        # dS (n, n)

    def loss_of(q_=q, k_=k, v_=v) -> float:
        return float(np.sum(scaled_dot_product_attention(q_, k_, v_, mask)[0] * grad_output))

    nudged = {name: array.copy() for name, array in
              (("O", output), ("V", v), ("A", weights), ("S", scaled_scores), ("Q", q), ("K", k))}
    numeric = {
        "O": numerical_gradient(lambda: float(np.sum(nudged["O"] * grad_output)), nudged["O"]),
        "V": numerical_gradient(lambda: loss_of(v_=nudged["V"]), nudged["V"]),
        "A": numerical_gradient(lambda: float(np.sum((nudged["A"] @ v) * grad_output)), nudged["A"]),
        "S": numerical_gradient(lambda: float(np.sum(softmax(np.where(mask, nudged["S"], -np.inf)) @ v
                                                     * grad_output)), nudged["S"]),
        "Q": numerical_gradient(lambda: loss_of(q_=nudged["Q"]), nudged["Q"]),
        "K": numerical_gradient(lambda: loss_of(k_=nudged["K"]), nudged["K"]),
    }
    analytic = {"O": grad_output, "V": grad_v, "A": grad_weights, "S": grad_scores, "Q": grad_q, "K": grad_k}
    errors = {name: relative_error(analytic[name], numeric[name]) for name in analytic}

    def agrees(name: str, grad: str):
        return check(errors[name] < AGREE, "walk_check_numerical", name=grad, error=errors[name])

    hidden = int((~mask).sum())
    row_sums = float(np.abs(grad_scores.sum(axis=-1)).max())
    key_sum = float(np.abs(grad_k.sum(axis=0)).max())
    loss = loss_of()
    last = n - 1
    causal_checks = (
        (check(np.all(grad_scores[~mask] == 0) and hidden > 0, "walk_check_bp_masked_zero", hidden=hidden),
         check(np.allclose(grad_v[last], weights[last, last] * grad_output[last], atol=1e-12),
               "walk_check_bp_last_value", token=tokens[last]))
        if options.causal else (check(True, "walk_check_bp_nothing_masked"),))

    steps = [
        Step(say("walk_bp_forward_title"), "Q = X·W_q   K = X·W_k   V = X·W_v      (n, d_k)",
             (NamedArray("Q", q, labels), NamedArray("K", k, labels), NamedArray("V", v, labels)),
             say("walk_bp_forward_text", n=n, d=d, dk=d_k, seed=seed),
             (check(q.shape == k.shape == v.shape == (n, d_k), "walk_check_shapes", names=listing("Q", "K", "V"),
                    shape=(n, d_k)),)),
        Step(say("walk_bp_output_title"), "A = softmax(mask(Q·Kᵀ/√d_k))      O = A·V",
             (NamedArray("weights", weights, labels, labels), NamedArray("output", output, labels)),
             say("walk_bp_output_text"),
             (check(np.abs(weights.sum(-1) - 1).max() < 1e-9, "walk_check_rows_sum",
                    error=float(np.abs(weights.sum(-1) - 1).max())),
              check(np.allclose(output, weights @ v, atol=1e-12), "walk_check_bp_output")),
             (HeatmapSpec(weights, labels, labels, mask if options.causal else None, say("walk_weights_title")),)),
        Step(say("walk_bp_loss_title"), "L = Σ_i,c O[i,c]·dO[i,c]      ∂L/∂O = dO      dO: (n, d_k)",
             (gradient("dO", "grad_output", grad_output, labels),),
             say("walk_bp_loss_text", seed=seed, loss=loss),
             (check(grad_output.shape == output.shape, "walk_check_shape", name="dO", shape=(n, d_k)),
              agrees("O", "dO"))),
        Step(say("walk_bp_dv_title"), "dV = Aᵀ·dO      dV[j] = Σ_i A[i,j]·dO[i]      (n, d_k)",
             (gradient("dV", "grad_V", grad_v, labels),),
             say("walk_bp_dv_text"),
             (check(grad_v.shape == (n, d_k), "walk_check_shape", name="dV", shape=(n, d_k)), agrees("V", "dV"))
             + (causal_checks[1:] if options.causal else ())),
        Step(say("walk_bp_da_title"), "dA = dO·Vᵀ      dA[i,j] = dO[i]·V[j]      (n, n)",
             (gradient("dA", "grad_weights", grad_weights, labels, labels),),
             say("walk_bp_da_causal_text" if options.causal else "walk_bp_da_text"),
             (check(grad_weights.shape == (n, n), "walk_check_shape", name="dA", shape=(n, n)), agrees("A", "dA"))),
        Step(say("walk_bp_ds_title"), "dS = A ⊙ (dA − rowsum(dA ⊙ A))      (n, n)",
             (gradient("dS", "grad_scores", grad_scores, labels, labels),),
             say("walk_bp_ds_text"),
             (check(grad_scores.shape == (n, n), "walk_check_shape", name="dS", shape=(n, n)), agrees("S", "dS"),
              check(row_sums < 1e-9, "walk_check_bp_rows_zero", error=row_sums), causal_checks[0])),
        Step(say("walk_bp_dq_title"), f"dQ = dS·K / √d_k = dS·K / {root:.3f}      (n, d_k)",
             (gradient("dQ", "grad_Q", grad_q, labels),),
             say("walk_bp_dq_text"),
             (check(grad_q.shape == (n, d_k), "walk_check_shape", name="dQ", shape=(n, d_k)), agrees("Q", "dQ"))),
        Step(say("walk_bp_dk_title"), f"dK = dSᵀ·Q / √d_k = dSᵀ·Q / {root:.3f}      (n, d_k)",
             (gradient("dK", "grad_K", grad_k, labels),),
             say("walk_bp_dk_text"),
             (check(grad_k.shape == (n, d_k), "walk_check_shape", name="dK", shape=(n, d_k)), agrees("K", "dK"),
              check(key_sum < 1e-9, "walk_check_bp_keys_sum", error=key_sum))),
        Step(say("walk_bp_summary_title"), "O → dO → dV, dA → dS → dQ, dK",
             (),
             say("walk_bp_summary_text"),
             (check(max(errors.values()) < AGREE, "walk_check_bp_all_agree", error=max(errors.values()),
                    limit=AGREE),),
             (TableSpec((say("walk_col_gradient"), say("walk_col_shape"), say("walk_col_rel_error")),
                        tuple((grad, f"{analytic[name].shape}", f"{errors[name]:.1e}") for name, grad in
                              (("O", "dO"), ("V", "dV"), ("A", "dA"), ("S", "dS"), ("Q", "dQ"), ("K", "dK")))),)),
    ]
    data = {"walkthrough": "backprop", "tokens": tokens, "Q": q, "K": k, "V": v, "weights": weights,
            "output": output, "grad_output": grad_output, "grad_V": grad_v, "grad_weights": grad_weights,
            "grad_scores": grad_scores, "grad_Q": grad_q, "grad_K": grad_k,
            "relative_errors": {"grad_output": errors["O"], "grad_V": errors["V"], "grad_weights": errors["A"],
                                "grad_scores": errors["S"], "grad_Q": errors["Q"], "grad_K": errors["K"]},
            "settings": {"seed": seed, "dim": d, "dk": d_k, "causal": options.causal, "positions": True,
                         "loss": "sum(output * grad_output)",
                         "grad_scores": "gradient with respect to the scaled scores Q·Kᵀ/√d_k"}}
    return Walkthrough("backprop", steps, plain(data))
