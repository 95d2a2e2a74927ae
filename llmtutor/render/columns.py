"""A small table of short cells drawn line by line: a title, a header, a rule, the rows.

For the few-column tables of a command that must start quickly (a Rich `Table` brings
`fractions` and `decimal` with it, and measures every cell twice). Cells are never wrapped:
when the columns do not fit side by side, each row is drawn as "header: cell" lines instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from llmtutor.render import theme
from llmtutor.render.lines import Line
from llmtutor.render.pages import MEASURE, Measured
from llmtutor.render.wrap import Paragraph

GAP = "   "


class Columns:
    """`rows` of plain cells under `header`; `justify` is "left" or "right" per column."""

    def __init__(self, title: str, header: Sequence[str], rows: Sequence[Sequence[str]],
                 justify: Sequence[str] | None = None) -> None:
        self.title, self.header, self.rows = title, list(header), [list(row) for row in rows]
        self.justify = list(justify or ["left"] * len(self.header))

    def widths(self) -> list[int]:
        return [max(cell_len(row[i]) for row in [self.header, *self.rows]) for i in range(len(self.header))]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(options.max_width, MEASURE)
        if self.title:
            yield Measured(Paragraph(Text(self.title, style=theme.TITLE)))
        widths = self.widths()
        if sum(widths) + len(GAP) * (len(widths) - 1) > width:
            yield from self._stacked()
            return
        header = self._line(self.header, widths)
        yield from Line(header, style="bold", no_wrap=True, overflow="crop").segments(console, options)
        yield from Line("─" * cell_len(header), style=theme.MUTED).segments(console, options)
        for row in self.rows:
            yield from Line(self._line(row, widths), no_wrap=True, overflow="crop").segments(console, options)

    def _line(self, cells: Sequence[str], widths: list[int]) -> str:
        line = "".join((GAP if index else "") + (" " * (wide - cell_len(cell)) + cell if justify == "right"
                                                 else cell + " " * (wide - cell_len(cell)))
                       for index, (cell, wide, justify) in enumerate(zip(cells, widths, self.justify)))
        return line.rstrip()

    def _stacked(self) -> RenderResult:
        """Too narrow for the columns: the first cell of each row, then "header: cell" below it."""
        for row in self.rows:
            yield Text(row[0], style=theme.ACCENT)
            for name, cell in zip(self.header[1:], row[1:]):
                yield Paragraph(Text(f"  {name}: {cell}"), hang=4)
