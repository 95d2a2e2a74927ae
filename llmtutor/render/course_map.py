"""The home screen and the lessons table."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Course, Lesson
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.markup import visible


def status_text(status: str) -> Text:
    return Text(f"{theme.STATUS_MARK[status]} {t('status_' + status)}", style=theme.STATUS_STYLE[status])


def lessons_table(lessons: list[Lesson], statuses: dict[str, str], lang: str, summaries: bool = False,
                  compact: bool = False) -> Table:
    """One row per lesson; `compact` keeps each row on one line (titles shortened)."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True, style=theme.MUTED)
    table.add_column(t("col_id"), no_wrap=True, style=theme.ACCENT)
    if compact:
        table.add_column(t("col_title"), ratio=1, no_wrap=True, overflow="ellipsis")
    else:
        table.add_column(t("col_title"), ratio=1, overflow="fold")
    table.add_column(t("col_minutes"), justify="right", no_wrap=True)
    table.add_column(t("col_status"), no_wrap=True)
    for lesson in lessons:
        title = Text(visible(lesson.title.get(lang)))
        if summaries:
            title.append("\n" + visible(lesson.summary.get(lang)), style=theme.MUTED)
        table.add_row(str(lesson.order), lesson.id, title, str(lesson.minutes),
                      status_text(statuses.get(lesson.id, "new")))
    return table


def next_lesson(course: Course, statuses: dict[str, str]) -> Lesson | None:
    """The lesson in progress, else the first one not done."""
    for lesson in course.lessons:
        if statuses.get(lesson.id) == "in_progress":
            return lesson
    return next((lesson for lesson in course.lessons if statuses.get(lesson.id) != "done"), None)


def home_screen(course: Course, statuses: dict[str, str], lang: str) -> RenderableType:
    done = sum(1 for lesson in course.lessons if statuses.get(lesson.id) == "done")
    heading = Text(t("home_title"), style=theme.ACCENT)
    heading.append("\n" + t("home_progress", done=done, total=len(course.lessons)), style=theme.MUTED)
    upcoming = next_lesson(course, statuses)
    if upcoming is None:
        advice = Text(t("home_all_done"))
        advice.append("  llmtutor review", style=theme.CODE)
    else:
        advice = Text(t("home_next", title=visible(upcoming.title.get(lang))) + "  ")
        advice.append(f"llmtutor learn {upcoming.id}", style=theme.CODE)
    commands = Table.grid(padding=(0, 2))
    commands.add_column(no_wrap=True, style=theme.CODE)
    commands.add_column(ratio=1, overflow="fold")
    for command, key in (("llmtutor learn [LESSON]", "home_cmd_learn"),
                         ("llmtutor explain TERM", "home_cmd_explain"),
                         ("llmtutor attention \"TEXT\"", "home_cmd_attention"),
                         ("llmtutor walk [NAME]", "home_cmd_walk"),
                         ("llmtutor quiz [TOPIC]", "home_cmd_quiz"),
                         ("llmtutor review", "home_cmd_review"),
                         ("llmtutor progress", "home_cmd_progress")):
        commands.add_row(command, t(key))
    return Group(heading, Text(""), lessons_table(course.lessons, statuses, lang, compact=True), Text(""),
                 Text(t("home_next_heading"), style=theme.TITLE), advice, Text(""),
                 Text(t("home_commands"), style=theme.TITLE), commands,
                 Text(t("home_lang_hint"), style=theme.MUTED))
