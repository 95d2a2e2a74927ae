"""Drawing a walkthrough step: title and position, formula, arrays with their shapes, pictures, explanation,
checks, and what to read next; and the list of walkthroughs. The arrays and pictures are drawn by
`render/arrays.py`.

Nothing here computes the walkthrough; the steps arrive as data from `llmtutor.walkthroughs`.
NumPy and the heatmap are imported where a step is drawn, so that listing the walkthroughs stays quick.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from llmtutor.i18n import Localized, t
from llmtutor.render import theme
from llmtutor.render.arrays import ArrayView, figures, local_text
from llmtutor.render.grid import Fixed, Grid
from llmtutor.render.lines import BLANK, Line, text_segments
from llmtutor.render.markup import blocks
from llmtutor.render.pages import Measured
from llmtutor.render.wrap import Paragraph
from llmtutor.walkthroughs.steps import ReadNext, Step, Walkthrough

# ---------------------------------------------------------------- the page

class Hanging:
    """`mark` then `text` wrapped to the rest of the width, later lines indented under the text."""

    def __init__(self, mark: Text, text: Text) -> None:
        self.mark, self.text = mark, text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.mark.cell_len + 1
        lines = console.render_lines(Paragraph(self.text), options.update_width(max(1, options.max_width - indent)),
                                     pad=False)
        for index, line in enumerate(lines):
            if index == 0:  # the mark in its colour (Text.render alone would drop a style given to the whole text)
                yield from text_segments(console, self.mark)
                yield Segment(" ")
            else:
                yield Segment(" " * indent)
            yield from line
            yield Segment.line()


def checks_view(step: Step, lang: str) -> Group:
    """✓ or ✗ and what was checked, one per line, wrapped with a hanging indent."""
    return Group(*(Hanging(Text("✓", style=theme.GOOD) if item.passed else Text("✗", style=theme.BAD),
                           Text(local_text(item.description, lang))) for item in step.checks))


class ReadNextView:
    """The lessons (`llmtutor learn ID`) and glossary terms (`llmtutor explain ID`) to read next."""

    def __init__(self, read_next: ReadNext, lang: str) -> None:
        self.read_next, self.lang = read_next, lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        entries = [(t("walk_next_lesson"), f"llmtutor learn {i}", title) for i, title in self.read_next.lessons]
        entries += [(t("walk_next_term"), f"llmtutor explain {i}", name) for i, name in self.read_next.terms]
        if options.max_width >= 60:
            yield Grid([Fixed(theme.MUTED), Fixed(theme.CODE)],
                       [(kind, command, Paragraph(Text(local_text(title, self.lang)))) for kind, command, title in entries],
                       padding=2)
            return
        for kind, command, title in entries:
            yield Paragraph(Text.assemble((kind + " ", theme.MUTED), local_text(title, self.lang)))
            yield Line("  " + command, style=theme.CODE, overflow="fold")


def step_page(walk: Walkthrough, index: int, lang: str) -> Group:
    """Step `index` (0-based) of `walk` as one screen."""
    step = walk.steps[index]
    parts: list[RenderableType] = []  # prose at the reading measure; arrays and pictures may be wider
    if walk.title is not None:
        parts.append(Measured(Paragraph(Text(local_text(walk.title, lang), style=theme.MUTED))))
    position = t("walk_step_position", k=index + 1, n=len(walk.steps))
    parts.append(Measured(Paragraph(Text(f"{position} · {local_text(step.title, lang)}", style=theme.TITLE))))
    if step.formula:
        parts += [BLANK, Paragraph(Text(local_text(step.formula, lang), style=theme.CODE))]
    for array in step.arrays:
        parts += [BLANK, ArrayView(array, lang)]
    for figure in figures(step, lang):
        parts += [BLANK, figure]
    if step.explanation is not None:
        parts += [BLANK, Measured(blocks(local_text(step.explanation, lang)))]
    if step.checks:
        parts += [BLANK, Measured(checks_view(step, lang))]
    if step.read_next is not None and (step.read_next.lessons or step.read_next.terms):
        parts += [BLANK, Measured(ReadNextView(step.read_next, lang))]
    return Group(*parts)


def all_steps(walk: Walkthrough, lang: str) -> Group:
    """Every step of `walk`, each followed by a blank line (a walkthrough printed without pauses)."""
    return Group(*(part for index in range(len(walk.steps)) for part in (step_page(walk, index, lang), BLANK)))


def walk_keys_hint() -> Text:
    return Text(t("walk_keys"), style=theme.MUTED, overflow="fold")


def walk_list(rows: list[tuple[str, Localized | None, Localized | None]], lang: str) -> Group:
    """The walkthroughs: id, then title and one-line description; rows are (id, title, description)."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t("col_walkthrough"), no_wrap=True, style=theme.ACCENT)
    table.add_column(t("col_description"), ratio=1)
    for walk_id, title, description in rows:
        cell = Text(local_text(title, lang), style=theme.TITLE)
        if description is not None:
            cell.append("\n" + local_text(description, lang))
        table.add_row(Text(walk_id), Paragraph(cell))
    return Measured(Group(table, Paragraph(Text(t("walk_list_hint"), style=theme.MUTED))))
