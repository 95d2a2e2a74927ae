"""Content text to Rich `Text`, honouring only the small documented markup.

Paragraphs, `- ` bullets, `1. ` numbered items, `**bold**`, `*italic*` and `` `code` ``. Everything else,
Rich markup and escape sequences included, is shown exactly as written (control characters are
replaced by visible symbols so they can never drive the terminal).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rich.console import Group
from rich.text import Text

from llmtutor.render import theme
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph

_PATTERNS = {
    "inline": r"\*\*(.+?)\*\*|`([^`]+)`|(?<![\w*])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![\w*])",
    "bullet": r"^\s*[-*•]\s+(.*)$",
    "numbered": r"^\s*(\d{1,3})[.)]\s+(.*)$",
}


@lru_cache(maxsize=None)
def _pattern(name: str) -> re.Pattern:
    """Compiled when first needed: most texts have no markup and no list (compiling costs start-up)."""
    return re.compile(_PATTERNS[name])


def inline(text: str, base_style: str = "") -> Text:
    """One line with **bold** and `code` spans."""
    result = Text(style=base_style)
    if "*" not in text and "`" not in text:  # no span can match
        return result.append(visible(text))
    position = 0
    for match in _pattern("inline").finditer(text):
        result.append(visible(text[position:match.start()]))
        if match.group(1) is not None:
            result.append(visible(match.group(1)), style="bold")
        elif match.group(2) is not None:
            result.append(visible(match.group(2)), style=theme.CODE)
        else:
            result.append(visible(match.group(3)), style="italic")
        position = match.end()
    result.append(visible(text[position:]))
    return result


def para(text: str, base_style: str = "") -> Paragraph:
    """One line of markup that wraps well in Chinese and English (for table cells and lists)."""
    return Paragraph(inline(text, base_style))


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join(lines: list[str]) -> str:
    """Join the lines of one paragraph; no space is put between Chinese characters."""
    joined = ""
    for line in lines:
        line = line.strip()
        if joined and line and not (_is_wide(joined[-1]) or _is_wide(line[0])):
            joined += " "
        joined += line
    return joined


def blocks(text: str) -> Group:
    """A whole body: paragraphs, and list items with a hanging indent, a blank line between blocks."""
    parts: list = []
    paragraph: list[str] = []
    items: list[tuple[str, list[str]]] = []

    def flush() -> None:
        if paragraph:
            parts.append(Paragraph(inline(_join(paragraph))))
            paragraph.clear()
        if items:
            from rich.table import Table  # only bodies with lists need it (start-up time)

            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, justify="right")
            grid.add_column(ratio=1, overflow="fold")
            for marker, lines in items:
                grid.add_row(Text(marker, style=theme.ACCENT), Paragraph(inline(_join(lines))))
            parts.append(grid)
            items.clear()

    for raw in str(text).splitlines():
        head = raw.lstrip()[:1]  # what a list item can start with, before asking the patterns
        bullet = _pattern("bullet").match(raw) if head in ("-", "*", "•") else None
        numbered = _pattern("numbered").match(raw) if head.isdigit() else None
        if not raw.strip():
            flush()
        elif bullet or numbered:
            if paragraph:
                flush()
            marker = " •" if bullet else f" {numbered.group(1)}."
            items.append((marker, [bullet.group(1) if bullet else numbered.group(2)]))
        elif items and raw[:1].isspace():
            items[-1][1].append(raw)
        else:
            if items:
                flush()
            paragraph.append(raw)
    flush()
    spaced: list = []
    for index, part in enumerate(parts):
        if index:
            spaced.append(Text(""))
        spaced.append(part)
    return Group(*spaced)
