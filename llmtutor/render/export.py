"""Saving an attention picture to keep: SVG (a still figure) or HTML (an interactive page).

An exported figure is one a learner puts in notes or slides, so it holds the whole title, the note
(which model or weights made it), the legend and nothing else: tight bounds, no window frame, column
labels written along their columns. The HTML page (`render.attention_page`) is self-contained.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from rich.text import Text

from llmtutor.errors import TutorError
from llmtutor.render import theme
from llmtutor.render.cells import clean_token, graphemes

KINDS = (".svg", ".html", ".htm")
MAX_EXPORT_WIDTH = 600  # columns: an SVG scales, so a wide figure still shows every column
MAX_FIGURE_ROWS = 128  # longer inputs are pooled into at most this many rows
MAX_EXPORT_CELL = 12  # columns of the widest cell: longer tokens are cut with an ellipsis
MARGIN = 12  # pixels of white around the figure

# Rich's SVG layout without its window frame, its web fonts or its title bar; @VIEWBOX@ is filled
# in afterwards from the size of the text itself (Rich leaves room for the frame).
_SVG_FORMAT = """\
<svg class="llmtutor-figure" viewBox="@VIEWBOX@{terminal_width}@{terminal_height}@" \
xmlns="http://www.w3.org/2000/svg">
    <style>
    .{unique_id}-matrix {{
        font-family: "DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}
    {styles}
    </style>
    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>
    <rect x="-@M@" y="-@M@" width="100%" height="100%" fill="#ffffff" />
    <g clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
"""


@dataclass
class AttentionFigure:
    """Everything an exported attention picture shows, for every layer and head.

    weights: (layers, heads, n, n); mask: (n, n) bool (True = may attend) or None;
    layer/head: 0-based, the one shown first (head None: all heads); vmin/vmax: a fixed colour
    scale, else the range over every layer and head; layer_titles: the title for each layer when
    it names the layer; notes: lines saying which model or weights made the picture.
    """

    title: str
    tokens: Sequence[str]
    weights: object
    notes: Sequence[str] = ()
    mask: object = None
    layer: int = 0
    head: int | None = None
    vmin: float | None = None
    vmax: float | None = None
    layer_titles: Sequence[str] = field(default_factory=tuple)

    def scale(self) -> tuple[float, float]:
        """The one colour scale of every layer and head."""
        import numpy as np

        from llmtutor.render.heatmap import value_range

        if self.vmin is not None and self.vmax is not None:
            return float(self.vmin), float(self.vmax)
        weights = np.asarray(self.weights, float)
        allowed = np.isfinite(weights) if self.mask is None else np.isfinite(weights) & np.asarray(self.mask, bool)
        return value_range(weights, allowed)

    def shown_title(self) -> str:
        return self.layer_titles[self.layer] if self.layer_titles else self.title


class _CellExact:
    """`renderable` with every run of spaces, run of narrow text and wide character in its own segment.

    Rich's SVG export sizes each text segment by its characters, not its cells, which squeezes
    Chinese text and lets leading spaces collapse; one-piece segments keep every cell in place.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in console.render_lines(self.renderable, options, pad=False):
            for text, style, control in line:
                if control:
                    continue
                for run in re.findall(r" +|[^ ]+", text):
                    if run[0] == " " or cell_len(run) == len(run):
                        yield Segment(run, style)
                    else:
                        yield from (Segment(grapheme, style) for grapheme, _ in graphemes(run))
            yield Segment.line()


def _figure_width(figure: AttentionFigure) -> int:
    """Columns at which every column label of every head shown fits across its column."""
    tokens = [clean_token(token) for token in figure.tokens]
    one = min(14, _longest(figure)) + 3 + len(tokens) * _cell(figure)
    return max(60, min(MAX_EXPORT_WIDTH, _across(figure) * (max(one, 24) + 2)))


def _longest(figure: AttentionFigure) -> int:
    return max((cell_len(clean_token(token)) for token in figure.tokens), default=1)


def _cell(figure: AttentionFigure) -> int:
    """Cell width (columns) that writes the longest label across its column, up to MAX_EXPORT_CELL."""
    return min(_longest(figure) + 1, MAX_EXPORT_CELL)


def _across(figure: AttentionFigure) -> int:
    """Heads per row of an exported grid: what fits in about 240 columns, in at most two rows."""
    n_heads = 1 if figure.head is not None else len(figure.weights[0])
    one = min(14, _longest(figure)) + 5 + len(figure.tokens) * _cell(figure)
    return max(1, min(n_heads, 240 // one, math.ceil(n_heads / 2) if n_heads > 2 else n_heads))


def still_figure(figure: AttentionFigure, width: int) -> RenderableType:
    """The figure as a terminal picture: whole title, heatmap(s) on one scale, legend, notes."""
    import numpy as np

    from llmtutor.render.head_grid import HeadGrid
    from llmtutor.render.heatmap import Heatmap

    weights = np.asarray(figure.weights, float)[figure.layer]  # (heads, n, n)
    vmin, vmax = figure.scale()
    title = figure.shown_title()
    if figure.head is not None or len(weights) == 1:
        body = Heatmap(weights[figure.head or 0], figure.tokens, figure.tokens, mask=figure.mask, title=title,
                       vmin=vmin, vmax=vmax, max_rows=min(len(figure.tokens), MAX_FIGURE_ROWS), max_cell=_cell(figure))
    else:
        body = HeadGrid(weights, figure.tokens, figure.tokens, mask=figure.mask, title=title, vmin=vmin, vmax=vmax,
                        across=_across(figure), max_cell=_cell(figure), shared="layers" if len(figure.weights) > 1 else "heads")
    notes = [Text(note, style=theme.MUTED) for note in figure.notes]
    return Group(body, *notes)


def _tight_svg(console: Console) -> str:
    """The recorded console as an SVG exactly as large as its text, with a white margin."""
    used = max((cell_len(line.rstrip()) for line in console.export_text(clear=False).splitlines()), default=1)
    console.width = max(1, used)
    svg = console.export_svg(theme=DEFAULT_TERMINAL_THEME, code_format=_SVG_FORMAT)

    def viewbox(match: re.Match) -> str:
        w, h = float(match.group(1)), float(match.group(2))
        return f"{-MARGIN} {-MARGIN} {w + 2 * MARGIN:g} {h + 2 * MARGIN:g}"

    return re.sub(r"@VIEWBOX@([\d.]+)@([\d.]+)@", viewbox, svg, count=1).replace("@M@", str(MARGIN))


def _recording_console(width: int) -> Console:
    return Console(record=True, file=io.StringIO(), width=width, color_system="truecolor",
                   force_terminal=True, no_color=False, legacy_windows=False)


def figure_svg(figure: AttentionFigure) -> str:
    """The figure as a still SVG."""
    console = _recording_console(_figure_width(figure))
    console.print(_CellExact(still_figure(figure, console.width)))
    return _tight_svg(console)


def check_kind(path: str | Path) -> str:
    """The export kind of `path` (".svg" or ".html"); raises TutorError("export_format") for others."""
    kind = Path(path).suffix.lower()
    if kind not in KINDS:
        raise TutorError("export_format", path=str(path))
    return ".html" if kind == ".htm" else kind


def _write(path: Path, text: str) -> Path:
    from llmtutor.files import write_atomically

    try:  # all or nothing, and never through a link planted at the name
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise TutorError("heatmap_export_failed", path=str(path), detail=error.strerror or str(error)) from error
    return path


def export_figure(figure: AttentionFigure, path: str | Path) -> Path:
    """Write `figure` to an .svg (still) or .html (interactive page) file; returns the path.

    Raises TutorError("export_format") for other extensions, ("export_page_too_long") for an HTML
    page of more than `attention_page.MAX_PAGE_TOKENS` tokens, ("heatmap_export_failed") if writing fails.
    """
    path = Path(path)
    if check_kind(path) == ".svg":
        return _write(path, figure_svg(figure))
    from llmtutor.render.attention_page import MAX_PAGE_TOKENS, attention_page

    if len(figure.tokens) > MAX_PAGE_TOKENS:  # n² cells per head would make a page no browser can use
        raise TutorError("export_page_too_long", n=len(figure.tokens), limit=MAX_PAGE_TOKENS, path=str(path))

    return _write(path, attention_page(figure))


def export_heatmap(renderable: RenderableType, path: str | Path, width: int | None = None) -> Path:
    """Write any picture (a Heatmap, HeadGrid, ...) in colour to an .svg or .html file, tightly cut.

    width: console columns to lay it out in (default 200). Raises as `export_figure` does.
    """
    path = Path(path)
    kind = check_kind(path)
    console = _recording_console(width or 200)
    console.print(_CellExact(renderable) if kind == ".svg" else renderable)
    if kind == ".svg":
        return _write(path, _tight_svg(console))
    return _write(path, console.export_html(theme=DEFAULT_TERMINAL_THEME, inline_styles=True))
