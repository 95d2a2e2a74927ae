"""Exercises computed by `llmtutor.attention` from a seed: endless, fresh and graded exactly.

An exercise's id encodes its kind and seed (`gen-softmax-1234`), so the same question can be
rebuilt later, e.g. when spaced review brings it back.
"""

from __future__ import annotations

import random

from llmtutor.course.model import Question
from llmtutor.i18n import Localized, message

KINDS = ("softmax", "shape", "scaled", "causal")
CONCEPT = {"softmax": "softmax", "shape": "scaled-dot-product-attention",
           "scaled": "scaled-dot-product-attention", "causal": "causal-mask"}
SENTENCES = ("the cat sat on the mat", "attention is all you need", "we read the lesson today",
             "the model predicts the next token", "我 喜欢 学习 注意力", "小 猫 坐 在 垫子 上")


def _text(key: str, **params: object) -> Localized:
    return Localized(message(key, "en", **params), message(key, "zh", **params))


def _vector(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def generate(kind: str, seed: int) -> Question:
    """One exercise of `kind` built from `seed`."""
    import numpy as np

    from llmtutor.attention import causal_mask, scaled_dot_product_attention

    rng = random.Random(f"{kind}:{seed}")
    qid = f"gen-{kind}-{seed}"
    common = {"id": qid, "lesson": "attention", "concept": CONCEPT[kind]}
    if kind == "softmax":
        d = 2
        query = [rng.randint(-2, 2) or 1 for _ in range(d)]
        keys = [[rng.randint(-2, 2) for _ in range(d)] for _ in range(3)]
        target = rng.randrange(3)
        q = np.array([query], dtype=np.float64)             # (1, d)
        k = np.array(keys, dtype=np.float64)                # (3, d)
        _, weights = scaled_dot_product_attention(q, k, k)  # (1, 3)
        answer = round(float(weights[0, target]), 2)
        scores = ", ".join(f"{float(q[0] @ k[j]) / np.sqrt(d):.3f}" for j in range(3))
        return Question(type="numeric", answer=answer, tolerance=0.005,
                        prompt=_text("gen_softmax_prompt", q=_vector(query), k1=_vector(keys[0]),
                                     k2=_vector(keys[1]), k3=_vector(keys[2]), j=target + 1),
                        explanation=_text("gen_softmax_explain", scores=scores,
                                          weights=", ".join(f"{w:.3f}" for w in weights[0]),
                                          j=target + 1, answer=f"{answer:.2f}"), **common)
    if kind == "shape":
        n_q, n_k, d_k = rng.randint(2, 9), rng.randint(2, 9), rng.choice((4, 8, 16, 64))
        answers = [f"({n_q}, {n_k})", f"{n_q}x{n_k}", f"{n_q}×{n_k}", f"{n_q},{n_k}", f"{n_q}*{n_k}",
                   f"[{n_q}, {n_k}]"]
        return Question(type="short", answer={"en": tuple(answers), "zh": tuple(answers)},
                        prompt=_text("gen_shape_prompt", n_q=n_q, n_k=n_k, d_k=d_k),
                        explanation=_text("gen_shape_explain", n_q=n_q, n_k=n_k, d_k=d_k), **common)
    if kind == "scaled":
        d_k = 4
        q = [rng.randint(-3, 3) for _ in range(d_k)]
        k = [rng.randint(-3, 3) for _ in range(d_k)]
        dot = sum(a * b for a, b in zip(q, k))
        answer = dot / 2.0  # √4 = 2, exact
        return Question(type="numeric", answer=answer, tolerance=0.005,
                        prompt=_text("gen_scaled_prompt", q=_vector(q), k=_vector(k), d_k=d_k),
                        explanation=_text("gen_scaled_explain", dot=dot, answer=f"{answer:g}"), **common)
    tokens = rng.choice(SENTENCES).split()
    n = len(tokens)
    position = rng.randrange(n - 1)  # never the last token: it sees everything
    visible = causal_mask(n)[position]                     # (n,) True = may attend
    hidden = [j for j in range(n) if not visible[j]]
    choices = tuple(Localized(f"{j + 1}: {tok}", f"{j + 1}：{tok}") for j, tok in enumerate(tokens))
    sentence = " ".join(tokens)
    return Question(type="multiple", answer=tuple(hidden), choices=choices,
                    prompt=_text("gen_causal_prompt", sentence=sentence, i=position + 1, token=tokens[position]),
                    explanation=_text("gen_causal_explain", i=position + 1,
                                      hidden=", ".join(str(j + 1) for j in hidden)), **common)


def from_id(question_id: str) -> Question | None:
    """Rebuild a generated exercise from its id, or None if the id is not one."""
    parts = question_id.split("-")
    if len(parts) != 3 or parts[0] != "gen" or parts[1] not in KINDS or not parts[2].isdigit():
        return None
    return generate(parts[1], int(parts[2]))


def fresh(count: int, rng: random.Random, kinds: tuple[str, ...] = KINDS) -> list[Question]:
    return [generate(rng.choice(kinds), rng.randrange(10**6)) for _ in range(count)]
