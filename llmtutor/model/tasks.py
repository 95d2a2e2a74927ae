"""Toy tasks with a known answer and an attention pattern a learner can expect.

Each task makes its sequences fresh from a seed (no data set), says what a correct model outputs,
and which key each query *should* attend to, layer by layer, so that what a model learned can be
measured from its weights (`llmtutor.model.analysis`). The explanations a learner reads are in
`llmtutor/messages/train.yaml` under `task_<name>_shows` and `task_<name>_pattern`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIGITS = tuple("0123456789")
LETTERS = tuple("abcdefghijklmnop")  # 16 symbols: a repeated segment of up to 16 distinct letters
SEPARATOR = "|"


@dataclass(frozen=True)
class Batch:
    """A batch of training or test sequences."""

    inputs: np.ndarray  # (B, n) token ids the model reads
    targets: np.ndarray  # (B, n) the right output at each position
    loss_mask: np.ndarray  # (B, n) bool: the positions that count for loss and accuracy


@dataclass(frozen=True)
class Task:
    """What every task shares; the subclasses say how sequences are made and read."""

    name: str
    symbols: tuple[str, ...]
    default_length: int
    min_length: int
    max_length: int
    n_layers: int  # the layers the task needs (the default for `train`)
    causal: bool
    steps: int  # default training steps
    lr: float
    example_text: str  # the fixed example whose attention the live view redraws
    heads: int = 1  # heads per layer (the default for `train`)
    positions: str = "learned"  # learned | sinusoidal
    seconds: int = 0  # about how long `train TASK` takes with the defaults on a 2-core laptop

    def n_ctx(self, length: int) -> int:
        return length

    def vocab_size(self) -> int:
        return len(self.symbols)

    def encode(self, text: str) -> np.ndarray:
        """Token ids `(n,)` of a learner's input: symbols separated by spaces, or written together."""
        parts = text.split() if " " in text.strip() else list(text.strip())
        index = {symbol: i for i, symbol in enumerate(self.symbols)}
        return np.array([index[p] for p in parts], dtype=np.int64) if all(p in index for p in parts) else None

    def decode(self, ids) -> list[str]:
        return [self.symbols[int(i)] for i in ids]

    def sample(self, rng: np.random.Generator, batch: int, length: int) -> Batch:
        raise NotImplementedError

    def model_input(self, sequence: np.ndarray) -> np.ndarray:
        """The ids `(n,)` the model reads for one learner sequence (the task's own framing)."""
        return sequence

    def expected_keys(self, inputs: np.ndarray, length: int, n_layers: int) -> list[np.ndarray | None]:
        """Per layer, `(B, n)` the key each query should attend to most (−1: no expectation), or None."""
        raise NotImplementedError

    def expected_names(self, n_layers: int) -> list[str | None]:
        """Per layer, the message key that says in words which key is expected (None: none)."""
        return [f"task_{self.name}_expect_1"] * n_layers

    def example(self, length: int) -> np.ndarray:
        ids = self.encode(self.example_text)[:length]
        if len(ids) < length:  # a longer --length: extend the example with a fixed pattern
            ids = np.concatenate([ids, np.arange(length - len(ids)) % len(self.symbols)])
        return self.model_input(ids)

    def output_positions(self, inputs: np.ndarray, length: int) -> np.ndarray:
        """`(B, n)` bool: where the model's predictions are the task's output (for showing it)."""
        return self.sample_mask(inputs, length)

    def sample_mask(self, inputs: np.ndarray, length: int) -> np.ndarray:
        return np.ones(inputs.shape, dtype=bool)


class Reverse(Task):  # no fields of its own: Task's dataclass methods serve
    """Output position i is input position n−1−i: the attention map is the anti-diagonal."""

    def sample(self, rng, batch, length):
        inputs = rng.integers(0, len(self.symbols), size=(batch, length))  # (B, n)
        return Batch(inputs, inputs[:, ::-1].copy(), np.ones(inputs.shape, dtype=bool))

    def expected_keys(self, inputs, length, n_layers):
        keys = np.broadcast_to(np.arange(length)[::-1], inputs.shape)  # query i → key n−1−i
        return [keys] * n_layers  # whichever layer does it


class Copy(Task):  # no fields of its own: Task's dataclass methods serve
    """`x | x`: after the separator each position predicts the token n places back (causal)."""

    def n_ctx(self, length):
        return 2 * length

    def encode(self, text):
        ids = Task.encode(self, text.replace(SEPARATOR, " ").strip())
        return None if ids is None or np.any(ids == self.symbols.index(SEPARATOR)) else ids

    def model_input(self, sequence):
        separator = self.symbols.index(SEPARATOR)
        return np.concatenate([sequence, [separator], sequence[:-1]])  # (2n,)

    def sample(self, rng, batch, length):
        separator = self.symbols.index(SEPARATOR)
        x = rng.integers(0, separator, size=(batch, length))  # digits only  (B, n)
        sequence = np.concatenate([x, np.full((batch, 1), separator), x], axis=1)  # (B, 2n + 1)
        inputs, targets = sequence[:, :-1], sequence[:, 1:]  # next-token prediction  (B, 2n)
        return Batch(inputs, targets.copy(), self.sample_mask(inputs, length))

    def sample_mask(self, inputs, length):
        mask = np.zeros(inputs.shape, dtype=bool)
        mask[:, length:] = True  # only the second copy can be predicted
        return mask

    def expected_keys(self, inputs, length, n_layers):
        keys = np.full(inputs.shape, -1)
        keys[:, length:] = np.arange(length)  # query n + i → key i, whose token comes next
        return [keys] * n_layers


class Sort(Task):  # no fields of its own: Task's dataclass methods serve
    """Output position i is the i-th smallest input: solvable by counting, with flat attention."""

    def sample(self, rng, batch, length):
        inputs = rng.integers(0, len(self.symbols), size=(batch, length))
        return Batch(inputs, np.sort(inputs, axis=1), np.ones(inputs.shape, dtype=bool))

    def expected_keys(self, inputs, length, n_layers):
        return [None] * n_layers  # no key to expect: a counting solution reads them all

    def expected_names(self, n_layers):
        return [None] * n_layers


class Induction(Task):  # no fields of its own: Task's dataclass methods serve
    """A random segment seen twice (causal, two layers): on the second copy, predict what came next last time.

    Length is the segment's longest length; each sequence's segment is between half that and all
    of it, so the distance to the first copy changes and only content, not position, finds it.
    """

    def n_ctx(self, length):
        return 2 * length

    def segment_lengths(self, rng, batch, length):
        return rng.integers(max(2, length // 2), length + 1, size=batch)

    def model_input(self, sequence):
        return np.concatenate([sequence, sequence])[: 2 * len(sequence)]

    def sample(self, rng, batch, length):
        n = 2 * length
        m = self.segment_lengths(rng, batch, length)  # (B,) segment lengths
        # distinct letters in each segment, so each token's earlier occurrence is unique
        segments = np.argsort(rng.random((batch, len(self.symbols))), axis=1)[:, :length]  # (B, length)
        filler = rng.integers(0, len(self.symbols), size=(batch, n + 1))
        position = np.arange(n + 1)[None, :]  # (1, n + 1)
        first = position < m[:, None]
        second = (position >= m[:, None]) & (position < 2 * m[:, None])
        index = np.where(second, position - m[:, None], np.minimum(position, length - 1))
        sequence = np.where(first | second, np.take_along_axis(segments, index, axis=1), filler)  # (B, n + 1)
        inputs, targets = sequence[:, :-1], sequence[:, 1:]
        mask = (position[:, :-1] >= m[:, None]) & (position[:, :-1] <= 2 * m[:, None] - 2)
        return Batch(inputs, targets.copy(), mask)

    def _segment_length(self, inputs):
        """m of each sequence `(B,)`: where the first token comes back (inputs of `model_input`)."""
        repeats = inputs[:, 1:] == inputs[:, :1]
        return np.where(repeats.any(axis=1), repeats.argmax(axis=1) + 1, inputs.shape[1])

    def sample_mask(self, inputs, length):
        m = self._segment_length(inputs)[:, None]
        position = np.arange(inputs.shape[1])[None, :]
        return (position >= m) & (position <= 2 * m - 2)

    def expected_keys(self, inputs, length, n_layers):
        m = self._segment_length(inputs)[:, None]  # (B, 1)
        position = np.broadcast_to(np.arange(inputs.shape[1])[None, :], inputs.shape)
        previous = np.where(position >= 1, position - 1, -1)  # layer 1: the previous token
        induction = np.where((position >= m) & (position <= 2 * m - 2), position - m + 1, -1)  # after the last copy
        return [previous] + [induction] * (n_layers - 1)  # layer 1 prepares, a later layer looks up

    def expected_names(self, n_layers):
        return ["task_induction_expect_1"] + ["task_induction_expect_2"] * (n_layers - 1)


TASKS: dict[str, Task] = {
    "reverse": Reverse("reverse", DIGITS, 8, 2, 16, n_layers=1, causal=False, steps=400, lr=3e-3, seconds=2,
                       example_text="3 1 4 1 5 9 2 6"),
    "copy": Copy("copy", DIGITS + (SEPARATOR,), 6, 2, 16, n_layers=1, causal=True, steps=600, lr=3e-3, seconds=3,
                 example_text="3 1 4 1 5 9"),
    "sort": Sort("sort", DIGITS, 8, 2, 16, n_layers=1, causal=False, steps=2000, lr=3e-3, seconds=6,
                 example_text="3 1 4 1 5 9 2 6"),
    # Sinusoidal positions make the offset "one place back" the same map at every position, and
    # two heads per layer leave room for the circuit: with learned positions and one head, most
    # seeds solved the task with another circuit (reading two places back) instead.
    "induction": Induction("induction", LETTERS, 8, 4, 16, n_layers=2, causal=True, steps=1500, lr=3e-3, seconds=25,
                           example_text="h e a d c b g f", heads=2, positions="sinusoidal"),
}
