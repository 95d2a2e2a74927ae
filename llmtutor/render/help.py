"""`--help` pages: usage, description, panels of arguments, options and commands, examples.

Drawn here rather than by Typer so that every word is in the learner's language and Chinese
help wraps between characters (Typer's columns cut it short with "…" instead).
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmtutor.render.wrap import Paragraph


class HelpEntry(NamedTuple):
    """One row of a panel: an option (`--count`, `-n`, `<int>`), an argument or a command.

    `notes` ("(default 10)", "(required)") follow the text, never broken across lines.
    """

    names: str
    short: str
    value: str
    text: str
    notes: tuple[str, ...] = ()


class HelpPanel(NamedTuple):
    title: str
    entries: list[HelpEntry]
    is_commands: bool = False


class HelpPage(NamedTuple):
    usage_label: str  # "Usage: " / "用法：", separator included
    usage: str        # "llmtutor quiz [OPTIONS] [TOPIC]..."
    description: str
    panels: list[HelpPanel]
    epilog: str


def help_page(page: HelpPage) -> RenderableType:
    usage = Text(page.usage_label + page.usage, style="bold")
    parts: list[RenderableType] = [Padding(Paragraph(usage, hang=cell_len(page.usage_label)), (1, 1, 0, 1))]
    if page.description:
        parts.append(Padding(Paragraph(Text(page.description)), (1, 1, 0, 1)))
    parts.append(Text(""))
    command_width = max((cell_len(entry.names) for panel in page.panels if panel.is_commands
                         for entry in panel.entries), default=0)
    parts += [_panel(panel, command_width) for panel in page.panels if panel.entries]
    if page.epilog:
        parts.append(Padding(Paragraph(Text(page.epilog, style="dim")), (1, 1)))
    return Group(*parts)


NARROWEST_TEXT = 28  # below this many cells beside the names, each text goes under its names


def _panel(panel: HelpPanel, command_width: int) -> Panel:
    return Panel(_Entries(panel, command_width), title=panel.title, title_align="left", border_style="dim")


class _Entries:
    """A panel's rows: names, then text beside them; on a narrow screen, the text under them."""

    def __init__(self, panel: HelpPanel, command_width: int) -> None:
        self.panel = panel
        self.command_width = command_width

    def _name_columns(self) -> list[tuple[str, str, int]]:
        """(field, style, width) of each column before the text."""
        entries = self.panel.entries
        if self.panel.is_commands:  # command names line up across all the panels
            return [("names", "bold cyan", self.command_width)]
        columns = [("names", "bold cyan"), ("short", "bold green"), ("value", "yellow")]
        widths = [max(cell_len(getattr(entry, field)) for entry in entries) for field, _ in columns]
        return [(field, style, width) for (field, style), width in zip(columns, widths) if width]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        columns = self._name_columns()
        beside = sum(width + 1 for _, _, width in columns) + 1
        if options.max_width - beside >= NARROWEST_TEXT:
            table = Table.grid(padding=(0, 1), expand=True)
            for index, (_, style, width) in enumerate(columns):  # two spaces before the text
                table.add_column(style=style, no_wrap=True, min_width=width + (index == len(columns) - 1))
            table.add_column(ratio=1)
            for entry in self.panel.entries:
                table.add_row(*(getattr(entry, field) for field, _, _ in columns),
                              _TextWithNotes(entry.text, entry.notes))
            yield table
            return
        for entry in self.panel.entries:
            names = Text()
            for field, style, _ in columns:
                if getattr(entry, field):
                    names.append(getattr(entry, field), style=style).append("  ")
            names.rstrip()
            yield Paragraph(names)
            yield Padding(_TextWithNotes(entry.text, entry.notes), (0, 0, 0, 4))


class _TextWithNotes:
    """A wrapped help text; its notes go on its last line when they fit there, else on their own."""

    def __init__(self, text: str, notes: tuple[str, ...]) -> None:
        self.paragraph = Paragraph(Text(text))
        self.notes = Text(" ".join(notes), style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        text = self.paragraph.__rich_measure__(console, options)
        notes = self.notes.cell_len
        return Measurement(max(text.minimum, notes), text.maximum + (notes + 1 if notes else 0)).clamp(
            max_width=options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.paragraph.texts(options.max_width) if self.paragraph.text.plain else []
        if self.notes.plain:
            last = lines[-1] if lines else None
            if last is not None and last.cell_len + 1 + self.notes.cell_len <= options.max_width:
                last.append(" ").append_text(self.notes)
            else:
                lines.append(self.notes)
        yield from lines
