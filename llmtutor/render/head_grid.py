"""Several attention heads at once: side by side when they fit, else one head and a selector."""

from __future__ import annotations

import copy
from typing import Sequence

import numpy as np
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment

from llmtutor.errors import TutorError
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.cells import clean_token
from llmtutor.render.heatmap import ColumnKey, Heatmap, HeatmapLegend, uses_colour, value_range
from llmtutor.render.lines import Line


class HeadGrid:
    """Several heads side by side (in rows of a grid) when they fit, else one head and how to pick another.

    weights: (h, n_q, n_k); mask: (n_q, n_k) or (h, n_q, n_k), True = may attend;
    head: 0-based index to show only that head. All heads share one colour scale (vmin/vmax fix it),
    which the legend names (shared: "heads", or "layers" for a fixed scale across layers);
    rows/cols/range_hint: as for `Heatmap`, for every head; across: heads per row (default: all that fit);
    max_cell: as for `Heatmap`.
    """

    def __init__(self, weights, row_labels: Sequence[object], col_labels: Sequence[object], mask=None,
                 head: int | None = None, title: str | None = None, show_values: bool = False,
                 color: bool | None = None, gap: int = 2, vmin: float | None = None,
                 vmax: float | None = None, titles: Sequence[str] | None = None, shared: str = "heads",
                 rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None,
                 range_hint: bool = False, across: int | None = None, max_cell: int | None = None) -> None:
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.ndim != 3:
            raise ValueError(f"weights must be 3-D (h, n_q, n_k), got shape {self.weights.shape}")
        n_heads = self.weights.shape[0]
        if head is not None and not 0 <= head < n_heads:
            raise TutorError("heatmap_no_such_head", k=head + 1, h=n_heads)
        masks = np.ones(self.weights.shape, bool) if mask is None else np.broadcast_to(np.asarray(mask, bool), self.weights.shape)
        self.vmin, self.vmax = value_range(self.weights, masks & np.isfinite(self.weights))
        if vmin is not None and vmax is not None:  # a fixed scale, e.g. 0–1 while training sharpens a map
            self.vmin, self.vmax = vmin, vmax
        labels = [clean_token(label) for label in row_labels]  # cleaned once for every head
        row_labels, col_labels = labels, labels if col_labels is row_labels else col_labels
        self.heads = [
            Heatmap(self.weights[k], row_labels, col_labels, masks[k],
                    title=titles[k] if titles else t("heatmap_head_short", k=k + 1, h=n_heads),
                    show_values=show_values, color=color, vmin=self.vmin, vmax=self.vmax, legend=False,
                    rows=rows, cols=cols, range_hint=range_hint, **({"max_cell": max_cell} if max_cell else {}))
            for k in range(n_heads)
        ]
        for heatmap in self.heads:
            heatmap.show_key = False  # one key under the grid, not one per head
        self.head, self.title, self.color, self.gap, self.shared = head, title, color, gap, shared
        self.across = across  # heads per row of the grid, else as many as fit

    def _columns(self, width: int, colour: bool) -> int:
        """How many heads fit side by side (0: fewer than two, so show one head)."""
        n_heads = len(self.heads)
        for across in range(n_heads, 1, -1):
            each = (width - self.gap * (across - 1)) // across
            if each >= 20 and self.heads[0].fits_whole(each, colour):
                return across
        return 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        colour = uses_colour(console, self.color)
        n_heads = len(self.heads)
        if self.title:
            yield Line(self.title, style=theme.TITLE, overflow="fold")
        across = (self.across or self._columns(width, colour)) if self.head is None else 0
        if not across:
            k = self.head or 0
            single = copy.copy(self.heads[k])
            single.legend, single.show_key = True, True
            yield single
            if n_heads > 1:
                yield Line(t("heatmap_head_choose", k=k + 1, h=n_heads), style=theme.MUTED, overflow="fold")
            return
        each = (width - self.gap * (across - 1)) // across
        each = min(each, Measurement.get(console, options.update_width(each), self.heads[0]).maximum)
        spacer = Segment(" " * self.gap)
        for first in range(0, n_heads, across):
            blocks = [console.render_lines(head, options.update_width(each), pad=True)
                      for head in self.heads[first : first + across]]
            height = max(len(block) for block in blocks)
            blocks = [Segment.set_shape(block, each, height) for block in blocks]
            for row in range(height):
                for i, block in enumerate(blocks):
                    if i:
                        yield spacer
                    yield from block[row]
                yield Segment.line()
        key = self.heads[0].column_key(each, colour)
        if key:
            yield ColumnKey(key)
        masked = any(not head.allowed.all() for head in self.heads)
        yield HeatmapLegend(self.vmin, self.vmax, masked=masked, color=colour, shared=self.shared)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(20, options.max_width), options.max_width)
