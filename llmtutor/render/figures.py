"""Figures inside lessons: timelines, tables and diagrams drawn with Rich."""

from __future__ import annotations

from rich import box
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Figure
from llmtutor.render import theme
from llmtutor.render.markup import inline, para
from llmtutor.render.pages import Whole
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def figure_view(figure: Figure, lang: str, lesson_id: str | None = None) -> RenderableType:
    """The figure drawn for `lang`, with its caption beneath when it has one; `lesson_id` lets a
    diagram too wide for the terminal name the command that shows it whole."""
    if figure.kind == "timeline":
        body: RenderableType = _timeline(figure, lang)
    elif figure.kind == "table":
        body = _table(figure, lang)
    else:
        body = DiagramView(visible(figure.diagram.get(lang)), lesson_id)
    if figure.caption is None:
        return body
    return Whole(body, Paragraph(Text(visible(figure.caption.get(lang)), style="italic dim")))


def _timeline(figure: Figure, lang: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style=theme.ACCENT)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    last = len(figure.timeline) - 1
    for index, entry in enumerate(figure.timeline):
        label = inline(entry.label.get(lang), "bold")
        if entry.text is not None:
            label.append("\n")
            label.append_text(inline(entry.text.get(lang), theme.MUTED))
        rail = "●" if index == last else "●\n│"
        if entry.text is not None and index != last:
            rail += "\n│"
        grid.add_row(visible(entry.when), Text(rail, style=theme.ACCENT), Paragraph(label))
    return grid


def _table(figure: Figure, lang: str) -> "FigureTable":
    return FigureTable(figure, lang)


class FigureTable:
    """A table figure: columns when every column's longest word fits, else one record per row."""

    def __init__(self, figure: Figure, lang: str) -> None:
        self.figure, self.lang = figure, lang

    def _longest_words(self) -> list[int]:
        from rich.cells import cell_len

        from llmtutor.render.wrap import units

        longest = []
        for index, column in enumerate(self.figure.columns):
            texts = [inline(column.get(self.lang)).plain] + [inline(row[index].get(self.lang)).plain
                                                             for row in self.figure.rows if index < len(row)]
            longest.append(max(cell_len(text[a:b]) for text in texts for a, b, space in units(text) if not space))
        return longest

    def __rich_console__(self, console, options):
        lang = self.lang
        longest = self._longest_words()
        if sum(longest) + 3 * len(self.figure.columns) <= options.max_width:  # room to spare: Rich shares it out
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
            for column, least in zip(self.figure.columns, longest):  # no column narrower than its longest word
                table.add_column(inline(column.get(lang)), overflow="fold", min_width=least)
            for row in self.figure.rows:
                table.add_row(*(para(cell.get(lang)) for cell in row))
            yield table
            return
        for number, row in enumerate(self.figure.rows):  # too narrow for columns: records
            if number:
                yield Text("")
            yield Paragraph(inline(row[0].get(lang), "bold"))
            for column, cell in zip(self.figure.columns[1:], row[1:]):
                line = inline(column.get(lang), theme.MUTED)
                line.append(": " if lang != "zh" else "：", style=theme.MUTED)
                line.append_text(inline(cell.get(lang)))
                yield Paragraph(Text("  ") + line, hang=4)


class DiagramView:
    """Text art in a box; on a terminal too narrow for it, a note and each line cut at a space."""

    def __init__(self, art: str, lesson_id: str | None = None) -> None:
        self.art, self.lesson_id = art, lesson_id

    def __rich_console__(self, console, options):
        from rich.cells import cell_len

        needed = max((cell_len(line) for line in self.art.splitlines()), default=0) + 4  # border and padding
        if needed <= options.max_width:
            yield Panel(Text(self.art, no_wrap=True, overflow="crop"), box=box.ROUNDED, expand=False,
                        padding=(0, 1), border_style=theme.MUTED)
            return
        from llmtutor.i18n import t

        yield Paragraph(Text(t("diagram_cut", width=needed), style=theme.WARN))
        if self.lesson_id is not None:  # the wider view: the page printed at that width, scrolled sideways
            yield Paragraph(Text(t("diagram_wider", width=needed, lesson=self.lesson_id), style=theme.MUTED))
        room = options.max_width
        for line in self.art.splitlines():
            shown = line
            while cell_len(shown) > room:
                cut = shown.rstrip().rfind(" ", 0, len(shown) - 1)
                shown = shown[:cut].rstrip() if cut > 0 else ""
            yield Text(shown, no_wrap=True, overflow="crop")
