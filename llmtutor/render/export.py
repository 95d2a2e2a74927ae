"""Saving a picture (a heatmap, a head grid) as SVG or HTML with Rich's recording console."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment

from llmtutor.errors import TutorError
from llmtutor.render.cells import graphemes


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


def export_heatmap(renderable: RenderableType, path: str | Path, width: int | None = None) -> Path:
    """Write `renderable` (a Heatmap, HeadGrid, ...) in colour to an .svg or .html file; returns the path.

    width: console columns of the picture (default: what the renderable asks for, 60–200).
    Raises TutorError("export_format") for other extensions, ("heatmap_export_failed") if writing fails.
    """
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".svg", ".html", ".htm"):
        raise TutorError("export_format", path=str(path))
    console = Console(record=True, file=io.StringIO(), width=200, color_system="truecolor",
                      force_terminal=True, no_color=False, legacy_windows=False)
    if width is None:
        width = min(200, max(60, Measurement.get(console, console.options, renderable).maximum))
    console.width = width
    console.print(_CellExact(renderable) if kind == ".svg" else renderable)
    from llmtutor.files import write_atomically

    text = console.export_svg(title="llmtutor") if kind == ".svg" else console.export_html()
    try:  # all or nothing, and never through a link planted at the name
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise TutorError("heatmap_export_failed", path=str(path), detail=error.strerror or str(error)) from error
    return path
