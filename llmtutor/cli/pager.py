"""Showing a lesson: page by page in a terminal, or all at once into a pipe."""

from __future__ import annotations

from llmtutor.cli.keys import BACK, CONTENTS, HELP, NEXT, QUIT, SEARCH, pager_action, read_key
from llmtutor.cli.output import reading_input
from llmtutor.cli.state import SESSION, console, warn
from llmtutor.i18n import t
from llmtutor.render.lesson import lesson_page, page_count
from llmtutor.render.safe_text import visible

SIMPLE_KEYS = (NEXT, BACK, QUIT)
LESSON_KEYS = (NEXT, BACK, QUIT, CONTENTS, SEARCH, HELP)
CHECK_TYPES = ("single", "multiple", "true_false", "numeric", "short")  # answered in one line


def _record(action, *args) -> None:
    import sqlite3

    try:
        action(SESSION.store(), *args)
    except sqlite3.Error as err:
        warn(t("store_write_failed", detail=str(err)))


def print_lesson(course, lesson, only: int | None = None) -> None:
    """The whole lesson (or page `only`), for a pipe or `--all`: printing is not reading, so nothing is recorded."""
    out = console()
    for index in range(page_count(lesson)) if only is None else (only,):
        out.print(lesson_page(course, lesson, index, SESSION.lang))
        out.print()


def mark_lesson_done(lesson) -> None:
    """`learn LESSON --done`: the learner says the lesson is read."""
    from llmtutor.store.lessons import mark_done

    _record(mark_done, lesson.id)
    console().print(t("lesson_marked_done", title=visible(lesson.title.get(SESSION.lang)), id=lesson.id), style="green")


def screen_height(out) -> int:
    """Lines for the page: room is kept for a header line, the key hint and the cursor."""
    return max(out.size.height - 3, 8)


def show_screen(out, lines: list) -> None:
    from rich.segment import Segment, Segments

    out.print(Segments([segment for line in lines for segment in (*line, Segment.line())]), end="")


def screenful(out, page, part: int, title: str, number: int, total: int, last_hint, more_hint=None,
              notice=None, keys=SIMPLE_KEYS) -> tuple[int, int, str]:
    """Clear, draw screenful `part` of `page` (item `number` of `total`), read one key.

    `part` -1 is the last screenful. Returns (part shown, how many screenfuls the page has, the
    key's action, one of `keys`). The hint under the last screenful is `last_hint`, under earlier
    ones `more_hint`; `notice` (a Text) takes the top line.
    """
    from rich.text import Text

    from llmtutor.render.pages import screens

    parts = screens(out, page, screen_height(out))
    part = len(parts) - 1 if part < 0 else min(part, len(parts) - 1)
    out.clear()
    if notice is not None:
        out.print(notice, overflow="ellipsis", no_wrap=True)
    elif part:
        out.print(Text(t("screen_continued", title=visible(title), page=number, total=total, part=part + 1,
                         parts=len(parts)), style="dim"), overflow="ellipsis", no_wrap=True)
    show_screen(out, parts[part].lines)
    hint = last_hint if part == len(parts) - 1 else (more_hint or _hint("screen_keys_more"))
    out.print(hint)
    action = None
    while action not in keys:
        with reading_input():
            action = pager_action(read_key())
    return part, len(parts), action


def _hint(*keys: str):
    from llmtutor.render.pages import KeyHint

    return KeyHint([t(key) for key in keys])


class LessonReader:
    """Where the learner is in a lesson (page, screenful), and what the keys do."""

    def __init__(self, out, course, lesson, start: int, resumed: bool = True, checks: bool = False) -> None:
        self.out, self.course, self.lesson, self.resumed, self.checks = out, course, lesson, resumed, checks
        self.total = page_count(lesson)
        self.index, self.part = min(max(start, 0), self.total - 1), 0
        self.notice = None
        self.query = ""
        self.checked: set[int] = set()  # sections whose check was offered this run

    def page(self, index: int):
        return lesson_page(self.course, self.lesson, index, SESSION.lang)

    def run(self) -> None:
        """Interactive paging; the position is saved on every page so Ctrl-C loses nothing."""
        from llmtutor.store.lessons import mark_done, save_position

        out, lang = self.out, SESSION.lang
        if self.index and self.resumed:  # on the top line, where it stays visible
            self.notice = _notice(t("lesson_resumed", page=self.index + 1, total=self.total), "dim")
        while True:
            _record(save_position, self.lesson.id, self.index)
            notice, self.notice = self.notice, None
            self.part, count, action = screenful(
                out, self.page(self.index), self.part, self.lesson.title.get(lang), self.index + 1, self.total,
                _hint("lesson_keys", "lesson_keys_short"), _hint("lesson_keys_more", "lesson_keys_more_short"),
                notice, LESSON_KEYS)
            if action == QUIT:
                out.print(t("lesson_paused", page=self.index + 1, total=self.total, id=self.lesson.id), style="dim")
                return
            if action == BACK:
                if self.part:
                    self.part -= 1
                elif self.index:
                    self.index, self.part = self.index - 1, -1  # the last screenful of the page before
            elif action == NEXT:
                if self.part < count - 1:
                    self.part += 1
                    continue
                if self.checks:
                    self.section_check(self.index)
                if self.index == self.total - 1:
                    _record(mark_done, self.lesson.id)
                    out.print(t("lesson_done", title=visible(self.lesson.title.get(lang))), style="green")
                    return
                else:
                    self.index, self.part = self.index + 1, 0
            elif action == CONTENTS:
                self.contents()
            elif action == SEARCH:
                self.search()
            elif action == HELP:
                self.help()

    def section_check(self, index: int) -> None:
        """At the end of a section, one optional question on it (the questions that name the section).

        Enter skips; the answer is graded and explained but not stored: it is a check, not a quiz.
        Asked once per section and run.
        """
        import random

        from llmtutor.quiz.grading import grade, is_valid_syntax, present
        from llmtutor.quiz.session import Outcome
        from llmtutor.render.quiz import feedback_view, question_view

        if index >= len(self.lesson.sections) or index in self.checked:
            return
        section = self.lesson.sections[index]
        pool = [q for q in self.course.questions
                if q.lesson == self.lesson.id and q.section == section.id and q.type in CHECK_TYPES]
        if not pool:
            return
        self.checked.add(index)
        lang, out = SESSION.lang, self.out
        presented = present(random.Random().choice(pool), random.Random())
        out.clear()
        out.print(_notice(t("check_heading", section=visible(section.title.get(lang))), "bold"))
        out.print(question_view(presented, 1, 1, lang))
        while True:
            given = self._ask(t("check_prompt")).strip()
            if not given or is_valid_syntax(presented, given):
                break
            out.print(t("quiz_bad_syntax", hint=t("quiz_type_" + presented.question.type)), style="yellow")
        if not given:
            return
        expected = presented.expected(lang)
        out.print(feedback_view(Outcome(presented, given, expected, grade(presented, given, SESSION.course())), lang))
        out.print(_notice(t("check_continue"), "dim"))
        read_key()

    def contents(self) -> None:
        """The list of pages; a number jumps to that page, Enter goes back."""
        from llmtutor.render.lesson import contents_view

        out = self.out
        out.clear()
        out.print(contents_view(self.lesson, self.index, SESSION.lang))
        answer = self._ask(t("contents_prompt", total=self.total)).strip()
        if not answer:
            return
        if answer.isdigit() and 1 <= int(answer) <= self.total:
            self.index, self.part = int(answer) - 1, 0
        else:
            self.notice = _notice(t("contents_bad_number", value=answer, total=self.total), "yellow")

    def search(self) -> None:
        """Ask for words; go to the next screenful (after this one, round the lesson) that holds them."""
        from llmtutor.course.lookup import normalise
        from llmtutor.render.pages import screens

        query = self._ask(t("search_prompt")).strip() or self.query
        if not normalise(query):
            return
        self.query = query
        wanted = normalise(query)
        height = screen_height(self.out)
        places = []
        for index in range(self.total):
            for part, screen in enumerate(screens(self.out, self.page(index), height)):
                places.append((index, part, wanted in normalise(screen.plain())))
        here = next((n for n, (index, part, _) in enumerate(places)
                     if index == self.index and part == max(self.part, 0)), 0)
        ordered = places[here + 1:] + places[:here + 1]
        found = next(((index, part) for index, part, hit in ordered if hit), None)
        if found is None:
            self.notice = _notice(t("pager_not_found", query=query), "yellow")
            return
        self.index, self.part = found
        parts = sum(1 for index, _, _ in places if index == found[0])
        where = t("pager_found", query=query, page=found[0] + 1, total=self.total) if parts == 1 else \
            t("pager_found_part", query=query, page=found[0] + 1, total=self.total, part=found[1] + 1, parts=parts)
        self.notice = _notice(where, "bold")

    def help(self) -> None:
        from llmtutor.render.lesson import pager_help_view

        self.out.clear()
        self.out.print(pager_help_view())
        read_key()

    def _ask(self, prompt: str) -> str:
        from rich.text import Text

        try:
            return visible(self.out.input(Text(prompt, style="bold cyan")))
        except EOFError:
            return ""


def _notice(text: str, style: str):
    from rich.text import Text

    return Text(text, style=style)


def page_lesson(course, lesson, start: int, resumed: bool = True, checks: bool = False) -> None:
    """Interactive paging from page `start` (0-based; `resumed`: where the learner stopped); see `LessonReader`.

    `checks`: at the end of each section, offer one optional question on it (`learn --check`).
    """
    LessonReader(console(), course, lesson, start, resumed, checks).run()
