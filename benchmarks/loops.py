"""How often the course model's text loops, under each way of choosing the next token.

    python benchmarks/loops.py                 # the shipped course model
    python benchmarks/loops.py MODEL.npz       # another model file with the same tokenizer

For 24 fixed prompts (12 English, 12 Chinese, words of the course) the model writes 60 tokens
under each setting; sampled settings run with seeds 0, 1 and 2. Reported per setting:

- loops: the share of texts in which some run of 4 tokens is written twice (`generate`'s own test
  for the note under its output);
- distinct-2: distinct token pairs over all token pairs written (Li et al. 2016), 1.0 = no pair
  repeats;
- bits/token: the mean surprisal −log₂ p of the tokens picked, under the model's own softmax
  (temperature 1): low = the model's favourite continuations, high = unlikely ones.

docs/MODEL.md quotes its output (the part of the model card on generation).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

PROMPTS = ["attention is", "the model", "self-attention", "a language model", "the softmax", "training",
           "BERT and GPT", "the query", "each head", "the loss", "tokens", "a Transformer",
           "注意力", "模型", "语言模型", "自注意力", "预训练", "词元", "每个头", "损失", "微调", "参数", "查询和键",
           "大语言模型"]
TOKENS = 60
SEEDS = (0, 1, 2)
SETTINGS = [  # (label, temperature, top_k, repetition penalty)
    ("greedy", 0.0, None, 1.0),
    ("greedy, repetition penalty 1.3", 0.0, None, 1.3),
    ("temperature 0.8, top-k 40", 0.8, 40, 1.0),
    ("temperature 0.8, top-k 40, penalty 1.3", 0.8, 40, 1.3),
    ("temperature 1.0", 1.0, None, 1.0),
]


def measure(text_model, temperature: float, top_k, penalty: float) -> tuple[float, float, float]:
    from llmtutor.cli.generate_commands import LOOP_SPAN, repeats
    from llmtutor.model.generation import Sampling, generate, last_logits

    loops, pairs, distinct, surprisal, count = 0, 0, 0, 0.0, 0
    seeds = (0,) if temperature == 0 else SEEDS
    for prompt in PROMPTS:
        for seed in seeds:
            ids = text_model.encode(prompt)
            sampling = Sampling(temperature=temperature, top_k=top_k, repetition_penalty=penalty, seed=seed)
            written = []
            for step in generate(text_model.model, ids, TOKENS, sampling):
                logits = last_logits(text_model.model, ids + written).astype(np.float64)
                log_p = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
                surprisal += float(-log_p[step.token] / np.log(2))
                written.append(step.token)
            loops += repeats(written, LOOP_SPAN)
            bigrams = list(zip(written, written[1:]))
            pairs += len(bigrams)
            distinct += len(set(bigrams))
            count += 1
    return loops / count, distinct / pairs, surprisal / (count * TOKENS)


def main(argv: list[str]) -> int:
    from llmtutor.model.text_model import TextModel, load_text_model

    text_model = load_text_model()
    if argv:
        from llmtutor.model.checkpoint import load_model

        text_model = TextModel(Path(argv[0]).stem, load_model(Path(argv[0])), text_model.tokenizer)
    print(f"model {text_model.name}: {len(PROMPTS)} prompts × {TOKENS} tokens")
    print("| setting | loops | distinct-2 | bits/token |")
    print("|---|---|---|---|")
    for label, temperature, top_k, penalty in SETTINGS:
        loop_share, distinct, bits = measure(text_model, temperature, top_k, penalty)
        print(f"| {label} | {loop_share * 100:.0f} % | {distinct:.2f} | {bits:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
