"""The live view of `llmtutor train`: progress, loss and accuracy curves, and the attention as it learns.

It only draws what the training loop yielded (`llmtutor.model.Progress`); it computes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.progress_bar import ProgressBar
from rich.text import Text

from llmtutor.i18n import t
from llmtutor.render import theme

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int, low: float | None = None, high: float | None = None) -> str:
    """The last `width` values (resampled when there are more) as a row of block characters."""
    values = [v for v in values if math.isfinite(v)]
    if not values or width < 1:
        return ""
    if len(values) > width:  # keep the whole history: sample it evenly
        picks = np.linspace(0, len(values) - 1, width).round().astype(int)
        values = [values[i] for i in picks]
    low = min(values) if low is None else low
    high = max(values) if high is None else high
    span = high - low
    if span <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[min(len(SPARKS) - 1, int((v - low) / span * (len(SPARKS) - 1) + 0.5))] for v in values)


def percent(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value * 100:.1f}%"


class TrainingView:
    """Everything the live view shows, redrawn at any width from the history it is given."""

    def __init__(self, title: str, example_tokens: list[str], mask: np.ndarray | None) -> None:
        self.title = title
        self.example_tokens = example_tokens
        self.mask = mask
        self.history: list = []  # Progress records, in order
        self.snapshot = None  # the latest Progress that carries a snapshot

    def update(self, progress) -> None:
        if progress.step > 0:
            self.history.append(progress)
        if progress.snapshot is not None:
            self.snapshot = progress

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table  # here: the task list is drawn without it

        width = options.max_width
        yield Text(self.title, style=theme.TITLE, overflow="fold")
        last = self.history[-1] if self.history else None
        steps = (last or self.snapshot).steps if (last or self.snapshot) else 1
        done = last.step if last else 0
        bar_width = max(10, min(40, width - 30))
        row = Table.grid(padding=(0, 1))
        row.add_row(ProgressBar(total=steps, completed=done, width=bar_width),
                    Text(t("train_step", step=done, steps=steps) + (f" · {last.seconds:.1f} s" if last else "")))
        yield row
        curve_width = max(8, min(60, width - 22))
        losses = [p.loss for p in self.history]
        accuracies = [p.accuracy for p in self.history]
        curves = Table.grid(padding=(0, 1))
        curves.add_column(no_wrap=True)
        curves.add_column(no_wrap=True, justify="right")
        curves.add_column(no_wrap=True)
        curves.add_row(t("train_loss"), f"{last.loss:.3f}" if last else "–",
                       Text(sparkline(losses, curve_width, low=0.0), style=theme.ACCENT))
        curves.add_row(t("train_accuracy"), percent(last.accuracy) if last else "–",
                       Text(sparkline(accuracies, curve_width, low=0.0, high=1.0), style=theme.ACCENT))
        yield curves
        if self.snapshot is not None:
            yield from self._attention()

    def _attention(self):
        """Every head of every layer in one grid, on a fixed 0–1 scale so that sharpening shows."""
        from llmtutor.render.head_grid import HeadGrid
        from llmtutor.render.heatmap import Heatmap

        example = " ".join(self.example_tokens)
        snapshot = self.snapshot.snapshot  # per layer (heads, n, n)
        title = t("train_snapshot_title", example=example, step=self.snapshot.step)
        if len(snapshot) == 1 and snapshot[0].shape[0] == 1:
            yield Heatmap(snapshot[0][0], self.example_tokens, self.example_tokens, mask=self.mask, title=title,
                          vmin=0.0, vmax=1.0)
            return
        weights = np.concatenate(snapshot, axis=0)  # (layers·heads, n, n)
        titles = [t("train_head_title", layer=layer + 1, head=head + 1)
                  for layer, layer_weights in enumerate(snapshot) for head in range(layer_weights.shape[0])]
        yield HeadGrid(weights, self.example_tokens, self.example_tokens, mask=self.mask, title=title,
                       vmin=0.0, vmax=1.0, titles=titles)


class HeadScores:
    """Per head: the key it was expected to attend to, the mean weight it puts there, and row entropy.

    A table where it fits; at narrow widths one short paragraph per head, so nothing is squeezed.
    `scores` are `llmtutor.model.HeadScore`s; `expected` names each layer's expected key (or None).
    """

    def __init__(self, scores, expected: list[str | None]) -> None:
        self.scores, self.expected = scores, expected

    def _expected(self, score) -> str:
        name = self.expected[score.layer - 1] if score.layer - 1 < len(self.expected) else None
        return name or t("train_no_expected")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table  # here: the task list is drawn without it

        from llmtutor.render.wrap import Paragraph

        yield Text(t("train_scores_title"), style=theme.TITLE, overflow="fold")
        head_label, expected_label, pattern_label, entropy_label = t("train_scores_columns").split("|")
        if options.max_width >= 60:
            table = Table(box=None, padding=(0, 2), show_edge=False)
            table.add_column(head_label, no_wrap=True)
            table.add_column(expected_label)
            table.add_column(pattern_label, justify="right", no_wrap=True)
            table.add_column(entropy_label, justify="right", no_wrap=True)
            for score in self.scores:
                pattern = "–" if score.pattern is None else f"{score.pattern:.2f}"
                table.add_row(t("train_head_title", layer=score.layer, head=score.head), self._expected(score),
                              pattern, f"{score.entropy:.2f}")
            yield table
            yield Paragraph(Text(t("train_scores_legend"), style=theme.MUTED))
            return
        for score in self.scores:
            line = Text(t("train_head_title", layer=score.layer, head=score.head), style=theme.ACCENT)
            pattern = "–" if score.pattern is None else f"{score.pattern:.2f}"
            line.append(t("train_score_line", expected=self._expected(score), pattern=pattern,
                          entropy=f"{score.entropy:.2f}"))
            yield Paragraph(line)
        yield Paragraph(Text(t("train_scores_legend"), style=theme.MUTED))


def task_table(rows: list[tuple[str, str, str]]) -> "TaskTable":
    """The tasks `llmtutor train` offers: name, what it shows, how long it takes here."""
    return TaskTable(rows)


class TaskTable:
    """Three columns (task, what it shows, time) where there is room, else each task above its text.

    Drawn line by line with `break_offsets` (no word is broken; no rich.table to import at start-up).
    """

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len

        from llmtutor.render.wrap import Paragraph, break_offsets

        labels = t("train_tasks_columns").split("|")
        yield Text(t("train_tasks_title"), style=theme.TITLE)
        name_width = max(cell_len(text) for text in [labels[0], *(row[0] for row in self.rows)])
        time_width = max(cell_len(text) for text in [labels[2], *(row[2] for row in self.rows)])
        room = options.max_width - 2 - name_width - 2 - 2 - time_width
        if room < 24:  # too narrow for three columns: the task and its time, the text below
            for name, shows, seconds in self.rows:
                line = Text("  ") + Text(name, style=theme.ACCENT) + Text("  " + seconds, style=theme.MUTED)
                yield line
                yield Paragraph(Text("    " + shows), hang=4)
            return
        shows_width = min(room, max(cell_len(text) for text in [labels[1], *(row[1] for row in self.rows)]))

        def line(name: Text, shows: str, seconds: str) -> Text:
            row = Text("  ") + name + Text(" " * (name_width - name.cell_len + 2))
            row += Text(shows + " " * (shows_width - cell_len(shows) + 2))
            row += Text(" " * (time_width - cell_len(seconds)) + seconds)
            row.rstrip()
            row.no_wrap, row.overflow = True, "crop"
            return row

        header = line(Text(labels[0]), labels[1], labels[2])
        header.stylize("bold")
        yield header
        for name, shows, seconds in self.rows:
            pieces = [piece.plain.rstrip() for piece in Text(shows).divide(break_offsets(shows, shows_width))]
            for index, piece in enumerate(pieces):
                first = index == 0
                yield line(Text(name if first else "", style=theme.ACCENT), piece, seconds if first else "")


def final_group(*parts) -> Group:
    return Group(*parts)
