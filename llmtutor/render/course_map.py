"""The home screen and the lessons table."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.cells import cell_len
from rich.text import Text

from llmtutor.course.model import Course, Lesson
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.safe_text import visible


def status_text(status: str) -> Text:
    return Text(f"{theme.STATUS_MARK[status]} {t('status_' + status)}", style=theme.STATUS_STYLE[status])


def lessons_table(lessons: list[Lesson], statuses: dict[str, str], lang: str,
                  full_titles: bool = False) -> "LessonsTable":
    """One line per lesson, sized to the console: the title gets the room that is left.

    A title too long for it is cut with "…", or with `full_titles` continued on the next lines.
    """
    return LessonsTable(lessons, statuses, lang, full_titles)


class LessonsTable:
    """The course map as aligned lines (drawn directly: a Rich Table costs ~20 ms here)."""

    GAP = "   "

    def __init__(self, lessons: list[Lesson], statuses: dict[str, str], lang: str,
                 full_titles: bool = False) -> None:
        self.lessons, self.statuses, self.lang, self.full_titles = lessons, statuses, lang, full_titles

    def __rich_console__(self, console, options):
        statuses = [status_text(s) for s in theme.STATUS_MARK]
        widths = [
            max([len(str(x.order)) for x in self.lessons] + [1]),
            max([cell_len(x.id) for x in self.lessons] + [cell_len(t("col_id"))]),
            0,  # the title: whatever is left
            max(3, cell_len(t("col_minutes"))),
            max(cell_len(s.plain) for s in statuses),
        ]
        gap = self.GAP if options.max_width >= 60 else " "
        room = options.max_width - widths[0] - widths[3] - widths[4] - len(gap) * (len(widths) - 1)
        widths[1] = min(widths[1], max(4, room // 3))  # narrow consoles shorten ids too
        widths[2] = max(4, room - widths[1])
        aligns = ("right", "left", "left", "right", "left")
        header = [Text(text, style="bold") for text in ("#", t("col_id"), t("col_title"), t("col_minutes"),
                                                         t("col_status"))]
        yield self._line(header, widths, aligns, gap)
        yield Text("─" * min(options.max_width, sum(widths) + len(gap) * 4), style=theme.MUTED)
        for lesson in self.lessons:
            title, *rest = self._title_lines(visible(lesson.title.get(self.lang)), widths[2])
            cells = [Text(str(lesson.order), style=theme.MUTED), Text(lesson.id, style=theme.ACCENT),
                     Text(title), Text(str(lesson.minutes)), status_text(self.statuses.get(lesson.id, "new"))]
            yield self._line(cells, widths, aligns, gap)
            for more in rest:  # the title continues under itself
                yield self._line([Text(""), Text(""), Text(more)], widths[:3], aligns[:3], gap)

    def _title_lines(self, title: str, width: int) -> list[str]:
        if not self.full_titles or cell_len(title) <= width:
            return [title]
        from llmtutor.render.wrap import break_offsets

        starts = [0, *break_offsets(title, width)]
        return [title[a:b].strip() for a, b in zip(starts, [*starts[1:], len(title)])]

    def _line(self, cells: list[Text], widths: list[int], aligns: tuple[str, ...], gap: str) -> Text:
        line = Text(no_wrap=True, overflow="crop", end="\n")
        for index, (cell, width, align) in enumerate(zip(cells, widths, aligns)):
            if index:
                line.append(gap)
            if cell.cell_len > width:
                cell.truncate(width, overflow="ellipsis")
            pad = " " * (width - cell.cell_len)
            line.append_text(Text(pad) + cell if align == "right" else cell + Text(pad))
        line.rstrip()
        return line


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
    from rich.table import Table

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
    return Group(heading, Text(""), lessons_table(course.lessons, statuses, lang), Text(""),
                 Text(t("home_next_heading"), style=theme.TITLE), advice, Text(""),
                 Text(t("home_commands"), style=theme.TITLE), commands,
                 Text(t("home_lang_hint"), style=theme.MUTED))
