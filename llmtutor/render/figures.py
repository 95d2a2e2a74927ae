"""Figures inside lessons: timelines, tables and diagrams drawn with Rich."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Figure
from llmtutor.render import theme
from llmtutor.render.markup import inline, para
from llmtutor.render.pages import Whole
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def figure_view(figure: Figure, lang: str) -> RenderableType:
    """The figure drawn for `lang`, with its caption beneath when it has one."""
    if figure.kind == "timeline":
        body: RenderableType = _timeline(figure, lang)
    elif figure.kind == "table":
        body = _table(figure, lang)
    else:
        art = Text(visible(figure.diagram.get(lang)), no_wrap=True, overflow="crop")
        body = Panel(art, box=box.ROUNDED, expand=False, padding=(0, 1), border_style=theme.MUTED)
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


def _table(figure: Figure, lang: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for column in figure.columns:
        table.add_column(inline(column.get(lang)), overflow="fold")
    for row in figure.rows:
        table.add_row(*(para(cell.get(lang)) for cell in row))
    return table
