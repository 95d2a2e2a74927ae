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

from llmtutor.attention.masks import causal_mask, padding_mask
from llmtutor.attention.multi_head import merge_heads, multi_head_attention, split_heads
from llmtutor.attention.parameters import embed_tokens, projection_weights
from llmtutor.attention.positions import apply_rope, rotary_embedding, sinusoidal_positional_encoding
from llmtutor.attention.scaled_dot_product import scaled_dot_product_attention
from llmtutor.attention.softmax import softmax
from llmtutor.attention.tiled import tiled_attention
from llmtutor.attention.tokenizer import tokenize

__all__ = [
    "apply_rope",
    "causal_mask",
    "embed_tokens",
    "merge_heads",
    "multi_head_attention",
    "padding_mask",
    "projection_weights",
    "rotary_embedding",
    "scaled_dot_product_attention",
    "sinusoidal_positional_encoding",
    "softmax",
    "split_heads",
    "tiled_attention",
    "tokenize",
]
