"""Reading one key press from the terminal (Enter, space, b, q, ...) without waiting for Enter."""

from __future__ import annotations

import os
import sys

try:  # imported now, not at the first key press: a Ctrl-C that lands inside an import can be lost
    import select
    import termios
    import tty
except ImportError:  # not a POSIX terminal
    termios = tty = select = None

NEXT, BACK, QUIT = "next", "back", "quit"
CONTENTS, SEARCH, HELP = "contents", "search", "help"  # the lesson pager only


def read_key() -> str:
    """One key as a single-character string; '' at end of input. Ctrl-C raises KeyboardInterrupt."""
    from llmtutor.cli.output import long_running

    long_running()
    stream = sys.stdin
    if not stream.isatty() or termios is None:
        line = stream.readline()
        return line[:1] if line else ""
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        # one byte at a time: keys typed ahead (or pasted) stay in the terminal for what reads next
        data = os.read(fd, 1)
        if data == b"\x1b":
            data += _rest_of_escape(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    if not data:
        return ""
    if data[:1] == b"\x03":
        raise KeyboardInterrupt
    if data[:1] == b"\x1b":  # arrow keys: right/down next, left/up back
        return {b"\x1b[C": " ", b"\x1b[B": " ", b"\x1b[D": "b", b"\x1b[A": "b"}.get(data[:3], "" if len(data) > 1 else "\x1b")
    return data[:1].decode("latin-1")


def _rest_of_escape(fd: int) -> bytes:
    """The bytes of an escape sequence after ESC, if they come at once (an arrow key); b"" for ESC alone."""
    rest = b""
    while len(rest) < 2 and select.select([fd], [], [], 0.05)[0]:
        rest += os.read(fd, 1)
    return rest


def pager_action(key: str) -> str | None:
    """What a key means while paging: NEXT, BACK, QUIT, CONTENTS, SEARCH, HELP or None (ignored)."""
    if key in ("", "q", "Q", "\x04", "\x1b"):
        return QUIT
    if key in ("\n", "\r", " ", "n", "j"):
        return NEXT
    if key in ("b", "B", "p", "k"):
        return BACK
    if key in ("t", "T", "c", "C"):
        return CONTENTS
    if key == "/":
        return SEARCH
    if key in ("?", "h", "H"):
        return HELP
    return None
