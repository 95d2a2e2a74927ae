"""Styles shared by every screen, so the look is decided in one place."""

from __future__ import annotations

TITLE = "bold"
ACCENT = "bold cyan"
MUTED = "dim"
CODE = "bold magenta"
GOOD = "bold green"
BAD = "bold red"
WARN = "yellow"
KEY = "bold cyan"

STATUS_STYLE = {"new": "dim", "in_progress": "yellow", "done": "green"}
STATUS_MARK = {"new": "·", "in_progress": "◐", "done": "✓"}
