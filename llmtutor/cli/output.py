"""Where everything the tutor prints goes through: safe text, and output that may fail.

- `SafeConsole` is the only console the commands print with. Every character of every segment
  it writes passes `visible()` (control characters, escape sequences, bidi overrides become
  visible symbols), so text from outside (arguments, answers, file names, packs, the store) can
  never reach the terminal as a control sequence, whatever path it took. Rich's own styling is
  added after that, from styles, not from text.
- `GuardedStream` stands for stdout or stderr. A reader that closes the pipe (`| head`) ends the
  output quietly: nothing more is written, the command carries on (a quiz keeps storing answers)
  and exits 0. Any other write failure (a full disk, a closed descriptor) is remembered and
  reported in one line at the end, exit 1. An encoding that cannot show a character (ASCII)
  gets a replacement character instead of a crash.
- `json_text` writes JSON whose strings cannot carry a control sequence either.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from contextlib import contextmanager

from rich.console import Console
from rich.segment import Segment

from llmtutor.render.safe_text import visible


class _StreamState:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.reader_gone = False  # the pipe was closed by its reader: write nothing more
        self.failure = ""  # why a write failed, if it did (other than a closed pipe)


STATES = {"stdout": _StreamState(), "stderr": _StreamState()}


def _silence(name: str) -> None:
    """Point the stream's descriptor at /dev/null, so that nothing later (the interpreter's last
    flush included) meets the closed pipe again."""
    target = getattr(sys, name, None)
    try:
        fd = target.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


class GuardedStream:
    """`sys.stdout` or `sys.stderr` (looked up at each call: tests swap them) that never raises."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._asked: tuple[object, bool] | None = None  # (stream, its isatty()) last asked

    @property
    def state(self) -> _StreamState:
        return STATES[self.name]

    def _target(self):
        return getattr(sys, self.name, None)

    def _guard(self, action):
        state = self.state
        if state.reader_gone or state.failure:
            return None
        target = self._target()
        if target is None:  # the descriptor was closed before we started (`>&-`)
            state.failure = os.strerror(errno.EBADF)
            return None
        try:
            return action(target)
        except BrokenPipeError:
            state.reader_gone = True
            _silence(self.name)
        except (OSError, ValueError) as err:  # ValueError: a closed file object
            state.failure = getattr(err, "strerror", None) or str(err)
            if isinstance(err, OSError) and err.errno in (errno.EIO, errno.ENXIO):
                _silence(self.name)  # the terminal is gone
        return None

    def write(self, text: str) -> int:
        def write(target):
            try:
                target.write(text)
            except UnicodeEncodeError:
                encoding = getattr(target, "encoding", None) or "ascii"
                target.write(text.encode(encoding, "replace").decode(encoding, "replace"))

        self._guard(write)
        return len(text)

    def flush(self) -> None:
        self._guard(lambda target: target.flush())

    def isatty(self) -> bool:
        # Rich asks before every print (~80 times in a walkthrough): ask the system once per stream
        target = self._target()
        if self._asked is not None and self._asked[0] is target:
            return self._asked[1]
        try:
            answer = bool(target is not None and target.isatty())
        except (OSError, ValueError):
            answer = False
        self._asked = (target, answer)
        return answer

    def fileno(self) -> int:
        target = self._target()
        if target is None:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return target.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._target(), "encoding", None) or "utf-8"


STDOUT = GuardedStream("stdout")
STDERR = GuardedStream("stderr")


class SafeConsole(Console):
    """A Rich console whose text segments are made visible before they are styled and written."""

    def _render_buffer(self, buffer) -> str:
        return super()._render_buffer(
            segment if segment.control or segment.text.isprintable() or segment.text == "\n"
            else Segment(visible(segment.text), segment.style) for segment in buffer)

    def on_broken_pipe(self) -> None:  # GuardedStream already handled it; never exit from here
        self.quiet = True


MAX_WIDTH = 1000  # wider than any screen; a larger COLUMNS would only make Rich lay out for minutes


def _width() -> int | None:
    """COLUMNS as Rich reads it, unless it is not a usable width (0, not a number, absurdly wide)."""
    value = os.environ.get("COLUMNS", "").strip()
    if value and (not value.isdigit() or int(value) < 1):
        return 80
    if value and int(value) > MAX_WIDTH:
        return MAX_WIDTH
    return None


def make_console(stderr: bool = False) -> Console:
    """A console for the learner: markup off, highlighting off, safe text, guarded stream."""
    return SafeConsole(file=STDERR if stderr else STDOUT, highlight=False, markup=False, width=_width())


def tolerant_stdin() -> None:
    """Keys typed in a terminal whose declared encoding cannot hold them (PYTHONIOENCODING=ascii)
    become replacement characters, never an error: UTF-8 where ASCII was declared (a superset)."""
    stdin = sys.stdin
    if stdin is None or not hasattr(stdin, "reconfigure"):
        return
    ascii_only = (stdin.encoding or "").lower().replace("-", "_") in ("ascii", "us_ascii", "ansi_x3.4_1968")
    try:
        stdin.reconfigure(encoding="utf-8" if ascii_only else None, errors="replace")
    except (OSError, ValueError):
        pass


def reset() -> None:
    """A new command starts (tests run many in one process)."""
    for state in STATES.values():
        state.reset()


_TERMINAL = {"reading": False, "hung_up": False}


def long_running() -> None:
    """This command will live on (it waits for the learner, or trains): collect reference cycles
    again. `main()` switches the collector off for start-up; a command that prints and ends never
    needs it."""
    import gc

    gc.enable()


@contextmanager
def reading_input():
    """Around every wait for the learner's keys: a hang-up then stops the wait (KeyboardInterrupt)."""
    long_running()
    if _TERMINAL["hung_up"]:
        raise EOFError
    _TERMINAL["reading"] = True
    try:
        yield
    finally:
        _TERMINAL["reading"] = False


def hang_up(signum=None, frame=None) -> None:
    """SIGHUP: the terminal was closed. Whatever is still written goes nowhere, quietly; a wait for
    keys ends at once; anything else (storing the last answer, finishing the session) runs to its
    end, never cut in the middle, and the tutor then exits 130."""
    _TERMINAL["hung_up"] = True
    for name, state in STATES.items():
        state.reader_gone = True
        _silence(name)
    if _TERMINAL["reading"]:
        raise KeyboardInterrupt


def was_hung_up() -> bool:
    return _TERMINAL["hung_up"]


def settle() -> str:
    """Flush what is left; the reason stdout could not be written, or '' (a closed pipe is fine)."""
    STDOUT.flush()
    STDERR.flush()
    if STATES["stdout"].reader_gone:
        _silence("stdout")
    return STATES["stdout"].failure


# What json.dumps leaves raw but a terminal may obey: DEL, C1 controls (CSI), bidi and other format marks.
_UNSAFE_IN_JSON = "[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"


def json_text(data: object) -> str:
    """JSON with every control character escaped (`\\u001b`), so the data stays exact but inert."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    if not text.isascii():
        text = re.sub(_UNSAFE_IN_JSON, lambda match: f"\\u{ord(match.group()):04x}", text)
    return text + "\n"
