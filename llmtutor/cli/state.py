"""What every command shares: the language, the consoles, the course and the progress store."""

from __future__ import annotations

import sys

from rich.console import Console

from llmtutor.errors import TutorError
from llmtutor.i18n import label, language, t


class Session:
    """This run's content packs, and the course and store once something needs them."""

    def __init__(self) -> None:
        self.content_dirs: list[str] = []
        self._course = None
        self._views: dict = {}  # light views of the course (the lesson list, what a walk names), when nothing needed more
        self._store = None

    @property
    def lang(self) -> str:
        return language()

    def course(self):
        """The whole course; TutorError (exit 1) if any content file is invalid."""
        if self._course is None or not self._course.complete:
            from llmtutor.course.loader import load_course

            self._course = self._checked(load_course(self.content_dirs))
        return self._course

    def catalog(self):
        """Lesson titles, the glossary and walkthroughs only: enough for look-ups, and quicker."""
        if self._course is None:
            from llmtutor.course.loader import load_catalog

            self._course = self._checked(load_catalog(self.content_dirs))
        return self._course

    def lesson_list(self):
        """The lessons (titles, minutes, order; no bodies) and walkthroughs: the home screen, `lessons`."""
        return self._view("lesson_list")

    def walk_view(self):
        """Walkthroughs, lesson titles and glossary term names: what `walk` lists and names."""
        return self._view("walk_view")

    def _view(self, name: str):
        """`course.loader.load_<name>`, read once; the whole course instead when it is read already."""
        if self._course is not None:
            return self._course
        if name not in self._views:
            from llmtutor.course import loader

            self._views[name] = self._checked(getattr(loader, f"load_{name}")(self.content_dirs))
        return self._views[name]

    @staticmethod
    def _checked(result):
        if result.errors:
            raise TutorError("content_invalid", exit_code=1, count=len(result.errors),
                             first=result.errors[0].text())
        return result.course

    def store(self):
        """The progress store, opened on first use; tells the learner once if it had to improvise."""
        if self._store is None:
            from llmtutor.store.db import open_store

            self._store = open_store()
            if self._store.notice:
                warn(t(self._store.notice, **self._store.notice_params))
        return self._store

    def reset(self, content_dirs: list[str]) -> None:
        """Start a fresh invocation (tests run many in one process)."""
        self.close()
        self.content_dirs = content_dirs
        self._course = None
        self._views = {}

    def close(self) -> None:
        if self._store is not None:
            if self._store.skipped:
                warn(t("store_bad_rows", count=sum(self._store.skipped.values()),
                       what=", ".join(sorted(self._store.skipped))))
            self._store.close()
            self._store = None


SESSION = Session()

# One range for every --seed (quiz, attention, walk): what NumPy's generators and SQLite both take.
MAX_SEED = 2**32 - 1


def checked_seed(value: int | None) -> int | None:
    """The --seed callback shared by every command: 0 to MAX_SEED, else exit 2 in one line."""
    if value is not None and not 0 <= value <= MAX_SEED:
        raise TutorError("seed_out_of_range", exit_code=2, value=value, limit=MAX_SEED)
    return value


def console() -> Console:
    """The console for normal output (Rich honours NO_COLOR and plain pipes).

    Markup is off: messages carry titles, paths and answers that must print as written. Every
    character goes through `output.SafeConsole` (no control sequence from outside text) to a
    guarded stdout (a closed pipe or a full disk never costs an answer).
    """
    from llmtutor.cli.output import make_console

    return make_console()


def error_console() -> Console:
    from llmtutor.cli.output import make_console

    return make_console(stderr=True)


def say(out: Console, text: str, style: str = "") -> None:
    """Print a sentence, wrapped so that Chinese lines break well, at most the reading measure wide."""
    from rich.text import Text

    from llmtutor.render.pages import Measured
    from llmtutor.render.wrap import Paragraph

    out.print(Measured(Paragraph(Text(text, style=style))))


def print_message(line) -> None:
    """One message (a Text) on stderr: wrapped to a terminal's width between words, one line into a pipe."""
    out = error_console()
    if out.is_terminal:
        from llmtutor.render.wrap import Paragraph

        out.print(Paragraph(line))
    else:
        out.print(line, soft_wrap=True)


def warn(text: str) -> None:
    from rich.text import Text

    line = Text(label("warning_prefix"), style="yellow")
    line.append(text)
    print_message(line)


def print_json(data: object) -> None:
    from llmtutor.cli.output import STDOUT, json_text

    STDOUT.write(json_text(data))
    STDOUT.flush()


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty() and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
