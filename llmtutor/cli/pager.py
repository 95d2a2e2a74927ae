"""Showing a lesson: page by page in a terminal, or all at once into a pipe."""

from __future__ import annotations

from llmtutor.cli.keys import BACK, NEXT, QUIT, pager_action, read_key
from llmtutor.cli.output import reading_input
from llmtutor.cli.state import SESSION, console, warn
from llmtutor.i18n import t
from llmtutor.render.lesson import lesson_keys_hint, lesson_page, page_count


def _record(action, *args) -> None:
    import sqlite3

    try:
        action(SESSION.store(), *args)
    except sqlite3.Error as err:
        warn(t("store_write_failed", detail=str(err)))


def print_lesson(course, lesson) -> None:
    from llmtutor.store.lessons import mark_done

    out = console()
    for index in range(page_count(lesson)):
        out.print(lesson_page(course, lesson, index, SESSION.lang))
        out.print()
    _record(mark_done, lesson.id)


def screens(out, renderable) -> list[list]:
    """The page cut into screenfuls that fit the terminal, each a list of rendered lines."""
    height = max(out.size.height - 3, 8)  # room for a continuation header and the key hint
    lines = out.render_lines(renderable, out.options.update(height=None), pad=False)
    return [lines[start:start + height] for start in range(0, len(lines), height)] or [[]]


def show_screen(out, lines: list) -> None:
    from rich.segment import Segment, Segments

    out.print(Segments([segment for line in lines for segment in (*line, Segment.line())]), end="")


def screenful(out, page, part: int, title: str, number: int, total: int, last_hint) -> tuple[int, int, str]:
    """Clear, draw screenful `part` of `page` (item `number` of `total`), read one key.

    Returns (part shown, how many screenfuls the page has, the key's action). The hint under the
    last screenful is `last_hint`; earlier ones say there is more.
    """
    from rich.text import Text

    parts = screens(out, page)
    part = min(part, len(parts) - 1)
    out.clear()
    if part:
        out.print(Text(t("screen_continued", title=title, page=number, total=total, part=part + 1,
                         parts=len(parts)), style="dim"))
    show_screen(out, parts[part])
    out.print(Text(t("screen_keys_more"), style="dim") if part < len(parts) - 1 else last_hint)
    action = None
    while action is None:
        with reading_input():
            action = pager_action(read_key())
    return part, len(parts), action


def page_lesson(course, lesson, start: int) -> None:
    """Interactive paging; the position is saved on every page so Ctrl-C loses nothing.

    A page taller than the terminal is shown a screenful at a time: Enter scrolls on within it.
    """
    from llmtutor.store.lessons import mark_done, save_position

    out = console()
    total = page_count(lesson)
    index, part = min(max(start, 0), total - 1), 0
    if index:
        out.print(t("lesson_resumed", page=index + 1, total=total), style="dim")
    while True:
        _record(save_position, lesson.id, index)
        part, count, action = screenful(out, lesson_page(course, lesson, index, SESSION.lang), part,
                                        lesson.title.get(SESSION.lang), index + 1, total, lesson_keys_hint())
        if action == QUIT:
            out.print(t("lesson_paused", page=index + 1, total=total, id=lesson.id), style="dim")
            return
        if action == BACK:
            index, part = (index, part - 1) if part else (max(index - 1, 0), 0)
        elif action == NEXT:
            if part < count - 1:
                part += 1
            elif index == total - 1:
                _record(mark_done, lesson.id)
                out.print(t("lesson_done", title=lesson.title.get(SESSION.lang)), style="green")
                return
            else:
                index, part = index + 1, 0
