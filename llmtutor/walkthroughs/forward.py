"""`llmtutor walk forward`: one forward pass of the shipped course model on the learner's text, box by box.

    tokens = BPE(text)                                      (n,)
    x₀ = W_E[tokens] + W_P[0 … n−1]                          (n, d)
    for each layer ℓ (pre-LN):
        A = softmax(Q·Kᵀ/√d_k + causal mask), per head        (h, n, n)
        x = x + concat(A·V)·W_O                              (n, d)  the residual stream
        x = x + GELU(LN₂(x)·W_1 + b_1)·W_2 + b_2              (n, d)
    logits = LN_f(x)·W_Eᵀ                                    (n, V)  tied embeddings
    p = softmax(logits[n−1])                                 (V,)    the next token

Every array comes from the engine's incremental pass (`llmtutor.model.generation.forward_pass`, the
one `generate` runs) and is checked against the model's own `forward`; the top five equal
`generate`'s first greedy step.

JSON keys: walkthrough, model, text, tokens (as shown), token_ids, embeddings, positions, x0,
layers (per layer: ln_1, Q, K, V, weights, attention_out, after_attention, ln_2, mlp_hidden, mlp_out,
after_mlp), final, logits (the last position's), probabilities, top (token, id, probability),
residual_norms, checks, settings.
"""

from __future__ import annotations

import numpy as np

from llmtutor.errors import TutorError
from llmtutor.walkthroughs.registry import WALK_MAX_TOKENS, WalkOptions
from llmtutor.walkthroughs.steps import (BarsSpec, HeatmapSpec, NamedArray, Step, TableSpec, Walkthrough, check,
                                         listing, plain, say)

TOP = 5
AGREE = 1e-4  # the incremental pass and Transformer.forward, both float32, agree far below this


def text_tokens(text_model, text: str) -> list[int]:
    """The text's BPE ids; TutorError (exit 2) if it is empty or has more tokens than a walkthrough shows."""
    if not text.strip():
        raise TutorError("text_empty")
    ids = text_model.encode(text)
    limit = min(WALK_MAX_TOKENS, text_model.n_ctx)
    if len(ids) > limit:
        raise TutorError("walk_forward_too_long", count=len(ids), limit=limit)
    return ids


def build(options: WalkOptions) -> Walkthrough:
    """The forward walkthrough of the shipped course model for `options.text`."""
    from llmtutor.model.generation import (KVCache, Sampling, Trace, cache_bytes_per_token, forward_pass,
                                           generate, next_token_probabilities, top_tokens)
    from llmtutor.model.text_model import load_text_model

    text_model = load_text_model()
    model, config = text_model.model, text_model.model.config
    ids = text_tokens(text_model, options.text)
    n, d, h, V = len(ids), config.d_model, config.n_heads, config.vocab_size
    d_k = d // h
    labels = tuple(text_model.token_text(i) for i in ids)

    trace = Trace()
    cache = KVCache(model)
    logits_all = forward_pass(model, ids, cache, all_logits=True, trace=trace)  # (n, V)
    logits = logits_all[-1]  # (V,)
    probabilities = next_token_probabilities(logits, Sampling(temperature=0))  # softmax, float64 (V,)
    top = top_tokens(probabilities, TOP)
    reference = model.forward(np.asarray(ids))  # (n, V) the engine's own full pass
    reference_weights = model.attention_weights()  # per layer (1, h, n, n)
    first_step = next(generate(model, ids, 1, Sampling(temperature=0), top=TOP))
    forward_error = float(np.abs(logits_all - reference).max())

    steps = [_tokens_step(text_model, options.text, ids, labels)]
    x0 = trace.embeddings + trace.positions  # (n, d)
    steps.append(Step(
        say("walk_fw_embed_title"), "x₀ = W_E[tokens] + W_P[0 … n−1]      (n, d)",
        (NamedArray("W_E[tokens]", trace.embeddings, labels), NamedArray("W_P[:n]", trace.positions, labels),
         NamedArray("x₀", x0, labels)),
        say("walk_fw_embed_text", V=V, d=d, n_ctx=config.n_ctx),
        (check(x0.shape == (n, d), "walk_check_shape", name="x₀", shape=(n, d)),
         check(np.array_equal(trace.embeddings, model.embed.params["W_E"][ids]), "walk_check_fw_rows", n=n))))
    stream = x0
    for index, layer in enumerate(trace.layers):
        steps += _layer_steps(index, layer, stream, labels, reference_weights[index][0], h, d_k, config.d_mlp)
        stream = layer.after_mlp
    norms = np.stack([np.linalg.norm(x0, axis=-1)] + [np.linalg.norm(layer.after_mlp, axis=-1)
                                                       for layer in trace.layers], axis=1)  # (n, layers + 1)
    steps.append(Step(
        say("walk_fw_stream_title"), say("walk_fw_stream_formula", columns=config.n_layers + 1),
        (), say("walk_fw_stream_text", layers=config.n_layers),
        (check(norms.shape == (n, config.n_layers + 1), "walk_check_shape", name="‖x‖",
               shape=(n, config.n_layers + 1)),),
        (TableSpec((say("walk_fw_col_token"), say("walk_fw_col_embedded"),
                    *(say("walk_fw_col_layer", layer=i + 1) for i in range(config.n_layers))),
                   tuple((label, *(float(v) for v in row)) for label, row in zip(labels, norms)), decimals=2),)))
    final = trace.final  # (n, d)
    x_hat = (final - model.ln_f.params["beta"]) / model.ln_f.params["gamma"]  # undo γ and β  (n, d)
    steps.append(Step(
        say("walk_fw_final_title"), "LN_f(x) = (x − μ)/√(σ² + ε)·γ + β      (n, d)",
        (NamedArray("LN_f(x)", final, labels),),
        say("walk_fw_final_text"),
        (check(final.shape == (n, d), "walk_check_shape", name="LN_f(x)", shape=(n, d)),
         check(np.abs(x_hat.mean(-1)).max() < 1e-3 and np.abs(x_hat.var(-1) - 1).max() < 1e-2,
               "walk_check_fw_normalised"))))
    top_logits = np.argsort(-logits, kind="stable")[:10]
    steps.append(Step(
        say("walk_fw_logits_title"),
        "logits = LN_f(x)·W_Eᵀ      (n, d)·(d, V) = (n, V)" if model.unembed is None
        else "logits = LN_f(x)·W_U + b_U      (n, d)·(d, V) = (n, V)",
        (NamedArray("logits[n−1]", logits, (labels[-1],)),),
        say("walk_fw_logits_text", V=V, n=n, token=labels[-1]),
        (check(logits_all.shape == (n, V), "walk_check_shape", name="logits", shape=(n, V)),
         check(forward_error < AGREE, "walk_check_fw_engine", error=forward_error)),
        (TableSpec((say("walk_fw_col_token"), say("walk_fw_col_id"), say("walk_fw_col_logit")),
                   tuple((text_model.token_text(i), int(i), float(logits[i])) for i in top_logits),
                   title=say("walk_fw_top_logits"), decimals=2, marked_row=0),)))
    row_error = float(abs(probabilities.sum() - 1))
    same_as_generate = ([i for i, _ in first_step.top] == [i for i, _ in top]  # the same tokens, in order,
                        and all(abs(p - q) < 1e-6 for (_, p), (_, q) in zip(first_step.top, top)))  # float32 rounding apart
    steps.append(Step(
        say("walk_fw_softmax_title"), "p = softmax(logits[n−1])      (V,)",
        (NamedArray("p", probabilities.astype(np.float32), (labels[-1],)),),
        say("walk_fw_softmax_text", token=text_model.token_text(top[0][0]), p=top[0][1] * 100),
        (check(row_error < 1e-9, "walk_check_fw_sums", error=row_error),
         check(probabilities.shape == (V,), "walk_check_shape", name="p", shape=(V,)),
         check(same_as_generate, "walk_check_fw_generate", token=text_model.token_text(first_step.token))),
        (BarsSpec(tuple(text_model.token_text(i) for i, _ in top), tuple(p * 100 for _, p in top), "%",
                  say("walk_fw_top_title", k=TOP), decimals=1),)))
    per_token = cache_bytes_per_token(model)
    steps.append(_cache_step(model, ids, cache, top[0][0], per_token, n))

    data = {
        "walkthrough": "forward", "model": text_model.name, "text": options.text, "tokens": list(labels),
        "token_ids": list(ids), "embeddings": trace.embeddings, "positions": trace.positions, "x0": x0,
        "layers": [{"ln_1": layer.ln_1, "Q": layer.Q, "K": layer.K, "V": layer.V, "weights": layer.weights,
                    "attention_out": layer.attention_out, "after_attention": layer.after_attention,
                    "ln_2": layer.ln_2, "mlp_hidden": layer.mlp_hidden, "mlp_out": layer.mlp_out,
                    "after_mlp": layer.after_mlp} for layer in trace.layers],
        "final": final, "logits": logits, "probabilities": probabilities,
        "top": [{"token": text_model.token_text(i), "id": i, "probability": p} for i, p in top],
        "residual_norms": norms,
        "checks": {"matches_engine_forward": forward_error < AGREE, "max_difference": forward_error,
                   "matches_generate_first_step": same_as_generate},
        "settings": {"model": text_model.name, "layers": config.n_layers, "heads": h, "d_model": d,
                     "d_mlp": config.d_mlp, "vocab_size": V, "context": config.n_ctx,
                     "kv_cache_bytes_per_token": per_token},
    }
    return Walkthrough("forward", steps, plain(data))


def _tokens_step(text_model, text: str, ids: list[int], labels: tuple[str, ...]) -> Step:
    n = len(ids)
    parts = [text_model.tokenizer.token_bytes(i) for i in ids]
    split_characters = sum(1 for part in parts if _cuts_a_character(part))
    return Step(
        say("walk_fw_tokens_title"), "tokens = BPE(text)      (n,)",
        (NamedArray("tokens", np.asarray(ids), ("id",), labels),),
        say("walk_fw_tokens_text", n=n, V=text_model.vocab_size, chars=len(text), split=split_characters),
        (check(text_model.decode(ids) == text, "walk_check_fw_roundtrip"),
         check(len(ids) == n, "walk_check_token_count", n=n)),
        (TableSpec((say("walk_fw_col_position"), say("walk_fw_col_token"), say("walk_fw_col_id"),
                    say("walk_fw_col_bytes")),
                   tuple((position, label, int(i), len(part))
                         for position, (label, i, part) in enumerate(zip(labels, ids, parts))), decimals=0),))


def _cuts_a_character(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return True


def _layer_steps(index: int, layer, stream: np.ndarray, labels: tuple[str, ...], reference_weights: np.ndarray,
                 h: int, d_k: int, d_mlp: int) -> list[Step]:
    n, d = stream.shape
    number = index + 1
    mask = np.tril(np.ones((n, n), dtype=bool))  # (n, n) causal: each token sees itself and the past
    weights = layer.weights  # (h, n, n)
    row_error = float(np.abs(weights.sum(-1) - 1).max())
    engine_error = float(np.abs(weights - reference_weights).max())
    head_note = say("walk_fw_head_one", h=h, shape=f"({h}, {n}, {d_k})")
    projection_step = Step(
        say("walk_fw_qkv_title", layer=number),
        f"Q, K, V = LN₁(x)·W_Q, LN₁(x)·W_K, LN₁(x)·W_V      (n, {d}) → ({h}, n, {d_k})",
        (NamedArray("LN₁(x)", layer.ln_1, labels),
         NamedArray("Q[0]", layer.Q[0], labels, note=head_note), NamedArray("K[0]", layer.K[0], labels, note=head_note),
         NamedArray("V[0]", layer.V[0], labels, note=head_note)),
        say("walk_fw_qkv_text", layer=number, h=h, dk=d_k, d=d),
        (check(layer.Q.shape == layer.K.shape == layer.V.shape == (h, n, d_k), "walk_check_shapes",
               names=listing("Q", "K", "V"), shape=(h, n, d_k)),))
    attention_step = Step(
        say("walk_fw_attention_title", layer=number),
        f"A = softmax(Q·Kᵀ/√{d_k} + causal mask)  ({h}, n, n)    concat(A·V)·W_O  (n, {d})",
        (NamedArray("concat(A·V)·W_O", layer.attention_out, labels),),
        say("walk_fw_attention_text", layer=number, h=h, dk=d_k),
        (check(weights.shape == (h, n, n), "walk_check_shape", name="A", shape=(h, n, n)),
         check(row_error < 1e-5, "walk_check_rows_sum", error=row_error),
         check(np.all(weights[:, ~mask] == 0), "walk_check_masked_zero", hidden=int((~mask).sum()) * h),
         check(engine_error < AGREE, "walk_check_fw_attention_engine", error=engine_error)),
        (HeatmapSpec(weights, labels, labels, mask, say("walk_fw_heads_title", layer=number, h=h)),))
    residual_error = float(np.abs(layer.after_mlp - (stream + layer.attention_out + layer.mlp_out)).max())
    mlp_step = Step(
        say("walk_fw_mlp_title", layer=number),
        f"x = x + attention;  x = x + GELU(LN₂(x)·W_1 + b_1)·W_2 + b_2      (n, {d}) → (n, {d_mlp}) → (n, {d})",
        (NamedArray("x + attn", layer.after_attention, labels),
         NamedArray("GELU(LN₂(x)·W_1 + b_1)", layer.mlp_hidden, labels),
         NamedArray("MLP(x)", layer.mlp_out, labels), NamedArray(f"x_{number}", layer.after_mlp, labels)),
        say("walk_fw_mlp_text", layer=number, d=d, dmlp=d_mlp),
        (check(layer.mlp_hidden.shape == (n, d_mlp), "walk_check_shape", name="GELU(…)", shape=(n, d_mlp)),
         check(residual_error < 1e-5, "walk_check_fw_residual", error=residual_error)))
    return [projection_step, attention_step, mlp_step]


def _cache_step(model, ids: list[int], cache, next_token: int, per_token: int, n: int) -> Step:
    """What generate does next: one token read against the cached keys and values, checked against a full pass."""
    from llmtutor.model.generation import forward_pass

    can_extend = cache.length < cache.capacity
    if can_extend:
        incremental = forward_pass(model, [next_token], cache)  # (V,)
        full = model.forward(np.asarray(ids + [next_token]))[-1]
        error = float(np.abs(incremental - full).max())
        checks = (check(error < AGREE, "walk_check_fw_cache", error=error),)
    else:
        checks = ()
    return Step(
        say("walk_fw_cache_title"), "K, V: (h, n, d_k) → (h, n + 1, d_k)",
        (), say("walk_fw_cache_text", per_token=per_token, n=n, total=per_token * n / 1024,
                layers=model.config.n_layers), checks)
