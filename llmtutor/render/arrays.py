"""NumPy arrays drawn for a walkthrough step: named matrices with their shapes, value grids,
tables, bar charts and heatmaps (one, side by side, or one per head). Each measures itself
against the console width (80 or 40) and shows at most `MAX_ROWS` rows; the rest is in --json.

The heatmap module is imported where a heatmap is drawn: it needs NumPy.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from llmtutor.i18n import Localized, t
from llmtutor.render import theme
from llmtutor.render.lines import NEW_LINE, Line, combined, plain_fits
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph
from llmtutor.walkthroughs.steps import BarsSpec, HeatmapSpec, NamedArray, Step, TableSpec, Tokens, ValueGridSpec

if TYPE_CHECKING:  # imported where drawn: it needs NumPy, which `llmtutor walk` alone does not
    from llmtutor.render.heatmap import Heatmap

DECIMALS = 3
MAX_ROWS = 16  # rows of an array or table drawn; the rest is in --json
MAX_HEADS = 4
MAX_GRID_ROWS = 32
LABEL_CAP = 10
EIGHTHS = "▏▎▍▌▋▊▉█"


def _colour(console: Console) -> bool:
    return console.color_system is not None and not console.no_color


def local_text(text: Localized | str | None, lang: str) -> str:
    """A text in `lang`, with control characters made visible."""
    if text is None:
        return ""
    return visible(text.get(lang) if isinstance(text, Localized) else str(text))


def number(value: object, decimals: int = DECIMALS) -> str:
    """A cell: ints as they are, floats with fixed decimals (-0.000 shown as 0.000), ±inf as -inf/inf."""
    kind = type(value)
    if kind is float:  # the usual case first (an array's values arrive as Python floats)
        return _real(value, decimals)
    if kind is int:
        return str(value)
    if isinstance(value, bool) or kind.__name__ == "bool_":
        return "1" if value else "0"
    if isinstance(value, numbers.Integral):  # NumPy registers its integer types here
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _real(float(value), decimals)
    return visible(str(value))


def _real(value: float, decimals: int) -> str:
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else "-inf" if value < 0 else "inf"
    text = "%.*f" % (decimals, value) if -1e7 < value < 1e7 else "%.*e" % (decimals, value)
    return text[1:] if text[0] == "-" and not text.strip("-0.") else text


def _cells(values) -> list[list[str]]:
    """`number` of every value of a 2-D array, as strings (floats of a usual size formatted in one go)."""
    import numpy as np

    if values.dtype.kind == "f" and values.size and np.isfinite(values).all() and np.abs(values).max() < 1e7:
        form = f"%.{DECIMALS}f"
        negative_zero = form % -0.0  # shown as 0.000, as `number` shows it
        return [[text[1:] if text == negative_zero else text for text in map(form.__mod__, row)]
                for row in values.tolist()]
    if values.dtype.kind in "fiu":  # Python numbers: each formats like its NumPy scalar, quicker
        values = values.tolist()
    return [[number(v) for v in row] for row in values]


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


# ---------------------------------------------------------------- arrays

class ArrayView:
    """`name: (r, c)` and the numbers, right-aligned with fixed decimals, rows labelled by tokens."""

    def __init__(self, array: NamedArray, lang: str) -> None:
        self.array, self.lang = array, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import numpy as np

        from llmtutor.render.cells import clean_token

        width = options.max_width
        values = np.asarray(self.array.values)
        header = Text.assemble((visible(self.array.name), theme.ACCENT), f": {_shape(values.shape)}")
        yield Paragraph(header)
        if values.dtype == object or values.dtype.kind in "US":
            yield Paragraph(Text("  ".join(f"{i}:{clean_token(v)}" for i, v in enumerate(values.ravel()))))
        elif values.ndim <= 2:
            yield from self._matrix(np.atleast_2d(values), console, options)
        else:
            heads = values.reshape(-1, *values.shape[-2:])
            for k in range(min(len(heads), MAX_HEADS)):
                yield Line(t("walk_head_slice", name=visible(self.array.name), index=k, k=k + 1, h=len(heads)),
                           style=theme.MUTED, overflow="fold")
                yield from self._matrix(heads[k], console, options)
            if len(heads) > MAX_HEADS:
                yield Line(t("walk_heads_shown", k=MAX_HEADS, h=len(heads)), style=theme.MUTED, overflow="fold")
        if self.array.note is not None:
            yield Paragraph(Text(local_text(self.array.note, self.lang), style=theme.MUTED))

    def _matrix(self, values, console: Console, options: ConsoleOptions) -> RenderResult:
        from llmtutor.render.cells import clean_token, fit_cells

        width = options.max_width
        n_rows, n_cols = values.shape
        shown = min(n_rows, MAX_ROWS)
        cells = _cells(values[:shown])
        col_w = max((len(c) for row in cells for c in row), default=1)
        rows = self.array.row_labels
        labels = [clean_token(x) for x in rows[:shown]] if rows and len(rows) == n_rows else None
        label_w = min(LABEL_CAP, max(cell_len(x) for x in labels)) if labels else 0
        left = label_w + 1 if labels else 0
        fit = max(1, min(n_cols, (width - left) // (col_w + 1)))
        cols = self.array.col_labels
        if cols and len(cols) == n_cols:
            col_w = max(col_w, min(6, max(cell_len(clean_token(x)) for x in cols)))
            fit = max(1, min(n_cols, (width - left) // (col_w + 1)))
            header = "".join(" " + fit_cells(clean_token(x), col_w, "right") for x in cols[:fit])
            yield from Line(" " * left + header, style=theme.MUTED, no_wrap=True, overflow="crop").segments(console, options)
        muted = combined(console, (theme.MUTED,))
        quick = options.justify in (None, "default")  # then a row that fits is its segments, as Line gives them
        for r, row in enumerate(cells):
            numbers = "".join(" " + c.rjust(col_w) for c in row[:fit])
            label = fit_cells(labels[r], label_w, "right") + " " if labels else ""
            if quick and plain_fits(label + numbers, width):
                if label:
                    yield Segment(label, muted)
                yield Segment(numbers)
                yield NEW_LINE
                continue
            line = Line((label, theme.MUTED), numbers, no_wrap=True, overflow="crop")
            yield from line.segments(console, options)
        if shown < n_rows:
            yield Line(t("heatmap_rows_shown", a=1, b=shown, n=n_rows), style=theme.MUTED, overflow="fold")
        if fit < n_cols:
            yield Line(t("heatmap_cols_shown", a=1, b=fit, n=n_cols), style=theme.MUTED, overflow="fold")


# ---------------------------------------------------------------- pictures

def _diverging(value: float) -> Style:
    """Blue for -1, light grey for 0, red for +1."""
    end = (180, 4, 38) if value >= 0 else (59, 76, 192)
    share = min(abs(float(value)), 1.0)
    r, g, b = (round(221 + (c - 221) * share) for c in end)
    return Style(bgcolor=Color.from_rgb(r, g, b))


class ValueGrid:
    """Values in [-1, 1] (the positional-encoding table) as a grid of two-column cells, with a legend."""

    SHADES = " ░▒▓█"

    def __init__(self, spec: ValueGridSpec, lang: str) -> None:
        self.spec, self.lang = spec, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import numpy as np

        from llmtutor.render.cells import fit_cells

        width, colour = options.max_width, _colour(console)
        values = np.asarray(self.spec.values, float)
        n_rows, n_cols = values.shape
        title = f"{local_text(self.spec.title, self.lang)} ({n_rows} × {n_cols})"
        yield Paragraph(Text(title, style=theme.TITLE))
        yield Text(t("walk_grid_axes"), style=theme.MUTED, overflow="fold")
        rows = min(n_rows, MAX_GRID_ROWS)
        label_w = max(cell_len(x) for x in self.spec.row_labels[:rows])
        fit = max(1, min(n_cols, (width - label_w - 3) // 2))
        border = Segment("│", console.get_style(theme.MUTED))
        for r in range(rows):
            yield Segment(fit_cells(self.spec.row_labels[r], label_w, "right") + " ")
            yield border
            for value in values[r, :fit]:
                if colour:
                    yield Segment("  ", _diverging(value))
                else:
                    level = min(int((value + 1) / 2 * len(self.SHADES)), len(self.SHADES) - 1)
                    yield Segment(self.SHADES[level] * 2)
            yield border
            yield Segment.line()
        if rows < n_rows:
            yield Text(t("heatmap_rows_shown", a=1, b=rows, n=n_rows), style=theme.MUTED, overflow="fold")
        if fit < n_cols:
            yield Text(t("heatmap_cols_shown", a=1, b=fit, n=n_cols), style=theme.MUTED, overflow="fold")
        if colour:
            legend = Text("-1 ")
            for v in np.linspace(-1, 1, 9):
                legend.append(" ", _diverging(float(v)))
            legend.append(" +1  " + t("walk_grid_legend_colour"))
            yield Paragraph(legend)
        else:
            step = 2 / len(self.SHADES)
            parts = [f"[{g * 2}] {-1 + i * step:+.1f}…{-1 + (i + 1) * step:+.1f}" for i, g in enumerate(self.SHADES)]
            yield Paragraph(Text("  ".join(parts)))


class TableView:
    """A TableSpec as a Rich table: numbers right-aligned with fixed decimals, the marked row highlighted."""

    def __init__(self, spec: TableSpec, lang: str) -> None:
        self.spec, self.lang = spec, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        spec = self.spec
        if spec.title is not None:
            yield Paragraph(Text(local_text(spec.title, self.lang), style=theme.TITLE))
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        first = spec.rows[0] if spec.rows else ()
        for i, column in enumerate(spec.columns):
            numeric = i < len(first) and isinstance(first[i], numbers.Real)
            table.add_column(Text(local_text(column, self.lang)), justify="right" if numeric else "left",
                             overflow="fold")
        for r, row in enumerate(spec.rows[:MAX_ROWS * 2]):
            cells = [c if isinstance(c, Tokens) else local_text(c, self.lang) if isinstance(c, Localized)
                     else number(c, spec.decimals) for c in row]
            if spec.marked_row is not None:  # a pointer too, for screens without colour
                cells[0] = ("▸ " if r == spec.marked_row else "  ") + cells[0]
            table.add_row(*(TokenLine(c.symbols) if isinstance(c, Tokens) else Text(c) for c in cells),
                          style=theme.ACCENT if r == spec.marked_row else None)
        yield table
        if len(spec.rows) > MAX_ROWS * 2:
            yield Text(t("heatmap_rows_shown", a=1, b=MAX_ROWS * 2, n=len(spec.rows)), style=theme.MUTED)


class TokenLine:
    """Tokens a space apart, wrapped only between tokens: a token is never broken across lines."""

    def __init__(self, tokens: tuple[str, ...]) -> None:
        from llmtutor.render.cells import clean_token

        self.tokens = [clean_token(token) for token in tokens]

    def __rich_measure__(self, console: Console, options: ConsoleOptions):
        from rich.measure import Measurement

        widths = [cell_len(token) for token in self.tokens] or [0]
        return Measurement(max(widths), sum(widths) + len(widths) - 1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = ""
        for token in self.tokens:
            if line and cell_len(line) + 1 + cell_len(token) > options.max_width:
                yield Text(line, overflow="fold")
                line = token
            else:
                line = f"{line} {token}" if line else token
        yield Text(line, overflow="fold")


class Bars:
    """A horizontal bar chart in text: label, bar (in eighths of a cell), value and unit."""

    def __init__(self, spec: BarsSpec, lang: str) -> None:
        self.spec, self.lang = spec, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from llmtutor.render.cells import fit_cells

        from llmtutor.render.pages import MEASURE

        spec, width = self.spec, min(options.max_width, MEASURE)  # bars are read as a table: at the measure
        if spec.title is not None:
            yield Paragraph(Text(local_text(spec.title, self.lang), style=theme.TITLE))
        texts = [f"{number(float(v), spec.decimals)} {spec.unit}" for v in spec.values]
        label_w = max(cell_len(x) for x in spec.labels)
        value_w = max(len(x) for x in texts)
        room = max(4, width - label_w - value_w - 3)
        top = max(max(spec.values), 1e-300)
        ascii_only = options.ascii_only
        for label, value, text in zip(spec.labels, spec.values, texts):
            eighths = int(round(max(value, 0) / top * room * 8))
            if ascii_only:
                bar = "#" * max(eighths // 8, 1 if value > 0 else 0)
            else:
                bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8 - 1] if eighths % 8 else "")
                bar = bar or ("▏" if value > 0 else "")
            line = Text(fit_cells(label, label_w, "right") + " ", no_wrap=True, overflow="crop")
            line.append(bar.ljust(room), style=theme.ACCENT)
            line.append(" " + text.rjust(value_w))
            yield line


class SideBySide:
    """Two heatmaps next to each other when both fit half the width, else one above the other;
    either way on one colour scale, with one legend that says so."""

    GAP = 2

    def __init__(self, left: Heatmap, right: Heatmap) -> None:
        import copy

        import numpy as np

        from llmtutor.render.heatmap import value_range

        lows, highs = zip(*(value_range(h.weights, h.allowed) for h in (left, right)))
        self.vmin, self.vmax = min(lows), max(highs)
        self.left, self.right = copy.copy(left), copy.copy(right)
        for heatmap in (self.left, self.right):
            heatmap.fixed_scale, heatmap.legend = (self.vmin, self.vmax), False
        self.masked = not (np.all(left.allowed) and np.all(right.allowed))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from llmtutor.render.heatmap import HeatmapLegend

        each = (options.max_width - self.GAP) // 2
        colour = _colour(console)
        legend = HeatmapLegend(self.vmin, self.vmax, masked=self.masked, color=colour, shared="panels")
        if each < 20 or not (self.left.fits_whole(each, colour) and self.right.fits_whole(each, colour)):
            yield self.left
            yield Text("")
            yield self.right
            yield legend
            return
        each = min(each, max(Measurement.get(console, options.update_width(each), h).maximum
                             for h in (self.left, self.right)))  # side by side, not at the far edges
        blocks_ = [console.render_lines(h, options.update_width(each), pad=True) for h in (self.left, self.right)]
        height = max(len(b) for b in blocks_)
        blocks_ = [Segment.set_shape(b, each, height) for b in blocks_]
        for row in range(height):
            yield from blocks_[0][row]
            yield Segment(" " * self.GAP)
            yield from blocks_[1][row]
            yield Segment.line()
        yield legend


class Heads:
    """One heatmap per head: side by side (HeadGrid) when two fit across, else one below the other."""

    def __init__(self, spec: HeatmapSpec, title: str | None) -> None:
        self.spec, self.title = spec, title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import numpy as np

        from llmtutor.render.head_grid import HeadGrid
        from llmtutor.render.heatmap import Heatmap, HeatmapLegend, value_range

        spec, weights = self.spec, self.spec.weights  # (h, n_q, n_k)
        each = (options.max_width - 2) // 2
        first = Heatmap(weights[0], spec.row_labels, spec.col_labels, mask=spec.mask)
        if len(weights) == 1 or (each >= 20 and first.fits_whole(each, _colour(console))):
            yield HeadGrid(weights, spec.row_labels, spec.col_labels, mask=spec.mask, title=self.title)
            return
        if self.title:
            yield Paragraph(Text(self.title, style=theme.TITLE))
        allowed = np.isfinite(weights) if spec.mask is None else np.isfinite(weights) & spec.mask  # (h, n_q, n_k)
        low, high = value_range(weights, allowed)  # one colour scale for every head
        for k in range(len(weights)):
            if k:
                yield Text("")
            yield Heatmap(weights[k], spec.row_labels, spec.col_labels, mask=spec.mask, vmin=low, vmax=high,
                          title=t("heatmap_head", k=k + 1, h=len(weights)), legend=False)
        yield HeatmapLegend(low, high, masked=not allowed.all(), color=_colour(console), shared="heads")


def _heatmap(spec: HeatmapSpec, lang: str) -> RenderableType:
    from llmtutor.render.heatmap import Heatmap

    title = local_text(spec.title, lang) or None
    if spec.weights.ndim == 3:
        return Heads(spec, title)
    return Heatmap(spec.weights, spec.row_labels, spec.col_labels, mask=spec.mask, title=title)


def figures(step: Step, lang: str) -> list[RenderableType]:
    """The step's pictures; two 2-D heatmaps in a row become one SideBySide."""
    out: list[RenderableType] = []
    pending: Heatmap | None = None
    for spec in step.figures:
        if isinstance(spec, HeatmapSpec) and spec.weights.ndim == 2:
            drawn = _heatmap(spec, lang)
            if pending is not None:
                out[-1] = SideBySide(pending, drawn)
                pending = None
            else:
                out.append(drawn)
                pending = drawn
            continue
        pending = None
        if isinstance(spec, HeatmapSpec):
            out.append(_heatmap(spec, lang))
        elif isinstance(spec, ValueGridSpec):
            out.append(ValueGrid(spec, lang))
        elif isinstance(spec, TableSpec):
            out.append(TableView(spec, lang))
        elif isinstance(spec, BarsSpec):
            out.append(Bars(spec, lang))
    return out
