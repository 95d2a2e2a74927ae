"""The training loop: it computes and yields what happened (step, loss, accuracy, attention snapshots).

It prints nothing. The live view in `render/training.py` draws what it yields, `train --json`
serialises it, and the tests read it: one loop for all three.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from llmtutor.model.loss import cross_entropy
from llmtutor.model.optim import Adam
from llmtutor.model.tasks import TASKS, Task
from llmtutor.model.transformer import ModelConfig, Transformer


@dataclass(frozen=True)
class TrainSettings:
    """Everything a training run depends on; the same settings and seed give the same model."""

    task: str
    steps: int
    seed: int = 0
    length: int = 8
    layers: int = 1
    heads: int = 1
    dim: int = 32
    positions: str = "learned"
    lr: float = 3e-3
    batch: int = 64
    mlp_ratio: int = 2
    log_every: int = 10
    snapshot_every: int = 50

    @classmethod
    def defaults(cls, task_name: str, **overrides) -> "TrainSettings":
        task = TASKS[task_name]
        base = {"task": task_name, "steps": task.steps, "length": task.default_length, "layers": task.n_layers,
                "heads": task.heads, "lr": task.lr, "positions": task.positions}
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


@dataclass
class Progress:
    """One logged moment of training."""

    step: int
    steps: int
    loss: float  # on this step's batch, nats per predicted token
    accuracy: float  # on this step's batch: the share of predicted tokens that are right
    seconds: float  # since training started
    snapshot: list[np.ndarray] | None = None  # per layer (heads, n, n): the fixed example's attention


@dataclass
class Evaluation:
    """A model's result on fresh sequences it never trained on."""

    token_accuracy: float
    sequence_accuracy: float  # whole outputs right
    count: int
    loss: float = field(default=0.0)


def build_model(settings: TrainSettings) -> Transformer:
    task = TASKS[settings.task]
    config = ModelConfig(vocab_size=task.vocab_size(), n_ctx=task.n_ctx(settings.length), d_model=settings.dim,
                         n_heads=settings.heads, n_layers=settings.layers, d_mlp=settings.mlp_ratio * settings.dim,
                         causal=task.causal, positions=settings.positions, activation="gelu",
                         meta={"task": settings.task, "length": settings.length, "seed": settings.seed})
    return Transformer(config, seed=settings.seed)


def example_attention(model: Transformer, task: Task, length: int) -> list[np.ndarray]:
    """The attention of the task's fixed example, per layer `(heads, n, n)` (copies)."""
    model.forward(task.example(length)[None])
    return [weights[0].copy() for weights in model.attention_weights()]


def train(model: Transformer, settings: TrainSettings) -> Iterator[Progress]:
    """Train `model` in place on fresh batches of its task; yield a `Progress` every `log_every` steps.

    Stopping the iteration early (Ctrl-C in the caller) leaves the model as trained so far.
    """
    task = TASKS[settings.task]
    data = np.random.default_rng([settings.seed, 1])  # the training stream; the held-out one is [seed, 2]
    optimizer = Adam(model.parameters(), lr=settings.lr)
    parameters = model.parameters()
    started = time.perf_counter()
    yield Progress(0, settings.steps, float("nan"), float("nan"), 0.0,
                   example_attention(model, task, settings.length))
    for step in range(1, settings.steps + 1):
        batch = task.sample(data, settings.batch, settings.length)
        logits = model.forward(batch.inputs)  # (B, n, V)
        loss, dlogits = cross_entropy(logits, batch.targets, batch.loss_mask)
        model.backward(dlogits)
        optimizer.step(parameters, model.gradients())
        if step % settings.log_every == 0 or step == settings.steps:
            right = (logits.argmax(axis=-1) == batch.targets) & batch.loss_mask
            accuracy = float(right.sum() / max(int(batch.loss_mask.sum()), 1))
            snapshot = None
            if step % settings.snapshot_every == 0 or step == settings.steps:
                snapshot = example_attention(model, task, settings.length)
            yield Progress(step, settings.steps, loss, accuracy, time.perf_counter() - started, snapshot)


def evaluate(model: Transformer, task: Task, length: int, seed: int = 0, count: int = 1000) -> Evaluation:
    """Accuracy on `count` fresh sequences from the held-out stream `[seed, 2]`."""
    batch = task.sample(np.random.default_rng([seed, 2]), count, length)
    logits = model.forward(batch.inputs)
    loss, _ = cross_entropy(logits, batch.targets, batch.loss_mask)
    right = (logits.argmax(axis=-1) == batch.targets) | ~batch.loss_mask
    token_accuracy = float((right & batch.loss_mask).sum() / max(int(batch.loss_mask.sum()), 1))
    return Evaluation(token_accuracy, float(right.all(axis=1).mean()), count, loss)
