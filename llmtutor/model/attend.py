"""A trained toy model on a learner's input: its real attention, its output, and what each head did.

Used by `llmtutor attention TEXT --model reverse|copy|sort|induction|FILE`; computing only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from llmtutor.errors import TutorError

MODEL_NAMES = ("reverse", "copy", "sort", "induction")


@dataclass(frozen=True)
class ModelAttention:
    task: str
    source: str  # a shipped model's name, or the file it came from
    tokens: list[str]  # what the model reads (for copy and induction, the framed sequence)
    weights: list[np.ndarray]  # per layer (heads, n, n)
    output: list[str]  # the model's answer (argmax) at the task's output positions
    expected_output: list[str]  # the right answer
    head_scores: list[tuple[int, int, float | None]]  # (layer, head, weight on the expected key for this input)
    meta: dict  # what training recorded: held-out accuracy, head scores on fresh sequences, seed, steps
    causal: bool
    n_layers: int
    n_heads: int


def load_named_model(name: str):
    """A shipped toy model by name, or a model file saved by `llmtutor train` (untrusted: checked)."""
    from llmtutor.model.checkpoint import load_model
    from llmtutor.model.shipped import shipped_path

    if name in MODEL_NAMES:
        return load_model(shipped_path(name)), name
    return load_model(Path(name)), name


def attend(model, source: str, text: str) -> ModelAttention:
    """Run `model` on the learner's `text`; TutorError (exit 2) if the text is not the task's input."""
    from llmtutor.model.tasks import TASKS

    task_name = model.config.meta.get("task")
    if task_name not in TASKS:
        raise TutorError("model_unknown_task", path=source)
    task = TASKS[task_name]
    length = int(model.config.meta.get("length", task.default_length))
    sequence = task.encode(text)
    symbols = _symbols(task)
    if sequence is None or len(sequence) != length:
        raise TutorError("model_input", model=source, symbols=symbols, n=length,
                         example=task.example_text if len(task.encode(task.example_text)) == length
                         else " ".join(task.symbols[i % len(task.symbols)] for i in range(length)))
    if task_name == "induction" and len(set(sequence.tolist())) != len(sequence):
        raise TutorError("model_input_distinct", model=source, n=length)
    inputs = task.model_input(sequence)[None]  # (1, n)
    logits = model.forward(inputs)  # (1, n, V)
    weights = [w[0].copy() for w in model.attention_weights()]  # per layer (heads, n, n)
    batch = _reference(task, inputs, sequence)
    shown = task.output_positions(inputs, length)[0]
    output = task.decode(logits[0].argmax(-1)[shown])
    expected = task.decode(batch[shown])
    keys = task.expected_keys(inputs, length, model.config.n_layers)
    scores = []
    for layer, layer_weights in enumerate(weights):
        for head in range(layer_weights.shape[0]):
            expect = keys[layer]
            if expect is None:
                scores.append((layer + 1, head + 1, None))
                continue
            rows = np.flatnonzero(expect[0] >= 0)
            scores.append((layer + 1, head + 1, float(layer_weights[head][rows, expect[0][rows]].mean())))
    return ModelAttention(task_name, source, task.decode(inputs[0]), weights, output, expected, scores,
                          dict(model.config.meta), model.config.causal, model.config.n_layers, model.config.n_heads)


def _reference(task, inputs: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    """The right output at each position of `inputs` `(1, n)`, as the task defines it."""
    if task.name == "reverse":
        return sequence[::-1]
    if task.name == "sort":
        return np.sort(sequence)
    # copy and induction predict the next token; after the last one comes the copy's last token
    # (copy) or the segment's first again (induction), outside the positions shown
    return np.concatenate([inputs[0][1:], [sequence[-1] if task.name == "copy" else sequence[0]]])


def _symbols(task) -> str:
    from llmtutor.i18n import t

    if task.symbols[0].isdigit():
        return t("model_symbols_digits")
    return t("model_symbols_letters", first=task.symbols[0], last=task.symbols[-1])
