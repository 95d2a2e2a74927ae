"""Exercises computed by `llmtutor.attention` (or plain arithmetic) from a seed: endless, fresh and
graded exactly.

An exercise's id encodes its kind and seed (`gen-softmax-1234`), so the same question can be
rebuilt later. Spaced review keeps one card per kind of skill (`gen-softmax`), and each time the
skill is due it asks a new exercise of that kind, with fresh numbers. Every numeric exercise
states its tolerance in the question.
"""

from __future__ import annotations

import random

from llmtutor.course.model import Question
from llmtutor.i18n import Localized, message

KINDS = ("softmax", "shape", "scaled", "causal", "heads", "params", "kvcache", "flops", "trained")
CONCEPT = {"softmax": "softmax", "shape": "scaled-dot-product-attention",
           "scaled": "scaled-dot-product-attention", "causal": "causal-mask", "heads": "multi-head-attention",
           "params": "parameters", "kvcache": "multi-head-attention", "flops": "flops", "trained": "induction-head"}
LESSON = {"softmax": "attention", "shape": "attention", "scaled": "attention", "causal": "transformer",
          "heads": "transformer", "params": "transformer", "kvcache": "transformer", "flops": "basic-concepts",
          "trained": "learning-attention"}
SECTION = {"softmax": "worked-example", "shape": "steps", "scaled": "scaling", "causal": "decoder",
           "heads": "multi-head", "params": "sizes", "kvcache": "decoder", "flops": "flops", "trained": "tasks"}
SENTENCES = ("the cat sat on the mat", "attention is all you need", "we read the lesson today",
             "the model predicts the next token", "我 喜欢 学习 注意力", "小 猫 坐 在 垫子 上")


def _text(key: str, **params: object) -> Localized:
    return Localized(message(key, "en", **params), message(key, "zh", **params))


def _vector(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def _shape_answers(*dims: int) -> dict:
    inner = ", ".join(str(d) for d in dims)
    tight = ",".join(str(d) for d in dims)
    forms = (f"({inner})", f"({tight})", "x".join(map(str, dims)), "×".join(map(str, dims)), tight,
             "*".join(map(str, dims)), f"[{inner}]")
    return {"en": forms, "zh": forms}


def skill_of(question_id: str) -> str:
    """The skill card of a computed exercise (`gen-softmax-1234` → `gen-softmax`), else ''."""
    parts = question_id.split("-")
    if len(parts) in (2, 3) and parts[0] == "gen" and parts[1] in KINDS and (len(parts) == 2 or parts[2].isdigit()):
        return f"gen-{parts[1]}"
    return ""


def is_skill(card_id: str) -> bool:
    return skill_of(card_id) == card_id


def generate(kind: str, seed: int) -> Question:
    """One exercise of `kind` built from `seed`."""
    rng = random.Random(f"{kind}:{seed}")
    common = {"id": f"gen-{kind}-{seed}", "lesson": LESSON[kind], "concept": CONCEPT[kind], "section": SECTION[kind]}
    return _BUILDERS[kind](rng, common)


def _softmax(rng: random.Random, common: dict) -> Question:
    import numpy as np

    from llmtutor.attention import scaled_dot_product_attention

    d = rng.choice((2, 3, 4))
    query = [rng.randint(-2, 2) or 1 for _ in range(d)]
    keys = [[rng.randint(-2, 2) for _ in range(d)] for _ in range(3)]
    target = rng.randrange(3)
    q = np.array([query], dtype=np.float64)             # (1, d)
    k = np.array(keys, dtype=np.float64)                # (3, d)
    _, weights = scaled_dot_product_attention(q, k, k)  # (1, 3)
    answer = round(float(weights[0, target]), 2)
    scores = ", ".join(f"{float(q[0] @ k[j]) / np.sqrt(d):.3f}" for j in range(3))
    return Question(type="numeric", answer=answer, tolerance=0.005,
                    prompt=_text("gen_softmax_prompt", q=_vector(query), k1=_vector(keys[0]), k2=_vector(keys[1]),
                                 k3=_vector(keys[2]), j=target + 1, d_k=d),
                    explanation=_text("gen_softmax_explain", scores=scores, d_k=d,
                                      weights=", ".join(f"{w:.3f}" for w in weights[0]),
                                      j=target + 1, answer=f"{answer:.2f}"), **common)


def _shape(rng: random.Random, common: dict) -> Question:
    n_q, n_k, d_k = rng.randint(2, 9), rng.randint(2, 9), rng.choice((3, 8, 16, 64, 96))
    return Question(type="short", answer=_shape_answers(n_q, n_k),
                    prompt=_text("gen_shape_prompt", n_q=n_q, n_k=n_k, d_k=d_k),
                    explanation=_text("gen_shape_explain", n_q=n_q, n_k=n_k, d_k=d_k), **common)


def _scaled(rng: random.Random, common: dict) -> Question:
    import math

    d_k = rng.choice((3, 4, 8, 9))
    q = [rng.randint(-3, 3) for _ in range(d_k)]
    k = [rng.randint(-3, 3) for _ in range(d_k)]
    dot = sum(a * b for a, b in zip(q, k))
    root = math.sqrt(d_k)
    answer = round(dot / root, 2)
    return Question(type="numeric", answer=answer, tolerance=0.005,
                    prompt=_text("gen_scaled_prompt", q=_vector(q), k=_vector(k), d_k=d_k),
                    explanation=_text("gen_scaled_explain", dot=dot, d_k=d_k, root=f"{root:.4g}",
                                      answer=f"{answer:g}"), **common)


def _causal(rng: random.Random, common: dict) -> Question:
    from llmtutor.attention import causal_mask

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


def _heads(rng: random.Random, common: dict) -> Question:
    """Shapes through multi-head attention: per-head Q, one head's weights, or the concatenation."""
    h = rng.choice((2, 3, 4, 6, 8, 12))
    d_head = rng.choice((16, 32, 64))
    d_model, n = h * d_head, rng.randint(3, 12)
    ask = rng.choice(("q_head", "weights", "concat"))
    dims = {"q_head": (n, d_head), "weights": (n, n), "concat": (n, d_model)}[ask]
    return Question(type="short", answer=_shape_answers(*dims),
                    prompt=_text(f"gen_heads_prompt_{ask}", n=n, d_model=d_model, h=h),
                    explanation=_text("gen_heads_explain", n=n, d_model=d_model, h=h, d_head=d_head,
                                      answer=f"({', '.join(map(str, dims))})"), **common)


def _params(rng: random.Random, common: dict) -> Question:
    """Parameters of one layer: the attention projections, or the feed-forward network."""
    d_model = rng.choice((64, 128, 256, 512, 768))
    if rng.random() < 0.5:
        weights, biases = 4 * d_model * d_model, 4 * d_model
        return Question(type="numeric", answer=float(weights + biases), unit="parameters",
                        prompt=_text("gen_params_attention_prompt", d_model=d_model),
                        explanation=_text("gen_params_attention_explain", d_model=d_model, weights=weights,
                                          biases=biases, answer=weights + biases), **common)
    d_ff = 4 * d_model
    weights, biases = 2 * d_model * d_ff, d_ff + d_model
    return Question(type="numeric", answer=float(weights + biases), unit="parameters",
                    prompt=_text("gen_params_ffn_prompt", d_model=d_model, d_ff=d_ff),
                    explanation=_text("gen_params_ffn_explain", d_model=d_model, d_ff=d_ff, weights=weights,
                                      biases=biases, answer=weights + biases), **common)


def _kvcache(rng: random.Random, common: dict) -> Question:
    """KV-cache memory: 2 (K and V) × layers × tokens × d_model × bytes per number, in MiB."""
    layers = rng.choice((6, 12, 24, 32))
    tokens = rng.choice((512, 1024, 2048, 4096))
    d_model = rng.choice((512, 768, 1024, 2048))
    width = rng.choice((2, 4))
    total = 2 * layers * tokens * d_model * width
    answer = total / 2**20
    return Question(type="numeric", answer=answer, tolerance=0.5, unit="MiB",
                    prompt=_text("gen_kvcache_prompt", layers=layers, tokens=tokens, d_model=d_model, width=width),
                    explanation=_text("gen_kvcache_explain", layers=layers, tokens=tokens, d_model=d_model,
                                      width=width, total=f"{total:,}", answer=f"{answer:g}"), **common)


def _flops(rng: random.Random, common: dict) -> Question:
    """FLOPs of the score matrix QKᵀ (a multiply and an add per term), or of a forward pass per token."""
    if rng.random() < 0.5:
        n, d_k = rng.choice((4, 8, 16, 128, 512)), rng.choice((16, 32, 64, 128))
        answer = 2 * n * n * d_k
        return Question(type="numeric", answer=float(answer), unit="FLOPs",
                        prompt=_text("gen_flops_scores_prompt", n=n, d_k=d_k),
                        explanation=_text("gen_flops_scores_explain", n=n, d_k=d_k, answer=answer), **common)
    billions = rng.choice((1, 3, 7, 13, 70))
    answer = 2 * billions
    return Question(type="numeric", answer=float(answer), tolerance=0.0,
                    prompt=_text("gen_flops_token_prompt", billions=billions, yi=10 * billions),
                    explanation=_text("gen_flops_token_explain", billions=billions, answer=answer), **common)


def _trained(rng: random.Random, common: dict) -> Question:
    """Where a shipped trained model really looks: graded from its weights on a fresh input."""
    import numpy as np

    from llmtutor.model.attend import attend, load_named_model
    from llmtutor.model.tasks import TASKS

    name = rng.choice(("reverse", "copy", "induction"))
    model, _ = load_named_model(name)
    task = TASKS[name]
    length = int(model.config.meta["length"])
    if name == "induction":  # distinct letters, as the model was trained on
        sequence = rng.sample(range(len(task.symbols)), length)
    else:
        sequence = [rng.randrange(10) for _ in range(length)]
    text = " ".join(task.decode(sequence))
    result = attend(model, name, text)
    layer = len(result.weights) - 1  # the layer that reads the answer
    scores = [(p or 0.0, head) for (l, head, p) in result.head_scores if l == layer + 1]
    head = max(scores)[1] - 1  # the head that does the task's job on this input
    weights = result.weights[layer][head]  # (n, n)
    shown = np.flatnonzero(task.output_positions(task.model_input(np.array(sequence))[None], length)[0])
    query = int(rng.choice(shown.tolist()))
    answer_key = int(weights[query].argmax())
    others = [j for j in range(query + 1 if model.config.causal else len(result.tokens)) if j != answer_key]
    keys = sorted([answer_key, *rng.sample(others, min(3, len(others)))])
    choices = tuple(Localized(f"{j + 1}: {result.tokens[j]}", f"{j + 1}：{result.tokens[j]}") for j in keys)
    return Question(type="single", answer=(keys.index(answer_key),), choices=choices,
                    prompt=_text("gen_trained_prompt", model=name, tokens=" ".join(result.tokens), layer=layer + 1,
                                 head=head + 1, i=query + 1, token=result.tokens[query]),
                    explanation=_text("gen_trained_explain", model=name, i=query + 1, j=answer_key + 1,
                                      weight=f"{weights[query, answer_key]:.2f}", layer=layer + 1, head=head + 1),
                    **common)


_BUILDERS = {"softmax": _softmax, "shape": _shape, "scaled": _scaled, "causal": _causal, "heads": _heads,
             "params": _params, "kvcache": _kvcache, "flops": _flops, "trained": _trained}


def from_id(question_id: str, rng: random.Random | None = None) -> Question | None:
    """Rebuild a computed exercise from its id; a skill id (`gen-softmax`) makes a fresh one with a
    new seed from `rng`. None if the id is not one."""
    skill = skill_of(question_id)
    if not skill:
        return None
    kind = skill.split("-")[1]
    if question_id == skill:
        return generate(kind, (rng or random.Random()).randrange(10**6))
    return generate(kind, int(question_id.split("-")[2]))


def fresh(count: int, rng: random.Random, kinds: tuple[str, ...] = KINDS) -> list[Question]:
    return [generate(rng.choice(kinds), rng.randrange(10**6)) for _ in range(count)]
