"""Cutting a page into screenfuls between its blocks, and the reading measure.

A page is a `Group` of blocks (paragraphs, boxes, figures, tables); nested groups are opened, any
other renderable is one block. A block that fits on a screen is never split; one taller than the
screen gets screens of its own, the last of them full, so that no screen holds a border alone.
A heading (`KeepWithNext`) starts the screen of the block it introduces.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment

MEASURE = 100  # cells: prose and tables are read at about this width, however wide the terminal


class KeepWithNext:
    """A heading: kept on the same screen as the block that follows it."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.renderable


class Whole:
    """A group that is one block: never split between screens when it fits on one."""

    def __init__(self, *renderables: RenderableType) -> None:
        self.renderables = renderables

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.renderables


class Measured:
    """A renderable drawn at most `MEASURE` cells wide (the blocks stay visible to `screens`)."""

    def __init__(self, renderable: RenderableType, width: int = MEASURE) -> None:
        self.renderable, self.width = renderable, width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from console.render(self.renderable, options.update_width(min(options.max_width, self.width)))


class KeyHint:
    """The key help as one line: the first of `variants` (longest first) that fits the width."""

    def __init__(self, variants: list[str], style: str = "dim") -> None:
        self.variants, self.style = variants, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len
        from rich.text import Text

        from llmtutor.render.wrap import Paragraph

        chosen = next((v for v in self.variants if cell_len(v) <= options.max_width), self.variants[-1])
        yield Paragraph(Text(chosen, style=self.style))


class Screen:
    """One screenful: its rendered lines, and the plain text of each (for search)."""

    __slots__ = ("lines",)

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def plain(self) -> str:
        return "\n".join("".join(segment.text for segment in line) for line in self.lines)


def page_blocks(renderable: RenderableType) -> list[tuple[RenderableType, bool, int]]:
    """The blocks of a page in order, as (renderable, keep with next, measure)."""
    found: list[tuple[RenderableType, bool, int]] = []

    def walk(item, width: int) -> None:
        if isinstance(item, Measured):
            walk(item.renderable, min(width, item.width))
        elif isinstance(item, Group):
            for part in item.renderables:
                walk(part, width)
        elif isinstance(item, KeepWithNext):
            found.append((item.renderable, True, width))
        else:
            found.append((item, False, width))

    walk(renderable, 10**6)
    return found


def _is_blank(lines: list[list[Segment]]) -> bool:
    return all(not "".join(segment.text for segment in line).strip() for line in lines)


def screens(console: Console, renderable: RenderableType, height: int) -> list[Screen]:
    """`renderable` cut into screenfuls of at most `height` lines, between its blocks."""
    height = max(height, 1)
    rendered = []
    for block, keep, width in page_blocks(renderable):
        options = console.options.update(height=None, width=min(console.options.max_width, width))
        rendered.append((console.render_lines(block, options, pad=False), keep))
    pages: list[list[list[Segment]]] = []
    current: list[list[Segment]] = []

    def close() -> None:
        nonlocal current
        while current and _is_blank(current[-1:]):
            current.pop()
        if current:
            pages.append(current)
        current = []

    held = None  # where the heading that introduces the next block starts in `current`
    for index, (lines, keep) in enumerate(rendered):
        blank = _is_blank(lines)
        if blank and not current:
            continue  # no blank line at the top of a screen
        need = len(lines)
        if keep:  # a heading needs room for itself and the first lines of what it introduces
            following = next((later for later, _ in rendered[index + 1:] if not _is_blank(later)), [])
            need += min(len(following), max(height - len(lines), 0))
        if blank or len(current) + need <= height:
            if not blank:
                held = len(current) if keep else None
            current += lines
            if len(current) >= height:
                close()
                held = None
            continue
        carry: list[list[Segment]] = []
        if held is not None:  # the heading goes with its block
            carry, current = current[held:], current[:held]
        close()
        held = len(carry) if keep else None
        lines = carry + lines
        if len(lines) <= height:
            current = lines
            continue
        # taller than the screen: its own screens, the last one ending with the block
        starts = list(range(0, len(lines) - height, height)) + [len(lines) - height]
        for start in starts:
            pages.append(lines[start:start + height])
        held = None
    close()
    trimmed = []
    for lines in pages:  # no blank line at the top of a screen, whatever block brought it
        while lines and _is_blank(lines[:1]):
            lines = lines[1:]
        if lines:
            trimmed.append(Screen(lines))
    return trimmed or [Screen([])]
