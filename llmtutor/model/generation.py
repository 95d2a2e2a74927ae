"""Writing text one token at a time with a causal Transformer: a KV cache, and the choice of the next token.

A causal model's position i depends only on positions ≤ i, so after reading a prompt nothing it
computed for those positions changes when a token is added. The KV cache keeps, per layer, the
keys and values of every position read so far; each new token then costs one row of work:

    prefill:  read the prompt once, keep K, V              per layer (h, n, d_k)
    step:     x = W_E[t] + W_P[n]                          (1, d)
              q, k, v = LN₁(x)·W_Q, ·W_K, ·W_V             per head (1, d_k); k, v appended to the cache
              A = softmax(q·K[:n+1]ᵀ/√d_k)                 (h, 1, n+1): the new token sees everything before it
              …the MLP, the final LayerNorm, logits        (V,)

The last position's logits equal the full forward pass's on the same tokens (tests check it to
float32 rounding). `forward_pass` is that incremental pass; it reads the model's parameters and
never touches the state a model keeps for its backward pass, so it may run between training steps.

Choosing the next token from the logits (`next_token_probabilities`, `choose`):

    repetition penalty ρ: a logit of a token already in the text is divided by ρ (Keskar et al. 2019,
        CTRL) if positive, and multiplied by ρ if negative, so that it always goes down (as Hugging
        Face's implementation does; dividing a negative logit would raise it); ρ = 1: no change
    temperature T: p = softmax(logits / T); T → 0 is greedy (always the most probable token)
    top-k: keep the k most probable tokens, set the rest to 0, renormalise

A seeded `numpy.random.Generator` draws the token, so the same seed and settings give the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from llmtutor.attention import merge_heads, scaled_dot_product_attention, split_heads
from llmtutor.model.transformer import Transformer


# ---------------------------------------------------------------------------- the KV cache

class KVCache:
    """Per layer, the keys and values of the positions read so far: `(h, n_ctx, d_k)` each, filled to `length`."""

    def __init__(self, model: Transformer) -> None:
        config = model.config
        d_k = config.d_model // config.n_heads
        shape = (config.n_heads, config.n_ctx, d_k)
        self.keys = [np.zeros(shape, dtype=model.dtype) for _ in model.blocks]
        self.values = [np.zeros(shape, dtype=model.dtype) for _ in model.blocks]
        self.length = 0  # positions read
        self.capacity = config.n_ctx

    def nbytes(self) -> int:
        """Memory the cache holds (all n_ctx positions): 2 · layers · h · n_ctx · d_k numbers."""
        return sum(array.nbytes for array in self.keys + self.values)


@dataclass
class LayerTrace:
    """What one block computed for the positions just read (for `walk forward`)."""

    ln_1: np.ndarray  # (m, d) LayerNorm₁ of the residual stream
    Q: np.ndarray  # (h, m, d_k)
    K: np.ndarray  # (h, L, d_k) every key so far
    V: np.ndarray  # (h, L, d_k)
    weights: np.ndarray  # (h, m, L) attention, each row summing to 1
    attention_out: np.ndarray  # (m, d) concat(O)·W_O, added to the stream
    after_attention: np.ndarray  # (m, d) the residual stream after x + attention
    ln_2: np.ndarray  # (m, d)
    mlp_hidden: np.ndarray  # (m, d_mlp) activation(x·W_1 + b_1)
    mlp_out: np.ndarray  # (m, d)
    after_mlp: np.ndarray  # (m, d) the residual stream leaving the block


@dataclass
class Trace:
    """Every intermediate array of one `forward_pass`, in the order the diagram draws them."""

    embeddings: np.ndarray | None = None  # (m, d) W_E[tokens]
    positions: np.ndarray | None = None  # (m, d) W_P[positions] (zeros if the model has none)
    layers: list[LayerTrace] = field(default_factory=list)
    final: np.ndarray | None = None  # (m, d) the final LayerNorm


def _layer_norm(layer, x: np.ndarray) -> np.ndarray:
    """LayerNorm with `layer`'s γ, β and ε, without keeping anything for a backward pass."""
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + layer.eps) * layer.params["gamma"] + layer.params["beta"]


def _position_rows(model: Transformer, start: int, stop: int, like: np.ndarray) -> np.ndarray:
    """The position vectors of positions start … stop − 1: `(stop − start, d)`."""
    if model.positions is None:
        return np.zeros_like(like)
    if "W_P" in model.positions.params:
        return model.positions.params["W_P"][start:stop]
    return model.positions.table[start:stop]


def _logits(model: Transformer, final: np.ndarray) -> np.ndarray:
    if model.unembed is None:
        return final @ model.embed.params["W_E"].T  # tied: the embedding read backwards
    return final @ model.unembed.params["W"] + model.unembed.params["b"]


def forward_pass(model: Transformer, tokens, cache: KVCache, *, all_logits: bool = False,
                 trace: Trace | None = None) -> np.ndarray:
    """Read `tokens` `(m,)` after the `cache.length` positions already in `cache`, and add their keys and values.

    Returns the logits of the last token `(V,)`, or of every token read `(m, V)` with `all_logits`.
    With `trace`, every intermediate array is recorded in it. ValueError if the model is not causal
    (its earlier positions would change with every new token) or the tokens overflow the context.
    """
    if not model.config.causal:
        raise ValueError("a KV cache needs a causal model: without the mask, old positions see new tokens")
    tokens = np.asarray(tokens, dtype=np.int64).reshape(-1)
    start, m = cache.length, len(tokens)
    stop = start + m
    if m == 0:
        raise ValueError("forward_pass needs at least one token")
    if stop > cache.capacity:
        raise ValueError(f"{stop} positions is more than the model's context of {cache.capacity}")
    h = model.config.n_heads
    embeddings = model.embed.params["W_E"][tokens]  # (m, d)
    positions = _position_rows(model, start, stop, embeddings)  # (m, d)
    x = embeddings + positions  # (m, d), the residual stream
    if trace is not None:
        trace.embeddings, trace.positions = embeddings, positions
    # query i (position start + i) may see keys 0 … start + i
    mask = None if m == 1 else np.tri(m, stop, k=start, dtype=bool)  # (m, stop)
    for index, block in enumerate(model.blocks):
        p = block.attn.params
        normed = _layer_norm(block.ln_1, x)  # (m, d)
        q = split_heads(normed @ p["W_Q"], h)  # (h, m, d_k)
        cache.keys[index][:, start:stop] = split_heads(normed @ p["W_K"], h)
        cache.values[index][:, start:stop] = split_heads(normed @ p["W_V"], h)
        keys, values = cache.keys[index][:, :stop], cache.values[index][:, :stop]  # (h, stop, d_k)
        out, weights = scaled_dot_product_attention(q, keys, values, mask)  # (h, m, d_k), (h, m, stop)
        attention_out = merge_heads(out) @ p["W_O"]  # (m, d)
        after_attention = x + attention_out
        normed_2 = _layer_norm(block.ln_2, after_attention)
        mlp = block.mlp.params
        # a fresh activation object: the model's own keeps what its backward pass needs
        hidden = type(block.mlp.act)().forward(normed_2 @ mlp["W_1"] + mlp["b_1"])  # (m, d_mlp)
        mlp_out = hidden @ mlp["W_2"] + mlp["b_2"]  # (m, d)
        x = after_attention + mlp_out
        if trace is not None:
            trace.layers.append(LayerTrace(normed, q, keys.copy(), values.copy(), weights, attention_out,
                                           after_attention, normed_2, hidden, mlp_out, x))
    cache.length = stop
    final = _layer_norm(model.ln_f, x if all_logits else x[-1:])  # (m, d) or (1, d)
    if trace is not None:
        trace.final = _layer_norm(model.ln_f, x)
    logits = _logits(model, final)
    return logits if all_logits else logits[-1]


# ---------------------------------------------------------------------------- choosing the next token

@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen. temperature 0: greedy. top_k None: every token may be drawn."""

    temperature: float = 1.0
    top_k: int | None = None
    repetition_penalty: float = 1.0
    seed: int = 0

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


def penalised(logits: np.ndarray, seen: np.ndarray, penalty: float) -> np.ndarray:
    """`logits` `(V,)` with each token in `seen` made less likely by `penalty` ≥ 1 (CTRL's penalty, sign-safe)."""
    if penalty == 1.0 or len(seen) == 0:
        return logits
    out = logits.astype(np.float64, copy=True)
    ids = np.unique(seen)
    out[ids] = np.where(out[ids] > 0, out[ids] / penalty, out[ids] * penalty)
    return out


def next_token_probabilities(logits: np.ndarray, sampling: Sampling, seen=()) -> np.ndarray:
    """The distribution the next token is drawn from, `(V,)` float64 summing to 1.

    Greedy (temperature 0) shows the model's own softmax (temperature 1, top-k not applied: it
    cannot change the pick); the pick is its most probable token. With top-k, every token outside
    the k most probable gets probability 0.
    """
    scores = penalised(np.asarray(logits, dtype=np.float64), np.asarray(seen, dtype=np.int64),
                       sampling.repetition_penalty)
    temperature = 1.0 if sampling.greedy else float(sampling.temperature)
    scores = scores / temperature
    if sampling.top_k is not None and sampling.top_k < len(scores) and not sampling.greedy:
        # the k-th largest score; ties at the boundary keep the lower ids, as argsort does
        kept = np.argsort(-scores, kind="stable")[: sampling.top_k]
        limited = np.full_like(scores, -np.inf)
        limited[kept] = scores[kept]
        scores = limited
    scores = scores - scores.max()
    weights = np.exp(scores)
    return weights / weights.sum()


def choose(probabilities: np.ndarray, sampling: Sampling, rng: np.random.Generator) -> int:
    """The next token's id: the most probable (greedy), or one drawn from `probabilities` with `rng`."""
    if sampling.greedy:
        return int(np.argmax(probabilities))
    cumulative = np.cumsum(probabilities)
    drawn = rng.random() * cumulative[-1]
    return int(min(np.searchsorted(cumulative, drawn, side="right"), len(probabilities) - 1))


def top_tokens(probabilities: np.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` most probable ids with their probabilities, most probable first (ties: lower id first)."""
    order = np.argsort(-probabilities, kind="stable")[:count]
    return [(int(i), float(probabilities[i])) for i in order]


# ---------------------------------------------------------------------------- generating

@dataclass(frozen=True)
class GeneratedToken:
    """One step of generation: the token picked, and the most probable candidates it was drawn from."""

    token: int
    top: list[tuple[int, float]]  # (id, probability), most probable first
    probability: float  # of the token picked
    window_start: int  # the first position of the text the model read for this step (> 0 once it slid)


def generate(model: Transformer, prompt: list[int], count: int, sampling: Sampling,
             top: int = 5) -> Iterator[GeneratedToken]:
    """Continue `prompt` (token ids, 1 … n_ctx of them) by `count` tokens, one `GeneratedToken` at a time.

    The first token costs a prefill of the prompt, each later one a single step on the KV cache.
    Once the text fills the context, the model reads its last n_ctx − 1 tokens plus the newest one
    (the window slides; learned positions mean the cache is rebuilt for each step from then on).
    """
    n_ctx = model.config.n_ctx
    if not 1 <= len(prompt) <= n_ctx:
        raise ValueError(f"the prompt must have 1 to {n_ctx} tokens, got {len(prompt)}")
    rng = np.random.default_rng(sampling.seed)
    text = list(prompt)
    cache = KVCache(model)
    logits = forward_pass(model, text, cache)
    window_start = 0
    for _ in range(count):
        probabilities = next_token_probabilities(logits, sampling, text[window_start:])
        token = choose(probabilities, sampling, rng)
        yield GeneratedToken(token, top_tokens(probabilities, top), float(probabilities[token]), window_start)
        text.append(token)
        if cache.length < n_ctx:
            logits = forward_pass(model, [token], cache)
        else:  # the window is full: read the last n_ctx tokens afresh
            window_start = len(text) - n_ctx
            cache = KVCache(model)
            logits = forward_pass(model, text[window_start:], cache)


def last_logits(model: Transformer, tokens: list[int]) -> np.ndarray:
    """The full forward pass's logits for the position after `tokens` `(V,)`: what a KV cache must reproduce."""
    return model.forward(np.asarray(tokens[-model.config.n_ctx:], dtype=np.int64))[-1]


def cache_bytes_per_token(model: Transformer) -> int:
    """Numbers the cache keeps for each position: 2 (K and V) · layers · d_model, in bytes."""
    config = model.config
    return 2 * config.n_layers * config.d_model * model.dtype.itemsize


def entropy_bits(probabilities: np.ndarray) -> float:
    """H(p) = −Σ p·log₂ p, in bits: how unsure the model is about the next token."""
    p = probabilities[probabilities > 0]
    return max(0.0, float(-(p * np.log2(p)).sum()))  # max: never -0.0
