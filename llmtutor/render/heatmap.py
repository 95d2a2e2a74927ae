"""Attention heatmaps: one matrix of weights as a Rich renderable (`Heatmap`) and its legend.

Several heads: `render.head_grid`; saving as SVG/HTML: `render.export`; token text: `render.cells`.

Rows are queries and columns are keys, each labelled with its token. The picture never computes
attention; it only draws the weights it is given. Long sequences are shown through a window or
pooled (blocks of cells averaged into one) so that every line fits the console width.

Positions shown to the learner (row ranges, column rulers, head numbers) count from 1.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.cells import clean_token, fit_cells
from llmtutor.render.lines import NEW_LINE, Line
from llmtutor.render.ranges import more_hint
from llmtutor.render.wrap import Paragraph

POOL_FROM = 64  # longer sequences that do not fit are pooled; shorter ones are windowed
MAX_CELL = 10  # widest cell (columns) used to write a column label across its column
LEGEND_SWATCHES = 10
# viridis, from dark blue-violet (least attention) to yellow (most): readable for colour-blind eyes
_RAMP_RGB = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)


class _Glyphs:
    """The characters of a picture (a plain class: a dataclass costs more to define than to draw with)."""

    __slots__ = ("shades", "masked", "border", "ellipsis", "focus")

    def __init__(self, shades: str, masked: str, border: str, ellipsis: str, focus: str) -> None:
        self.shades = shades  # five levels, least to most attention
        self.masked, self.border, self.ellipsis, self.focus = masked, border, ellipsis, focus


_UNICODE = _Glyphs(shades=" ░▒▓█", masked="·", border="│", ellipsis="…", focus="▸")
_ASCII = _Glyphs(shades=" .:+#", masked="x", border="|", ellipsis="~", focus=">")


# ---------------------------------------------------------------- labels

def _ruler(starts: Sequence[int], cell_w: int, width: int) -> str:
    """Positions written at the left edge of their columns, skipping those that would collide."""
    line = [" "] * width
    free = 0
    for column, position in enumerate(starts):
        label, x = str(position), column * cell_w
        if x >= free and x + len(label) <= width:
            line[x : x + len(label)] = label
            free = x + len(label) + 1
    return "".join(line)


def _fmt(value: float, span: float) -> str:
    """A scale value with enough decimals to tell the ends of `span` apart."""
    decimals = 2 if span >= 0.1 else 3 if span >= 0.01 else 4
    return f"{value:.{decimals}f}"


def _cell_value(value: float) -> str:
    """A weight in a cell: `.42`, `1.00`, fixed to two decimals."""
    text = f"{value:.2f}"
    return text[1:] if text.startswith("0.") else text


# ---------------------------------------------------------------- colour

def _ramp_rgb(scaled: np.ndarray) -> np.ndarray:
    """Colours for values scaled to [0, 1]: (...,) -> (..., 3) uint8."""
    x = np.clip(scaled, 0.0, 1.0) * (len(_RAMP_RGB) - 1)
    low = np.minimum(x.astype(int), len(_RAMP_RGB) - 2)
    frac = (x - low)[..., None]
    return np.rint(_RAMP_RGB[low] * (1 - frac) + _RAMP_RGB[low + 1] * frac).astype(np.uint8)


@lru_cache(maxsize=None)
def _level_style(level: int) -> Style:
    """Background for one of 256 colour levels, with a legible foreground for numbers."""
    r, g, b = (int(c) for c in _ramp_rgb(np.array(level / 255.0)))
    return Style(bgcolor=Color.from_rgb(r, g, b), color="black" if level > 140 else "white")


def uses_colour(console: Console, color: bool | None) -> bool:
    if color is not None:
        return bool(color)
    return console.color_system is not None and not console.no_color


def _scaled(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Values mapped to [0, 1] on the colour scale; a flat matrix is drawn at full strength."""
    if vmax - vmin <= 1e-12:
        return np.where(values > 0, 1.0, 0.0) if vmax > 0 else np.zeros_like(values)
    return np.clip((values - vmin) / (vmax - vmin), 0.0, 1.0)


def shade_levels(values: np.ndarray, scaled: np.ndarray, levels: int) -> np.ndarray:
    """Shade index per cell: 0 (blank) for a weight of exactly zero, else 1..levels-1 by `scaled`.

    values, scaled: (r, c), scaled in [0, 1]. Every non-zero weight gets at least the lightest shade,
    so a row of small weights never looks as if it attended to nothing.
    """
    steps = levels - 1
    shade = 1 + np.minimum((scaled * steps).astype(int), steps - 1)
    return np.where(values != 0, shade, 0)


def value_range(weights: np.ndarray, allowed: np.ndarray) -> tuple[float, float]:
    """Smallest and largest weight among cells that may attend ((0, 0) if there are none)."""
    shown = weights[allowed]
    return (float(shown.min()), float(shown.max())) if shown.size else (0.0, 0.0)


def pool_blocks(weights: np.ndarray, allowed: np.ndarray, rows: int, cols: int):
    """Average blocks of `rows` × `cols` cells into one (masked cells count as 0).

    weights, allowed: (n_q, n_k). Returns pooled weights and allowed, (ceil(n_q/rows), ceil(n_k/cols));
    a pooled cell is masked only when every cell of its block is.
    """
    n_q, n_k = weights.shape
    row_starts, col_starts = np.arange(0, n_q, rows), np.arange(0, n_k, cols)
    sums = np.add.reduceat(np.add.reduceat(np.where(allowed, weights, 0.0), row_starts, 0), col_starts, 1)
    counts = np.outer(np.diff(np.append(row_starts, n_q)), np.diff(np.append(col_starts, n_k)))
    pooled_allowed = np.logical_or.reduceat(np.logical_or.reduceat(allowed, row_starts, 0), col_starts, 1)
    return sums / counts, pooled_allowed


# ---------------------------------------------------------------- one head

class _View:
    """The part of the matrix that is drawn, after windowing or pooling."""

    def __init__(self, values: np.ndarray, allowed: np.ndarray, row_labels: list[str], col_labels: list[str],
                 notes: list[str], ruler: bool = False, focus_row: int | None = None, first_col: int = 0) -> None:
        self.values = values  # (r, c)
        self.allowed = allowed  # (r, c) bool, False = masked
        self.row_labels = row_labels
        self.col_labels = col_labels  # tokens, or 1-based start positions when `ruler`
        self.notes = notes
        self.ruler = ruler
        self.focus_row = focus_row  # index of the marked row within the view
        self.first_col = first_col  # 0-based position of the view's first column in the whole matrix

    def labels(self, glyphs: _Glyphs) -> list[str]:
        """Row labels, with the focus row marked when there is one."""
        if self.focus_row is None:
            return self.row_labels
        return [(glyphs.focus if i == self.focus_row else " ") + label for i, label in enumerate(self.row_labels)]


class Heatmap:
    """One attention matrix as a heatmap: rows are queries, columns keys.

    weights: (n_q, n_k) in [0, 1]; row_labels: n_q tokens; col_labels: n_k tokens;
    mask: optional (n_q, n_k) bool, True = may attend; color: None decides from the console.
    window=(row_start, col_start) (0-based) or focus=row show a window instead of pooling;
    pool=True/False forces or forbids pooling of long sequences; vmin/vmax fix the colour scale
    (of unpooled views); legend=False leaves the legend to the caller. rows/cols=(start, stop)
    (0-based, stop excluded) show only that range (never pooled; cut further if it does not fit);
    range_hint=True says, under a cut view, which --rows/--cols shows the rest; max_cell: the widest
    cell (columns) used to write a column label across it.
    """

    def __init__(self, weights, row_labels: Sequence[object], col_labels: Sequence[object], mask=None,
                 title: str | None = None, show_values: bool = False, color: bool | None = None, *,
                 window: tuple[int, int] | None = None, focus: int | None = None, pool: bool | None = None,
                 max_rows: int = 48, vmin: float | None = None, vmax: float | None = None,
                 legend: bool = True, rows: tuple[int, int] | None = None,
                 cols: tuple[int, int] | None = None, range_hint: bool = False, max_cell: int = MAX_CELL) -> None:
        self.weights = np.asarray(weights, dtype=float)
        if self.weights.ndim != 2:
            raise ValueError(f"weights must be 2-D (n_q, n_k), got shape {self.weights.shape}")
        n_q, n_k = self.weights.shape
        if len(row_labels) != n_q or len(col_labels) != n_k:
            raise ValueError(f"{len(row_labels)} row and {len(col_labels)} column labels for shape {(n_q, n_k)}")
        allowed = np.ones((n_q, n_k), bool) if mask is None else np.broadcast_to(np.asarray(mask, bool), (n_q, n_k))
        self.allowed = allowed & np.isfinite(self.weights)  # (n_q, n_k)
        self.row_labels = [clean_token(label) for label in row_labels]
        self.col_labels = (list(self.row_labels) if col_labels is row_labels  # a sequence attending to itself
                           else [clean_token(label) for label in col_labels])
        self.title, self.show_values, self.color = title, show_values, color
        self.window, self.focus, self.pool = window, focus, pool
        self.max_rows, self.legend = max(1, max_rows), legend
        self.show_key = True  # False when the caller prints one key for several pictures
        self.fixed_scale = (vmin, vmax)
        self.ranges, self.range_hint, self.max_cell = (rows, cols), range_hint, max_cell

    def scale(self, view: _View) -> tuple[float, float]:
        """The weights at the dark and bright ends of the colour scale: vmin/vmax where given, else the
        smallest and largest weight of the whole matrix that may attend (so that every window of it,
        paged with --rows/--cols, shades alike). Pooled views always use their own range, as block
        averages are far smaller than single weights."""
        low, high = value_range(view.values, view.allowed) if view.ruler else value_range(self.weights, self.allowed)
        vmin, vmax = (None, None) if view.ruler else self.fixed_scale
        return (low if vmin is None else vmin, high if vmax is None else vmax)

    # -- layout ---------------------------------------------------------------
    def _min_cell(self, colour: bool) -> int:
        return (5 if colour else 6) if self.show_values else 2

    def _label_cap(self, width: int) -> int:
        return max(2, min(14, width // 4))

    def _row_label_width(self, labels: Sequence[str], width: int, extra: int = 0) -> int:
        return min(self._label_cap(width), max((cell_len(label) for label in labels), default=1) + extra)

    def fits_whole(self, width: int, colour: bool) -> bool:
        """Whether the whole matrix fits `width` columns without windowing or pooling."""
        n_q, n_k = self.weights.shape
        rows, cols = self.ranges
        n_q, n_k = (n_q if rows is None else rows[1] - rows[0]), (n_k if cols is None else cols[1] - cols[0])
        label_w = self._row_label_width(self.row_labels, width, self.focus is not None)
        return n_q <= self.max_rows and n_k * self._min_cell(colour) <= width - label_w - 3

    def _view(self, width: int, colour: bool) -> _View:
        n_q, n_k = self.weights.shape
        min_cell = self._min_cell(colour)
        ranged = self.ranges != (None, None)
        if self.window is None and self.focus is None and not ranged:
            if self.fits_whole(width, colour):
                return _View(self.weights, self.allowed, self.row_labels, self.col_labels, [])
            if self.pool or (self.pool is None and max(n_q, n_k) > POOL_FROM):
                return self._pooled(width, min_cell)
        label_w = self._row_label_width(self.row_labels, width, self.focus is not None)
        (r_start, r_stop), (c_start, c_stop) = (span or (0, n) for span, n in zip(self.ranges, (n_q, n_k)))
        n_rows = min(self.max_rows, r_stop - r_start)
        n_cols = min(c_stop - c_start, max(1, (width - label_w - 3) // min_cell))
        if ranged:
            row0, col0 = r_start, c_start
        elif self.focus is not None:
            focus = min(max(self.focus, 0), n_q - 1)
            row0, col0 = focus - n_rows // 2, focus - n_cols // 2
            seen = np.flatnonzero(self.allowed[focus])
            if seen.size and seen[-1] <= focus:  # causal: show the past, and the mask's edge
                col0 = seen[-1] + 2 - n_cols
        else:
            row0, col0 = self.window or (0, 0)
        row0, col0 = min(max(row0, 0), n_q - n_rows), min(max(col0, 0), n_k - n_cols)
        rows, cols = slice(row0, row0 + n_rows), slice(col0, col0 + n_cols)
        notes = []
        for option, key, start, shown, total in (("--rows", "heatmap_rows_shown", row0, n_rows, n_q),
                                                 ("--cols", "heatmap_cols_shown", col0, n_cols, n_k)):
            if shown < total:
                notes.append(t(key, a=start + 1, b=start + shown, n=total))
                if self.range_hint:
                    notes.append(more_hint(option, start, shown, total))
        return _View(self.weights[rows, cols], self.allowed[rows, cols], self.row_labels[rows], self.col_labels[cols],
                     notes, focus_row=None if self.focus is None else focus - row0, first_col=col0)

    def _pooled(self, width: int, min_cell: int) -> _View:
        n_q, n_k = self.weights.shape
        label_w = min(self._label_cap(width), len(f"{n_q}–{n_q}"))
        per_row = math.ceil(n_q / self.max_rows)
        per_col = math.ceil(n_k / max(1, (width - label_w - 3) // min_cell))
        if n_q == n_k:  # square blocks keep the causal triangle a triangle
            per_row = per_col = max(per_row, per_col)
        values, allowed = pool_blocks(self.weights, self.allowed, per_row, per_col)
        row_labels = [f"{a + 1}–{min(a + per_row, n_q)}" if per_row > 1 else str(a + 1) for a in range(0, n_q, per_row)]
        col_starts = [str(a + 1) for a in range(0, n_k, per_col)]
        note = t("heatmap_pooled", rows=per_row, cols=per_col)
        return _View(values, allowed, row_labels, col_starts, [note], ruler=True)

    def _header(self, view: _View, width: int, label_w: int, min_cell: int, glyphs: _Glyphs):
        """Cell width, the header lines (each exactly cells × cell width) and the column key for the view.

        When a token is too long for its cell, the columns are labelled by position, and the key (a list of
        `position token` entries, else None) says which token each position is: labels are
        abbreviated, never stacked letter by letter.
        """
        n_cols = view.values.shape[1]
        room = max(min_cell, (width - label_w - 3) // n_cols)
        if view.ruler:
            cell_w = min_cell
            return cell_w, [_ruler(view.col_labels, cell_w, n_cols * cell_w)], None
        longest = max(cell_len(label) for label in view.col_labels)
        cell_w = max(min_cell, min(longest + 1, self.max_cell, room))
        if cell_w - 1 >= longest:  # every label whole; else positions and a key, never cut words
            line = "".join(fit_cells(label, cell_w - 1, ellipsis=glyphs.ellipsis) + " " for label in view.col_labels)
            return cell_w, [line], None
        positions = [view.first_col + c + 1 for c in range(n_cols)]
        cell_w = max(min_cell, min(len(str(positions[-1])) + 1, room))
        key = [f"{position} {label}" for position, label in zip(positions, view.col_labels)]
        return cell_w, [_ruler(positions, cell_w, n_cols * cell_w)], key

    def column_key(self, width: int, colour: bool) -> list[str] | None:
        """The column key this heatmap would draw at `width` (None when its labels fit as they are)."""
        view = self._view(width, colour)
        label_w = self._row_label_width(view.labels(_UNICODE), width)
        return self._header(view, width, label_w, self._min_cell(colour), _UNICODE)[2]

    # -- drawing --------------------------------------------------------------
    def _cells(self, view: _View, cell_w: int, colour: bool, glyphs: _Glyphs,
               scale: tuple[float, float]) -> list[list[Segment]]:
        """Segments for every drawn cell, one list per row."""
        fill = cell_w if cell_w <= 2 else cell_w - 1  # wide cells keep a one-column gap
        gap = " " * (cell_w - fill)
        scaled = _scaled(np.where(view.allowed, view.values, 0.0), *scale)  # (r, c) in [0, 1]
        shade = shade_levels(view.values, scaled, len(glyphs.shades))
        level = np.rint(scaled * 255).astype(int)
        masked_text = Segment(fit_cells(glyphs.masked * 2, fill, "right") if self.show_values
                              else glyphs.masked * fill, Style(dim=True))
        gap_segment = Segment(gap)
        n_cols = view.values.shape[1]
        rows = []
        # Python lists, not NumPy indexing: each element read from an array costs more than drawing it
        for allowed, values, shades, levels in zip(view.allowed.tolist(), view.values.tolist(), shade.tolist(),
                                                   level.tolist()):
            row: list[Segment] = []
            for c in range(n_cols):
                if not allowed[c]:
                    row.append(masked_text)
                elif colour:
                    text = _cell_value(values[c]).rjust(fill) if self.show_values else " " * fill
                    # exactly zero stays blank, as in the shade ramp: blank never hides a small weight
                    row.append(Segment(text, _level_style(levels[c]) if shades[c] else None))
                else:
                    glyph = glyphs.shades[shades[c]]
                    text = glyph + _cell_value(values[c]).rjust(fill - 1) if self.show_values else glyph * fill
                    row.append(Segment(text))
                if gap and c < n_cols - 1:
                    row.append(gap_segment)
            rows.append(row)
        return rows

    def _row_texts(self, view: _View, cell_w: int, colour: bool, glyphs: _Glyphs,
                   scale: tuple[float, float]) -> list[str]:
        """The text of every drawn row of cells, for a console that writes no style (as `_cells`' segments)."""
        if self.show_values:
            return ["".join(segment.text for segment in row) for row in self._cells(view, cell_w, colour, glyphs, scale)]
        fill = cell_w if cell_w <= 2 else cell_w - 1
        scaled = _scaled(np.where(view.allowed, view.values, 0.0), *scale)  # (r, c) in [0, 1]
        shade = shade_levels(view.values, scaled, len(glyphs.shades))
        looks = [" " * fill if colour else glyph * fill for glyph in glyphs.shades] + [glyphs.masked * fill]
        codes = np.where(view.allowed, shade, len(glyphs.shades)).tolist()  # (r, c): a shade, or masked
        gap = " " * (cell_w - fill)
        return [gap.join([looks[code] for code in row]) for row in codes]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        colour = uses_colour(console, self.color)
        glyphs = _ASCII if options.ascii_only else _UNICODE
        n_q, n_k = self.weights.shape
        title = f"{self.title or t('heatmap_title')} ({n_q} × {n_k})"
        yield Line(title, style=theme.TITLE, overflow="fold")
        if width < 8 or n_q == 0 or n_k == 0:
            return
        view = self._view(width, colour)
        row_labels = view.labels(glyphs)
        label_w = self._row_label_width(row_labels, width)
        cell_w, header, key = self._header(view, width, label_w, self._min_cell(colour), glyphs)
        yield Line(t("heatmap_axes"), style=theme.MUTED, overflow="fold")
        muted = console.get_style(theme.MUTED)
        indent = Segment(" " * (label_w + 2))
        for line in header:
            yield from (indent, Segment(line.rstrip()), Segment.line())
        border = Segment(glyphs.border, muted)
        scale = self.scale(view)
        # A console that writes no style at all (not a terminal) gets each row as one segment: the
        # same characters, ~40 times fewer segments for the console to pass along, crop and write.
        if console.color_system is None and not console.record:
            for label, cells in zip(row_labels, self._row_texts(view, cell_w, colour, glyphs, scale)):
                yield Segment(fit_cells(label, label_w, "right", glyphs.ellipsis) + " " + border.text + cells + border.text)
                yield NEW_LINE
        else:
            for label, cells in zip(row_labels, self._cells(view, cell_w, colour, glyphs, scale)):
                yield Segment(fit_cells(label, label_w, "right", glyphs.ellipsis) + " ")
                yield border
                yield from cells
                yield from (border, NEW_LINE)
        if key and self.show_key:
            yield ColumnKey(key)
        for note in view.notes:
            yield Line(note, style=theme.MUTED, overflow="fold")
        if self.legend:
            yield HeatmapLegend(*scale, masked=not view.allowed.all(), color=colour)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = options.max_width
        colour = uses_colour(console, self.color)
        view = self._view(width, colour)
        label_w = self._row_label_width(view.labels(_UNICODE), width)
        cell_w, _, _ = self._header(view, width, label_w, self._min_cell(colour), _UNICODE)
        grid = label_w + 3 + view.values.shape[1] * cell_w - (1 if cell_w > 2 else 0)
        return Measurement(min(20, width), min(max(grid, 40), width))


def packed_lines(entries: Sequence[Text], width: int) -> list[Paragraph]:
    """Entries joined two spaces apart into lines of at most `width` cells, breaking between entries
    (and, inside an entry longer than a line, between words and Chinese characters)."""
    lines: list[Text] = []
    line: Text | None = None
    for entry in entries:
        if line is not None and line.cell_len + 2 + entry.cell_len <= width:
            line = Text.assemble(line, "  ", entry)
        else:
            if line is not None:
                lines.append(line)
            line = entry
    if line is not None:
        lines.append(line)
    return [Paragraph(line) for line in lines]


class ColumnKey:
    """Which token each numbered column is: `columns by position: 1 the  2 cat  ...`."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.entries = list(entries)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from llmtutor.render.pages import MEASURE

        entries = [Text(t("heatmap_key"), style=theme.MUTED)] + [Text(entry) for entry in self.entries]
        yield from packed_lines(entries, min(options.max_width, MEASURE))


class HeatmapLegend:
    """What the colours (or shades) mean, the ends of the scale, the masked-cell glyph, and which
    pictures share the scale (shared: None, "heads", "panels" or "layers")."""

    def __init__(self, vmin: float, vmax: float, masked: bool = False, color: bool | None = None,
                 shared: str | None = None) -> None:
        self.vmin, self.vmax, self.masked, self.color, self.shared = vmin, vmax, masked, color, shared

    def _groups(self, colour: bool, glyphs: _Glyphs) -> list[list[Text]]:
        """Legend entries in groups; each group starts on a new line."""
        span = self.vmax - self.vmin
        low, high = _fmt(self.vmin, span), _fmt(self.vmax, span)
        blank = Text(f"[  ] {t('heatmap_exactly_zero')}")
        if colour:
            scale = Text(f"{t('heatmap_min')} {low} ")
            for level in np.linspace(0, 255, LEGEND_SWATCHES):
                scale.append(" ", _level_style(int(round(level))))
            scale.append(f" {high} {t('heatmap_max')}")
            ramp, meaning = [scale, blank], Text(t("heatmap_legend_colour"))
        elif span <= 1e-12:
            ramp = [blank, Text(f"[{glyphs.shades[-1] * 2}] {high}")]
            meaning = Text(t("heatmap_legend_shade", light=glyphs.shades[1] * 2))
        else:
            steps = len(glyphs.shades) - 1  # the blank shade is kept for exactly zero
            bounds = [_fmt(self.vmin + span * k / steps, span) for k in range(steps + 1)]
            ramp = [blank, Text(f"[{glyphs.shades[1] * 2}] {t('heatmap_up_to', value=bounds[1])}")]
            ramp += [Text(f"[{glyphs.shades[k + 1] * 2}] {bounds[k]}–{bounds[k + 1]}") for k in range(1, steps)]
            meaning = Text(t("heatmap_legend_shade", light=glyphs.shades[1] * 2))
        notes = [meaning]
        if self.shared:
            notes.append(Text(t(f"heatmap_scale_shared_{self.shared}")))
        if self.masked:
            notes.append(Text.assemble((glyphs.masked * 2, "dim"), " ", t("heatmap_masked")))
        return [ramp, notes]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        colour = uses_colour(console, self.color)
        glyphs = _ASCII if options.ascii_only else _UNICODE
        from llmtutor.render.pages import MEASURE

        for group in self._groups(colour, glyphs):  # read as prose: at most the reading measure
            yield from packed_lines(group, min(options.max_width, MEASURE))
