"""The home screen and the lessons table."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Course, Lesson
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.markup import visible
from llmtutor.render.wrap import Paragraph


def status_text(status: str) -> Text:
    return Text(f"{theme.STATUS_MARK[status]} {t('status_' + status)}", style=theme.STATUS_STYLE[status])


def lessons_table(lessons: list[Lesson], statuses: dict[str, str], lang: str, summaries: bool = False,
                  compact: bool = False):
    """One row per lesson; `compact` keeps each row on one line (titles shortened to fit)."""
    return LessonsTable(lessons, statuses, lang, summaries, compact)


class LessonsTable:
    """The lessons as a table sized to the console: the title column gets the room that is left."""

    def __init__(self, lessons, statuses, lang, summaries, compact) -> None:
        self.lessons, self.statuses, self.lang = lessons, statuses, lang
        self.summaries, self.compact = summaries, compact

    def __rich_console__(self, console, options):
        widths = {
            "order": max([len(str(x.order)) for x in self.lessons] + [1]),
            "id": max([cell_len(x.id) for x in self.lessons] + [cell_len(t("col_id"))]),
            "minutes": max(3, cell_len(t("col_minutes"))),
            "status": max(cell_len(status_text(s).plain) for s in theme.STATUS_MARK),
        }
        title_width = max(8, options.max_width - sum(widths.values()) - 3 * len(widths))  # padding + divider
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("#", justify="right", no_wrap=True, style=theme.MUTED, width=widths["order"])
        table.add_column(t("col_id"), no_wrap=True, style=theme.ACCENT, width=widths["id"], overflow="ellipsis")
        table.add_column(t("col_title"), width=title_width, no_wrap=self.compact,
                         overflow="ellipsis" if self.compact else "fold")
        table.add_column(t("col_minutes"), justify="right", no_wrap=True, width=widths["minutes"])
        table.add_column(t("col_status"), no_wrap=True, width=widths["status"])
        for lesson in self.lessons:
            title = Text(visible(lesson.title.get(self.lang)))
            if self.summaries:
                title.append("\n" + visible(lesson.summary.get(self.lang)), style=theme.MUTED)
            cell = title if self.compact else Paragraph(title)
            table.add_row(str(lesson.order), lesson.id, cell, str(lesson.minutes),
                          status_text(self.statuses.get(lesson.id, "new")))
        yield table


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
