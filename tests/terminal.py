"""Running the real `llmtutor` in a pseudo-terminal (pexpect), for the interactive tests."""

from __future__ import annotations

import os
import sys

import pexpect

TIMEOUT = 30  # generous: a loaded 2-core CI machine starts Python slowly


def spawn(home, *args: str, lang: str = "en", rows: int = 40) -> pexpect.spawn:
    """`llmtutor ARGS` in an 80-column terminal (40 rows unless said), with its own learner home."""
    env = {**os.environ, "LLMTUTOR_HOME": str(home), "COLUMNS": "80", "LINES": str(rows), "TERM": "xterm",
           "LLMTUTOR_LANG": lang}
    return pexpect.spawn(sys.executable, ["-m", "llmtutor", *args], env=env, encoding="utf-8", timeout=TIMEOUT,
                         dimensions=(rows, 80))


def exit_status(child: pexpect.spawn) -> int:
    """Wait for the tutor to end, close the terminal, and give its exit status."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus
