"""Checks on rendered screens: they fit, they break no word, no screen is a border alone."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rich.cells import cell_len

ROOT = Path(__file__).resolve().parent.parent
BORDER = set("─│╭╮╰╯┌┐└┘├┤┬┴┼━┃═║ ")
WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every Latin word written in the course, the interface texts or the code that draws (lower case)."""
    words: set[str] = set()
    sources = [(ROOT / "content", "*.yaml"), (ROOT / "quizzes", "*.yaml"), (ROOT / "llmtutor" / "messages", "*.yaml"),
               (ROOT / "llmtutor" / "render", "*.py"), (ROOT / "llmtutor" / "cli", "*.py")]
    for folder, pattern in sources:
        for path in folder.rglob(pattern):
            words.update(word.lower() for word in WORD.findall(path.read_text(encoding="utf-8")))
    return frozenset(words)


def assert_fits(output: str, width: int) -> None:
    """No line wider than `width`, and no word cut in two (every word shown is a known word)."""
    lines = output.splitlines()
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    unknown = {word for word in WORD.findall(output) if word.lower() not in vocabulary()}
    assert not unknown, f"pieces of words at width {width}: {sorted(unknown)[:10]}"


def is_border_only(text: str) -> bool:
    """True for a screen that holds nothing but box lines."""
    return bool(text.strip()) and set(text) <= BORDER | {"\n"}
