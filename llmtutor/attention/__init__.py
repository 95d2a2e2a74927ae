"""The attention core in NumPy: everything the walkthroughs compute, and nothing that prints.

In a notebook or REPL:

    >>> import numpy as np
    >>> from llmtutor.attention import (
    ...     softmax, causal_mask, scaled_dot_product_attention, tiled_attention,
    ...     multi_head_attention, sinusoidal_positional_encoding, tokenize,
    ...     embed_tokens, projection_weights, split_heads, merge_heads,
    ... )
    >>> tokens = tokenize("the cat sat on the mat")                 # 6 tokens
    >>> x = embed_tokens(tokens, d_model=8, seed=0)                  # (6, 8)
    >>> x = x + sinusoidal_positional_encoding(len(tokens), 8)       # (6, 8)
    >>> w_q, w_k, w_v, w_o = (projection_weights(8, 8, seed=0, name=n)
    ...                       for n in ("w_q", "w_k", "w_v", "w_o"))
    >>> out, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=2,
    ...                                     mask=causal_mask(len(tokens)))
    >>> out.shape, weights.shape
    ((6, 8), (2, 6, 6))
    >>> bool(np.allclose(weights.sum(-1), 1.0)) and bool(np.all(weights[:, 0, 1:] == 0))
    True
    >>> q = k = v = x[None]                                          # (1, 6, 8)
    >>> bool(np.allclose(tiled_attention(q, k, v, causal=True, block_size=4),
    ...                  scaled_dot_product_attention(q, k, v, causal_mask(6))[0]))
    True
"""

from llmtutor.lazy import lazy_exports

# Imported now, not on first use: `softmax` is also the name of its module, and a package
# attribute set by importing that submodule first would shadow the function.
from llmtutor.attention.softmax import softmax

# name → the module that defines it, imported on first use (PEP 562): a trained model's layer
# needs only the softmax and the mask, not the tokenizer, the tiled kernel or the seeded weights.
_EXPORTS = {
    "causal_mask": "masks", "padding_mask": "masks",
    "merge_heads": "multi_head", "multi_head_attention": "multi_head", "split_heads": "multi_head",
    "embed_tokens": "parameters", "projection_weights": "parameters",
    "apply_rope": "positions", "rotary_embedding": "positions", "sinusoidal_positional_encoding": "positions",
    "scaled_dot_product_attention": "scaled_dot_product",
    "tiled_attention": "tiled",
    "tokenize": "tokenizer",
}
__all__ = sorted([*_EXPORTS, "softmax"])


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
