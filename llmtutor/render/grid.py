"""A Rich `Table.grid` of short cells with one wrapped column last, drawn line by line.

The same segments as the table it stands for (`Grid.table()`), without importing `rich.table`
(which brings `fractions` and `decimal`) or measuring and padding every cell through Rich: the
columns are as wide as their widest cell plus the padding after them, the last column takes what
is left, and each cell is padded as Rich pads a left- or right-justified cell. Anything this does
not reproduce exactly (a cell that is not one printable line, markup or an emoji code a console
would read in a string, a cell wider than its column) is drawn by that table instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text

from llmtutor.render.lines import NEW_LINE, clipped_spans, combined, run_segments
from llmtutor.render.wrap import Paragraph


class Fixed:
    """A column that never wraps: its cells' style and justification ("left" or "right")."""

    __slots__ = ("style", "justify")

    def __init__(self, style: str = "", justify: str = "left") -> None:
        self.style, self.justify = style, justify


class Grid:
    """`rows` of cells under `columns` (one per cell but the last), then a `Paragraph` in a column
    that wraps (`overflow` as the table's); `padding` cells after each column but the last."""

    def __init__(self, columns: Sequence[Fixed], rows: Sequence[tuple], padding: int,
                 overflow: str | None = None) -> None:
        self.columns, self.rows, self.padding, self.overflow = list(columns), list(rows), padding, overflow

    def table(self):
        """The Rich table drawn the same way."""
        from rich.table import Table

        table = Table.grid(padding=(0, self.padding))
        for column in self.columns:
            table.add_column(no_wrap=True, style=column.style or None, justify=column.justify)
        table.add_column(ratio=1, **({"overflow": self.overflow} if self.overflow else {}))
        for row in self.rows:
            table.add_row(*row)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self._lines(console, options)
        if lines is None:
            yield self.table()
            return
        for line in lines:
            yield from line
            yield NEW_LINE

    def _cell(self, console: Console, cell) -> tuple[str, str] | None:
        """A short cell as (text, style), or None when Rich would draw it in a way not reproduced here."""
        if isinstance(cell, str):  # a console may read markup or :emoji: codes in a string
            return (cell, "") if cell.isprintable() and "[" not in cell and ":" not in cell else None
        if isinstance(cell, Text) and not cell.spans and cell.plain.isprintable() and cell.justify is None:
            return cell.plain, cell.style
        return None

    def _lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]] | None:
        pad, n_fixed = self.padding, len(self.columns)
        if not self.rows or pad < 1 or any(len(row) != n_fixed + 1 for row in self.rows):
            return None
        cells = [[self._cell(console, cell) for cell in row[:-1]] for row in self.rows]
        paragraphs = [row[-1] for row in self.rows]
        if any(cell is None for row in cells for cell in row) or not all(
                isinstance(p, Paragraph) and p.text.justify is None for p in paragraphs):
            return None
        room = options.max_width
        widths = [max(cell_len(row[i][0]) for row in cells) + pad for i in range(n_fixed)]
        if min(widths) <= pad or sum(widths) >= room:
            return None
        longest = max(min(max((cell_len(line) for line in p.text.plain.split("\n")), default=0), room)
                      for p in paragraphs)
        last = min(longest or 1, room - sum(widths))  # the table's width, its last column cut to fit
        out: list[list[Segment]] = []
        for row, paragraph in zip(cells, paragraphs):
            drawn = self._paragraph(console, paragraph, last)
            if drawn is None:
                return None
            for index, tail in enumerate(drawn):
                line: list[Segment] = []
                for (text, style), column, width in zip(row, self.columns, widths):
                    cell_style = combined(console, (column.style,))
                    if index:  # below the first line of a taller row: blank, in the column's style
                        line.append(Segment(" " * width, cell_style))
                        continue
                    inner = width - pad
                    if column.justify == "right":
                        text = text.rstrip()
                        text = " " * (inner - cell_len(text)) + text
                    else:
                        text += " " * (inner - cell_len(text))
                    line.append(Segment(text, combined(console, (column.style, style))))
                    line.append(Segment(" " * pad, cell_style))
                line += tail
                out.append(line)
        return out

    @staticmethod
    def _paragraph(console: Console, paragraph: Paragraph, width: int) -> list[list[Segment]] | None:
        """The lines of the last column's cell: each piece padded to `width`, as a left-justified Text."""
        text = paragraph.text
        plain = text.plain
        lines = []
        for a, b, indent in paragraph.pieces(width):
            piece = plain[a:b]
            if not piece.isprintable() or cell_len(piece) + indent > width:
                return None
            padded = " " * indent + piece + " " * (width - indent - cell_len(piece))
            if indent:  # "  " + piece: the piece's style covers the piece only, not the padding
                spans = clipped_spans(text, a, b, shift=indent)
            else:  # the padding is part of the text, under its style
                spans = clipped_spans(text, a, b, own_style=False)
                if text.style:
                    spans.insert(0, (0, len(padded), text.style))
            lines.append(run_segments(console, padded, spans))
        return lines
