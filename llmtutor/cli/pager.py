"""Showing a lesson: page by page in a terminal, or all at once into a pipe."""

from __future__ import annotations

from llmtutor.cli.keys import BACK, NEXT, QUIT, pager_action, read_key
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


def page_lesson(course, lesson, start: int) -> None:
    """Interactive paging; the position is saved on every page so Ctrl-C loses nothing."""
    from llmtutor.store.lessons import mark_done, save_position

    out = console()
    total = page_count(lesson)
    index = min(max(start, 0), total - 1)
    if index:
        out.print(t("lesson_resumed", page=index + 1, total=total), style="dim")
    while True:
        _record(save_position, lesson.id, index)
        out.clear()
        out.print(lesson_page(course, lesson, index, SESSION.lang))
        out.print(lesson_keys_hint())
        action = None
        while action is None:
            action = pager_action(read_key())
        if action == QUIT:
            out.print(t("lesson_paused", page=index + 1, total=total, id=lesson.id), style="dim")
            return
        if action == BACK:
            index = max(index - 1, 0)
        elif action == NEXT:
            if index == total - 1:
                _record(mark_done, lesson.id)
                out.print(t("lesson_done", title=lesson.title.get(SESSION.lang)), style="green")
                return
            index += 1
