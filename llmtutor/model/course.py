"""The course model: a small causal Transformer trained on this course's own text, and the command that makes it.

    python -m llmtutor.model.course            # tokenizer + model into llmtutor/model/weights/
    python -m llmtutor.model.course --resume   # go on from the last checkpoint in build/course-lm/

The recipe (`RECIPE`, measured on this machine; docs/MODEL.md is its model card): a 2,048-token
byte-level BPE (`llmtutor.model.bpe`) trained on data/course-lm/train.txt; 2 layers, pre-LN,
d_model 64, 4 heads, MLP 256, context 128, tied embeddings, learned positions; AdamW 3e-3 with a
linear warm-up and cosine decay; batches of 16 × 128 tokens, 8,000 steps. Half of each batch is
synthetic repeats: a span of 4–64 tokens tiled to the context, with no loss on its first copy
(only a model that looks back at the earlier copy can predict the rest: the setting in which
induction heads form, Olsson et al. 2022). Up to step 4,000 the spans are random tokens; from
then on half of them are spans of course text, tiled the same way.

A checkpoint is written every `CHECKPOINT_EVERY` steps, so a run can be stopped and resumed. At
the end the heads are measured (`head_behaviour`); if no head has a previous-token score ≥ 0.5
and an induction score ≥ 0.3, the next seed is tried. The weights ship as float16 (computed in
float32); every figure in the file's meta is measured on the float16 weights as shipped.
"""

from __future__ import annotations

import json
import math
import sys
import time
from typing import NamedTuple
from pathlib import Path

import numpy as np

from llmtutor.model.bpe import COURSE_TOKENIZER, WEIGHTS

COURSE_MODEL = WEIGHTS / "course.npz"
CHECKPOINTS = Path(__file__).resolve().parents[2] / "build" / "course-lm"
RECIPE = {
    "vocab_size": 2048, "n_ctx": 128, "d_model": 64, "n_heads": 4, "n_layers": 2, "d_mlp": 256,
    "lr": 3e-3, "min_lr": 3e-4, "warmup": 200, "weight_decay": 0.01, "batch": 16, "steps": 8000,
    "synthetic_share": 0.5, "span_min": 4, "span_max": 64, "course_spans_from": 4000,
}
SEED = 0
TRIES = 4
CHECKPOINT_EVERY = 250
GOAL = {"previous_token": 0.5, "induction": 0.3}
# The measurement of head behaviour: fixed, so the figures can be checked (docs/MODEL.md).
PROBE = {"sequences": 16, "span": 50, "seed": 2022}


class HeadBehaviour(NamedTuple):  # a NamedTuple: as immutable as a frozen dataclass, cheaper to create at start-up
    """What one head does, measured on repeated random tokens (see `head_behaviour`)."""

    layer: int  # from 1
    head: int  # from 1
    previous_token: float  # mean weight a query gives to the token just before it
    first_token: float  # mean weight on the first token (an "attention sink")
    induction: float  # second copy: mean weight on the token after the earlier copy of the current one

    def as_dict(self) -> dict:
        return {"layer": self.layer, "head": self.head, "previous_token": self.previous_token,
                "first_token": self.first_token, "induction": self.induction}


def probe_tokens(vocab_size: int, sequences: int = PROBE["sequences"], span: int = PROBE["span"],
                 seed: int = PROBE["seed"]) -> np.ndarray:
    """`(sequences, 2·span)` token ids: a span of uniformly random tokens, then the same span again."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, vocab_size, size=(sequences, span))
    return np.concatenate([first, first], axis=1)


def scores_from_weights(weights: np.ndarray, span: int) -> tuple[float, float, float]:
    """(previous-token, first-token, induction) of one head's weights `(B, n, n)` on doubled spans.

    previous-token: mean over queries i ≥ 1 of A[i, i−1]; first-token: mean over queries i ≥ 1 of
    A[i, 0]; induction: mean over the second copy's queries i = span … 2·span − 1 of
    A[i, i − span + 1], the token that followed the current token's earlier occurrence.
    """
    n = weights.shape[-1]
    rows = np.arange(1, n)
    previous = float(weights[:, rows, rows - 1].mean())
    first = float(weights[:, rows, 0].mean())
    second = np.arange(span, 2 * span)
    induction = float(weights[:, second, second - span + 1].mean())
    return previous, first, induction


def head_behaviour(model, sequences: int = PROBE["sequences"], span: int = PROBE["span"],
                   seed: int = PROBE["seed"]) -> list[HeadBehaviour]:
    """Every head's previous-token, first-token and induction score on repeated random tokens."""
    model.forward(probe_tokens(model.config.vocab_size, sequences, span, seed))
    found = []
    for layer, weights in enumerate(model.attention_weights()):  # (B, h, n, n)
        for head in range(weights.shape[1]):
            found.append(HeadBehaviour(layer + 1, head + 1, *scores_from_weights(weights[:, head], span)))
    return found


def input_scores(weights: np.ndarray, tokens: list[int]) -> tuple[float | None, float | None, float | None]:
    """The same three scores for one head's weights `(n, n)` on the learner's own tokens.

    Induction here: over the queries whose token occurred before (at j, with j + 1 < i), the mean
    weight on position j + 1 (the latest such j); None when no token repeats.
    """
    n = len(tokens)
    if n < 2:
        return None, None, None
    rows = np.arange(1, n)
    previous = float(weights[rows, rows - 1].mean())
    first = float(weights[rows, 0].mean())
    seen: dict[int, int] = {}
    picked = []
    for i, token in enumerate(tokens):
        j = seen.get(token)
        if j is not None and j + 1 < i:
            picked.append(weights[i, j + 1])
        seen[token] = i
    return previous, first, (float(np.mean(picked)) if picked else None)


def meets_goal(behaviour: list[HeadBehaviour]) -> bool:
    return (max(h.previous_token for h in behaviour) >= GOAL["previous_token"]
            and max(h.induction for h in behaviour) >= GOAL["induction"])


# -- data ----------------------------------------------------------------------------------------

def sample_batch(rng: np.random.Generator, train_ids: np.ndarray, step: int, vocab_size: int,
                 recipe: dict = RECIPE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, targets, loss_mask), each `(batch, n_ctx)`: course windows, then synthetic repeats."""
    batch, n = recipe["batch"], recipe["n_ctx"]
    synthetic = int(round(batch * recipe["synthetic_share"]))
    rows = np.empty((batch, n + 1), dtype=np.int64)
    mask = np.ones((batch, n), dtype=bool)
    starts = rng.integers(0, len(train_ids) - n - 1, size=batch - synthetic)
    for r, start in enumerate(starts):
        rows[r] = train_ids[start:start + n + 1]
    course_spans = synthetic // 2 if step > recipe["course_spans_from"] else 0
    for k in range(synthetic):
        r = batch - synthetic + k
        span = int(rng.integers(recipe["span_min"], recipe["span_max"] + 1))
        if k < course_spans:
            start = int(rng.integers(0, len(train_ids) - span))
            piece = train_ids[start:start + span]
        else:
            piece = rng.integers(0, vocab_size, size=span)
        rows[r] = np.tile(piece, (n + 1) // span + 1)[:n + 1]
        mask[r, :span - 1] = False  # predicting the first copy is guessing: no loss there
    return rows[:, :-1], rows[:, 1:], mask


def learning_rate(step: int, recipe: dict = RECIPE) -> float:
    """Linear warm-up to `lr`, then cosine decay to `min_lr` at the last step (step counts from 1)."""
    lr, low, warmup, steps = recipe["lr"], recipe["min_lr"], recipe["warmup"], recipe["steps"]
    if step <= warmup:
        return float(lr * step / warmup)
    progress = (step - warmup) / max(steps - warmup, 1)
    return float(low + 0.5 * (lr - low) * (1.0 + math.cos(math.pi * progress)))


def heldout_loss(model, heldout_ids: np.ndarray, n_chars: int) -> dict:
    """Cross-entropy on the held-out text: windows of n_ctx + 1 tokens overlapping by one, so every
    token but the first is predicted once. Bits per token, and bits per character of the text."""
    from llmtutor.attention.softmax import softmax

    n = model.config.n_ctx
    total_nats, count = 0.0, 0
    starts = list(range(0, len(heldout_ids) - 1, n))
    for chunk in range(0, len(starts), 16):
        group = starts[chunk:chunk + 16]
        for start in group:
            piece = heldout_ids[start:start + n + 1]
            if len(piece) < 2:
                continue
            logits = model.forward(piece[:-1][None])[0]  # (m, V)
            p = softmax(logits.astype(np.float64), axis=-1)
            picked = p[np.arange(len(piece) - 1), piece[1:]]
            total_nats += float(-np.log(np.maximum(picked, 1e-300)).sum())
            count += len(piece) - 1
    bits = total_nats / math.log(2)
    return {"tokens": count, "characters": n_chars, "bits_per_token": bits / count, "bits_per_char": bits / n_chars}


# -- training --------------------------------------------------------------------------------------

def build_tokenizer(path: Path = COURSE_TOKENIZER):
    from llmtutor.model.bpe import train_bpe
    from llmtutor.model.corpus import TRAIN_FILE, read_split, sha256_of

    train_text, _ = read_split()
    tokenizer = train_bpe(train_text, RECIPE["vocab_size"],
                          meta={"trained_on": "data/course-lm/train.txt", "train_sha256": sha256_of(TRAIN_FILE)})
    tokenizer.save(path)
    return tokenizer


def new_model(seed: int, recipe: dict = RECIPE):
    from llmtutor.model.transformer import ModelConfig, Transformer

    r = recipe
    config = ModelConfig(vocab_size=r["vocab_size"], n_ctx=r["n_ctx"], d_model=r["d_model"], n_heads=r["n_heads"],
                         n_layers=r["n_layers"], d_mlp=r["d_mlp"], causal=True, positions="learned",
                         activation="gelu", tie_embeddings=True, meta={"task": "course", "seed": seed})
    return Transformer(config, seed=seed)


def _checkpoint_path(seed: int, folder: Path = CHECKPOINTS) -> Path:
    return Path(folder) / f"seed-{seed}.npz"


def save_checkpoint(model, optimizer, step: int, seconds: float, seed: int, folder: Path = CHECKPOINTS) -> None:
    """Parameters and AdamW moments after `step` (plain float arrays: np.load never needs pickles)."""
    import io

    from llmtutor.files import write_atomically

    arrays = {f"p/{k}": v for k, v in model.parameters().items()}
    arrays.update({f"m/{k}": v for k, v in optimizer.m.items()})
    arrays.update({f"v/{k}": v for k, v in optimizer.v.items()})
    arrays["state"] = np.array([step, optimizer.t, seconds], dtype=np.float64)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    Path(folder).mkdir(parents=True, exist_ok=True)
    write_atomically(_checkpoint_path(seed, folder), buffer.getvalue())


def load_checkpoint(model, optimizer, seed: int, folder: Path = CHECKPOINTS) -> tuple[int, float]:
    """(step, seconds trained) from the seed's checkpoint, or (0, 0.0) when there is none."""
    path = _checkpoint_path(seed, folder)
    if not path.is_file():
        return 0, 0.0
    with np.load(path, allow_pickle=False) as data:
        model.load_parameters({k: data[f"p/{k}"] for k in model.parameters()})
        for k in optimizer.m:
            optimizer.m[k][...] = data[f"m/{k}"]
            optimizer.v[k][...] = data[f"v/{k}"]
        step, optimizer.t, seconds = data["state"].tolist()
    optimizer.t = int(optimizer.t)
    return int(step), float(seconds)


def train_course_model(seed: int, train_ids: np.ndarray, resume: bool = False, log=print, recipe: dict = RECIPE,
                       folder: Path = CHECKPOINTS, stop_after: int | None = None):
    """Train one model from `seed` (resuming its checkpoint if asked); (model, seconds of training).

    `stop_after` ends the run after that step (with a checkpoint), as an interrupted run would.
    """
    from llmtutor.model.loss import cross_entropy
    from llmtutor.model.optim import Adam

    model = new_model(seed, recipe)
    parameters = model.parameters()
    optimizer = Adam(parameters, lr=recipe["lr"], weight_decay=recipe["weight_decay"])
    done, seconds = load_checkpoint(model, optimizer, seed, folder) if resume else (0, 0.0)
    if done:
        log(f"seed {seed}: resuming after step {done} ({seconds:.0f} s trained)")
    V = model.config.vocab_size
    started = time.perf_counter() - seconds
    last = recipe["steps"] if stop_after is None else min(stop_after, recipe["steps"])
    for step in range(done + 1, last + 1):
        rng = np.random.default_rng([seed, 1, step])  # one stream per step: a resumed run sees the same batches
        inputs, targets, mask = sample_batch(rng, train_ids, step, V, recipe)
        logits = model.forward(inputs)
        loss, dlogits = cross_entropy(logits, targets, mask)
        model.backward(dlogits)
        optimizer.step(parameters, model.gradients(), lr=learning_rate(step, recipe))
        if step % 100 == 0 or step == last:
            log(f"seed {seed} step {step}: loss {loss / math.log(2):.3f} bits/token, "
                f"{time.perf_counter() - started:.0f} s")
        if step % CHECKPOINT_EVERY == 0 or step == last:
            save_checkpoint(model, optimizer, step, time.perf_counter() - started, seed, folder)
        if step % 1000 == 0:
            best = head_behaviour(model)
            log(f"  heads: previous-token {max(h.previous_token for h in best):.2f}, "
                f"induction {max(h.induction for h in best):.2f}")
    return model, time.perf_counter() - started


def as_shipped(model):
    """The model with its weights rounded to float16, as the file stores them (computed in float32)."""
    for array in model.parameters().values():
        array[...] = array.astype(np.float16).astype(np.float32)
    return model


def doubled_sentences(heldout_text: str, count: int = 12) -> list[str]:
    """A few held-out sentences (English and Chinese) of 8–40 tokens' worth of text, for the induction check."""
    import re

    pieces = [s.strip() for s in re.split(r"(?<=[.!?。！？])\s*", heldout_text) if 20 <= len(s.strip()) <= 90]
    english = [s for s in pieces if s.isascii()][: count // 2]
    chinese = [s for s in pieces if not s.isascii() and sum(ord(c) > 0x3000 for c in s) > len(s) / 2][: count // 2]
    return english + chinese


def doubled_induction(model, tokenizer, sentence: str) -> float:
    """The best head's induction score on `sentence` typed twice (space between)."""
    ids = tokenizer.encode(sentence + " " + sentence)[: model.config.n_ctx]
    model.forward(np.array(ids)[None])
    best = 0.0
    for weights in model.attention_weights():
        for head in range(weights.shape[1]):
            score = input_scores(weights[0, head], ids)[2]
            best = max(best, score or 0.0)
    return best


def build(seed: int = SEED, resume: bool = False, log=print) -> Path:
    """Tokenizer, then models from `seed` on until one meets the goal; the shipped file's path."""
    from threadpoolctl import threadpool_limits

    from llmtutor.model.checkpoint import save_model
    from llmtutor.model.corpus import HELDOUT_FILE, TRAIN_FILE, read_split, sha256_of

    started = time.perf_counter()
    tokenizer = build_tokenizer()
    log(f"tokenizer: {tokenizer.vocab_size} tokens, {time.perf_counter() - started:.1f} s")
    train_text, heldout_text = read_split()
    train_ids = np.array(tokenizer.encode(train_text), dtype=np.int64)
    heldout_ids = np.array(tokenizer.encode(heldout_text), dtype=np.int64)
    total_seconds = 0.0
    with threadpool_limits(limits=1, user_api="blas"):
        for attempt in range(TRIES):
            model, seconds = train_course_model(seed + attempt, train_ids, resume=resume, log=log)
            total_seconds += seconds
            as_shipped(model)
            behaviour = head_behaviour(model)
            ok = meets_goal(behaviour)
            log(f"seed {seed + attempt}: {seconds:.0f} s; heads "
                f"{[(h.layer, h.head, round(h.previous_token, 2), round(h.induction, 2)) for h in behaviour]}"
                f"{'' if ok else ' (goal missed: next seed)'}")
            if ok:
                break
        loss = heldout_loss(model, heldout_ids, len(heldout_text))
        doubled = {s: doubled_induction(model, tokenizer, s) for s in doubled_sentences(heldout_text)}
    model.config.meta.update({
        "task": "course", "seed": seed + attempt, "steps": RECIPE["steps"], "recipe": RECIPE,
        "train_seconds": round(seconds, 1), "all_tries_seconds": round(total_seconds, 1),
        "heldout": loss, "head_scores": [h.as_dict() for h in behaviour], "probe": PROBE,
        "doubled_sentences": doubled, "meets_goal": ok,
        "train_sha256": sha256_of(TRAIN_FILE), "heldout_sha256": sha256_of(HELDOUT_FILE),
        "tokenizer_sha256": sha256_of(COURSE_TOKENIZER), "n_parameters": model.n_parameters(),
        "numpy": np.__version__,
    })
    save_model(model, COURSE_MODEL, dtype=np.float16, compressed=False)
    log(json.dumps({k: v for k, v in model.config.meta.items() if k != "doubled_sentences"}, ensure_ascii=False))
    return COURSE_MODEL


# -- loading, for the CLI -------------------------------------------------------------------------------

_LOADED: list = []


def load_course_model():
    """(model, tokenizer): the shipped course model in float32 and its tokenizer, read once."""
    if not _LOADED:
        from llmtutor.model.bpe import course_tokenizer
        from llmtutor.model.checkpoint import load_model

        _LOADED.append((load_model(COURSE_MODEL), course_tokenizer()))
    return _LOADED[0]


class CourseAttention(NamedTuple):
    """The course model on a learner's text: its BPE tokens, real attention, and each head's scores."""

    ids: list[int]  # the token ids read (the first n_ctx of the text's tokens)
    tokens: list[str]  # the same, readable (`Tokenizer.display`)
    total: int  # how many tokens the whole text has (more than len(ids) when cut to the window)
    weights: list[np.ndarray]  # per layer (heads, n, n), from the forward pass on `ids`
    on_input: list[tuple[int, int, float | None, float | None, float | None]]  # (layer, head, prev, first, ind.)
    behaviour: list[HeadBehaviour]  # measured on repeated random tokens by the build, on the shipped weights
    meta: dict  # what the build recorded: seed, steps, held-out loss, time …
    n_ctx: int
    n_layers: int
    n_heads: int


def attend_course(text: str) -> CourseAttention:
    """The shipped course model's forward pass on `text`; TutorError "text_empty" for ""."""
    from llmtutor.errors import TutorError

    if not text:
        raise TutorError("text_empty")
    model, tokenizer = load_course_model()
    all_ids = tokenizer.encode(text)
    ids = all_ids[: model.config.n_ctx]
    # measured by the build on these very weights (as shipped), and re-measured by the tests:
    # a forward pass on 16 × 100 probe tokens would cost more than the rest of the command
    behaviour = [HeadBehaviour(**row) for row in model.config.meta.get("head_scores", [])]
    model.forward(np.array(ids, dtype=np.int64)[None])
    weights = [w[0].copy() for w in model.attention_weights()]  # per layer (heads, n, n)
    on_input = [(layer + 1, head + 1, *input_scores(w[head], ids))
                for layer, w in enumerate(weights) for head in range(w.shape[0])]
    return CourseAttention(ids, [tokenizer.display(i) for i in ids], len(all_ids), weights, on_input, behaviour,
                           dict(model.config.meta), model.config.n_ctx, model.config.n_layers, model.config.n_heads)


def build_main(argv: list[str] | None, prog: str, description: str, build, seed: int, seed_help: str,
               checkpoints: str) -> int:
    """The command line of a model's build (`--seed`, `--resume`), shared by the course and text models."""
    import argparse  # the build commands only

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--seed", type=int, default=seed, help=f"{seed_help} (default %(default)s)")
    parser.add_argument("--resume", action="store_true", help=f"go on from the checkpoints in {checkpoints}")
    args = parser.parse_args(argv)
    build(args.seed, args.resume, log=lambda line: print(line, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    return build_main(argv, "python -m llmtutor.model.course", __doc__.split("\n")[0], build, SEED,
                      "first seed to try", "build/course-lm/")


if __name__ == "__main__":
    sys.exit(main())
