"""A small Transformer as the diagram draws it: embeddings, then blocks of attention and MLP, then logits.

    x = W_E[tokens] + positions                                 (B, n, d)
    for each block (pre-LN, as GPT-2):
        x = x + SelfAttention(LayerNorm₁(x))                    the residual stream
        x = x + MLP(LayerNorm₂(x))
    logits = LayerNorm_f(x)·W_U + b_U                           (B, n, V)

A model is its `ModelConfig` plus named arrays (`parameters()`), which is also what a model file
holds. `forward` keeps what `backward` needs; `backward(dlogits)` fills `gradients()`.
"""

from __future__ import annotations

import math
import numpy as np

from llmtutor.model.attention_layer import SelfAttention
from llmtutor.model.layers import MLP, Embedding, LayerNorm, LearnedPositions, Linear, SinusoidalPositions

POSITIONS = ("learned", "sinusoidal", "none")
ACTIVATIONS = ("gelu", "relu")


class ModelConfig:
    """The shape of a model: everything needed to rebuild it from its arrays. Frozen once made.

    A plain class with slots rather than a frozen dataclass: making the dataclass cost ~1 ms at every
    start-up that loads a model. Equal configs have equal shapes; `meta` is not part of the shape.
    """

    SHAPE = ("vocab_size", "n_ctx", "d_model", "n_heads", "n_layers", "d_mlp", "causal", "positions", "activation",
             "tie_embeddings")
    __slots__ = (*SHAPE, "meta")

    def __init__(self, vocab_size: int, n_ctx: int, d_model: int = 32, n_heads: int = 1, n_layers: int = 1,
                 d_mlp: int = 64, causal: bool = False, positions: str = "learned", activation: str = "gelu",
                 tie_embeddings: bool = False, meta: dict | None = None) -> None:
        # n_ctx: the longest sequence it reads; causal: each position sees only itself and the past (GPT),
        # else all (BERT); positions: learned | sinusoidal | none; activation: gelu | relu;
        # tie_embeddings: logits = x·W_Eᵀ instead of a separate W_U; meta: task, seed, steps, scores …
        values = (vocab_size, n_ctx, d_model, n_heads, n_layers, d_mlp, causal, positions, activation,
                  tie_embeddings, {} if meta is None else meta)
        for name, value in zip(self.__slots__, values):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a ModelConfig is frozen: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a ModelConfig is frozen: cannot delete {name}")

    def shape_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.SHAPE}

    def __eq__(self, other) -> bool:
        return isinstance(other, ModelConfig) and self.shape_dict() == other.shape_dict()

    def __hash__(self) -> int:
        return hash(tuple(self.shape_dict().values()))

    def __repr__(self) -> str:
        return "ModelConfig(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


def check_config(config: ModelConfig) -> None:
    """ValueError naming the first field out of its range."""
    limits = {"vocab_size": (2, 1 << 16), "n_ctx": (1, 4096), "d_model": (2, 1024), "n_heads": (1, 64),
              "n_layers": (1, 16), "d_mlp": (1, 8192)}
    for name, (low, high) in limits.items():
        value = getattr(config, name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    if config.d_model % config.n_heads:
        raise ValueError(f"d_model {config.d_model} is not divisible by n_heads {config.n_heads}")
    if config.positions not in POSITIONS:
        raise ValueError(f"positions must be one of {', '.join(POSITIONS)}, got {config.positions!r}")
    if config.positions == "sinusoidal" and config.d_model % 2:
        raise ValueError("sinusoidal positions need an even d_model")
    if config.activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {config.activation!r}")
    for name in ("causal", "tie_embeddings"):
        if not isinstance(getattr(config, name), bool):
            raise ValueError(f"{name} must be true or false")


class Block:
    """One Transformer layer, pre-LN: x + attn(LN₁(x)), then x + mlp(LN₂(x))."""

    def __init__(self, config: ModelConfig, rng: np.random.Generator, dtype) -> None:
        # GPT-2 scales the init of the projections into the residual stream by 1/√(2·layers)
        out_std = 0.02 / math.sqrt(2 * config.n_layers)
        self.ln_1 = LayerNorm(config.d_model, dtype)
        self.attn = SelfAttention(config.d_model, config.n_heads, rng, dtype, out_std=out_std)
        self.ln_2 = LayerNorm(config.d_model, dtype)
        self.mlp = MLP(config.d_model, config.d_mlp, rng, dtype, config.activation, out_std=out_std)

    def layers(self) -> dict:
        return {"ln_1": self.ln_1, "attn": self.attn, "ln_2": self.ln_2, "mlp": self.mlp}

    def forward(self, x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        x = x + self.attn.forward(self.ln_1.forward(x), mask)  # (B, n, d)
        return x + self.mlp.forward(self.ln_2.forward(x))  # (B, n, d)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        # The residual path carries dy straight through; each branch adds its own share.
        dx = dy + self.ln_2.backward(self.mlp.backward(dy))
        return dx + self.ln_1.backward(self.attn.backward(dx))


class _Unset:
    """Stands in for a random generator where the weights will be loaded: every draw is zeros."""

    @staticmethod
    def standard_normal(shape) -> np.ndarray:
        return np.zeros(shape)


class Transformer:
    """The whole model: `forward(tokens (B, n)) → logits (B, n, V)`, `backward(dlogits)`."""

    def __init__(self, config: ModelConfig, seed: int | None = 0, dtype=np.float32) -> None:
        """Weights drawn from `seed`; `seed=None` leaves them zero, for weights about to be loaded
        (no random draw, and no import of numpy.random on the way to a shipped model's picture)."""
        check_config(config)
        self.config = config
        self.dtype = np.dtype(dtype)
        rng = _Unset() if seed is None else np.random.default_rng(seed)
        d = config.d_model
        self.embed = Embedding(config.vocab_size, d, rng, dtype)
        if config.positions == "learned":
            self.positions = LearnedPositions(config.n_ctx, d, rng, dtype)
        elif config.positions == "sinusoidal":
            self.positions = SinusoidalPositions(config.n_ctx, d, dtype)
        else:
            self.positions = None
        self.blocks = [Block(config, rng, dtype) for _ in range(config.n_layers)]
        self.ln_f = LayerNorm(d, dtype)
        self.unembed = None if config.tie_embeddings else Linear(d, config.vocab_size, rng, dtype)
        self._masks: dict[int, np.ndarray] = {}

    # -- parameters by name, e.g. "blocks.0.attn.W_Q": what a model file stores -------------------
    def _layers(self) -> dict:
        layers = {"embed": self.embed}
        if self.positions is not None:
            layers["positions"] = self.positions
        for index, block in enumerate(self.blocks):
            layers.update({f"blocks.{index}.{name}": layer for name, layer in block.layers().items()})
        layers["ln_f"] = self.ln_f
        if self.unembed is not None:
            layers["unembed"] = self.unembed
        return layers

    def parameters(self) -> dict[str, np.ndarray]:
        return {f"{prefix}.{name}": array for prefix, layer in self._layers().items()
                for name, array in layer.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        return {f"{prefix}.{name}": array for prefix, layer in self._layers().items()
                for name, array in layer.grads.items()}

    def n_parameters(self) -> int:
        return sum(array.size for array in self.parameters().values())

    def load_parameters(self, arrays: dict[str, np.ndarray]) -> None:
        """Copy `arrays` (the names and shapes of `parameters()`) into the model."""
        mine = self.parameters()
        if set(arrays) != set(mine):
            raise ValueError(f"expected arrays {sorted(mine)}, got {sorted(arrays)}")
        for name, target in mine.items():
            if arrays[name].shape != target.shape:
                raise ValueError(f"{name} must have shape {target.shape}, got {arrays[name].shape}")
            target[...] = arrays[name]

    # -- the passes ----------------------------------------------------------------------------
    def mask(self, n: int) -> np.ndarray | None:
        if not self.config.causal:
            return None
        if n not in self._masks:
            from llmtutor.attention import causal_mask

            self._masks[n] = causal_mask(n)  # (n, n)
        return self._masks[n]

    def forward(self, tokens: np.ndarray) -> np.ndarray:
        """Logits `(B, n, V)` for token ids `(B, n)` (or `(n,)`, giving `(n, V)`)."""
        tokens = np.asarray(tokens)
        single = tokens.ndim == 1
        if single:
            tokens = tokens[None]
        n = tokens.shape[-1]
        if n > self.config.n_ctx:
            raise ValueError(f"{n} tokens is more than the model's context of {self.config.n_ctx}")
        x = self.embed.forward(tokens)  # (B, n, d)
        if self.positions is not None:
            x = self.positions.forward(x)
        mask = self.mask(n)
        for block in self.blocks:
            x = block.forward(x, mask)
        x = self.ln_f.forward(x)  # (B, n, d)
        self.final = x
        if self.unembed is not None:
            logits = self.unembed.forward(x)  # (B, n, V)
        else:
            logits = x @ self.embed.params["W_E"].T  # tied: the embedding read backwards
        return logits[0] if single else logits

    def backward(self, dlogits: np.ndarray) -> None:
        """Fill `gradients()` from dlogits `(B, n, V)`, the loss's gradient for the last forward's logits."""
        if dlogits.ndim == 2:
            dlogits = dlogits[None]
        d = self.config.d_model
        if self.unembed is not None:
            dx = self.unembed.backward(dlogits)
        else:
            W_E = self.embed.params["W_E"]
            dx = dlogits @ W_E  # (B, n, d)
            tied_grad = dlogits.reshape(-1, dlogits.shape[-1]).T @ self.final.reshape(-1, d)  # (V, d)
        dx = self.ln_f.backward(dx)
        for block in reversed(self.blocks):
            dx = block.backward(dx)
        if self.positions is not None:
            dx = self.positions.backward(dx)
        self.embed.backward(dx)
        if self.unembed is None:
            self.embed.grads["W_E"] = self.embed.grads["W_E"] + tied_grad

    def attention_weights(self) -> list[np.ndarray]:
        """Each layer's attention from the last forward pass: a list of `(B, h, n, n)` arrays."""
        return [block.attn.weights for block in self.blocks]


def parameter_shapes(config: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The name and shape of every parameter of a model of `config`, without building it."""
    d, V = config.d_model, config.vocab_size
    shapes: dict[str, tuple[int, ...]] = {"embed.W_E": (V, d)}
    if config.positions == "learned":
        shapes["positions.W_P"] = (config.n_ctx, d)
    for i in range(config.n_layers):
        block = f"blocks.{i}"
        shapes.update({f"{block}.ln_1.gamma": (d,), f"{block}.ln_1.beta": (d,)})
        shapes.update({f"{block}.attn.{name}": (d, d) for name in ("W_Q", "W_K", "W_V", "W_O")})
        shapes.update({f"{block}.ln_2.gamma": (d,), f"{block}.ln_2.beta": (d,),
                       f"{block}.mlp.W_1": (d, config.d_mlp), f"{block}.mlp.b_1": (config.d_mlp,),
                       f"{block}.mlp.W_2": (config.d_mlp, d), f"{block}.mlp.b_2": (d,)})
    shapes.update({"ln_f.gamma": (d,), "ln_f.beta": (d,)})
    if not config.tie_embeddings:
        shapes.update({"unembed.W": (d, V), "unembed.b": (V,)})
    return shapes
