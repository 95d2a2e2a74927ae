"""The home screen and the lessons table."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.cells import cell_len
from rich.text import Text

from llmtutor.course.model import Course, Lesson
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph, break_offsets


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
    MIN_TITLE = 16  # cells a title keeps before the id column gives way

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
        from llmtutor.render.pages import MEASURE

        width = min(options.max_width, MEASURE)
        gap = self.GAP if width >= 60 else " "
        # an id is shown whole or not at all (a cut id cannot be copied; `learn` takes the number
        # too); on a narrow screen the id, then the minutes, then the status give way to the title
        columns = [0, 1, 2, 3, 4]
        for optional in (1, 3, 4):
            shown = sum(widths[i] for i in columns if i != 2) + len(gap) * (len(columns) - 1)
            if width - shown >= self.MIN_TITLE:
                break
            columns.remove(optional)
        widths[2] = max(4, width - sum(widths[i] for i in columns if i != 2) - len(gap) * (len(columns) - 1))
        aligns = ("right", "left", "left", "right", "left")
        header = [Text(text, style="bold") for text in ("#", t("col_id"), t("col_title"), t("col_minutes"),
                                                         t("col_status"))]
        yield self._line(*self._pick(columns, header, widths, aligns), gap)
        shown = sum(widths[i] for i in columns) + len(gap) * (len(columns) - 1)
        yield Text("─" * min(width, shown), style=theme.MUTED)
        for lesson in self.lessons:
            title, *rest = self._title_lines(visible(lesson.title.get(self.lang)), widths[2])
            cells = [Text(str(lesson.order), style=theme.MUTED), Text(lesson.id, style=theme.ACCENT),
                     Text(title), Text(str(lesson.minutes)), status_text(self.statuses.get(lesson.id, "new"))]
            yield self._line(*self._pick(columns, cells, widths, aligns), gap)
            for more in rest:  # the title continues under itself
                blank = [Text("")] * 5
                blank[2] = Text(more)
                upto = columns[:columns.index(2) + 1]
                yield self._line(*self._pick(upto, blank, widths, aligns), gap)

    @staticmethod
    def _pick(columns: list[int], cells: list[Text], widths: list[int], aligns: tuple[str, ...]):
        return [cells[i] for i in columns], [widths[i] for i in columns], tuple(aligns[i] for i in columns)

    def _title_lines(self, title: str, width: int) -> list[str]:
        if cell_len(title) <= width:
            return [title]
        from llmtutor.render.wrap import break_offsets

        if not self.full_titles:  # cut between words, marked with "…"
            first = title[:break_offsets(title, width - 1)[0]].rstrip(" ,:;，：；、")
            return [first + "…"]

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


def home_screen(course: Course, statuses: dict[str, str], lang: str, due: int = 0) -> RenderableType:
    """The screen of `llmtutor` alone: the course map, what to do next (reviews due first), the commands."""
    from llmtutor.render.pages import Measured

    done = sum(1 for lesson in course.lessons if statuses.get(lesson.id) == "done")
    heading = Text(t("home_title"), style=theme.ACCENT)
    heading.append("\n" + t("home_progress", done=done, total=len(course.lessons)), style=theme.MUTED)
    advice: list[tuple[str, Text]] = []
    if due:
        advice.append(("llmtutor review", Text(t("home_due", count=due), style=theme.WARN)))
    upcoming = next_lesson(course, statuses)
    if upcoming is None:
        advice.append(("llmtutor review", Text(t("home_all_done"))))
    else:
        started = statuses.get(upcoming.id) == "in_progress"
        key = "home_continue" if started else ("home_start" if not statuses else "home_next")
        advice.append((f"llmtutor learn {upcoming.id}", Text(t(key, title=visible(upcoming.title.get(lang))))))
    commands = CommandList([(command, Text(t(key))) for command, key in (
        ("llmtutor learn [LESSON]", "home_cmd_learn"), ("llmtutor next", "home_cmd_next"),
        ("llmtutor search WORDS", "home_cmd_search"), ("llmtutor explain TERM", "home_cmd_explain"),
        ("llmtutor attention \"TEXT\"", "home_cmd_attention"), ("llmtutor walk [NAME]", "home_cmd_walk"),
        ("llmtutor quiz [TOPIC]", "home_cmd_quiz"), ("llmtutor review", "home_cmd_review"),
        ("llmtutor progress", "home_cmd_progress"))])
    return Measured(Group(heading, Text(""), lessons_table(course.lessons, statuses, lang), Text(""),
                          Text(t("home_next_heading"), style=theme.TITLE), CommandList(advice, text_first=True),
                          Text(""),
                          Text(t("home_commands"), style=theme.TITLE), commands, Text(""),
                          Paragraph(Text(t("home_lang_hint"), style=theme.MUTED))))


class CommandList:
    """Commands with what they do: side by side when there is room, else each above the other.

    `rows` are (command, text); `text_first` puts the text on the left ("do this:  command").
    """

    def __init__(self, rows: list[tuple[str, Text]], text_first: bool = False) -> None:
        self.rows, self.text_first = rows, text_first

    def __rich_console__(self, console, options):
        widest = max(cell_len(command) for command, _ in self.rows)
        room = options.max_width - widest - 2  # what is left beside the command column
        if room >= 30:
            # Two columns drawn line by line (a Table would import rich.table and fractions on every
            # start-up of the home screen): the command never wraps, the text wraps in the rest.
            natural = max(cell_len(line) for _, text in self.rows for line in text.plain.split("\n"))
            text_width = min(room, natural)
            for command, text in self.rows:
                lines = [piece for line in text.split("\n", allow_blank=True)
                         for piece in line.divide(break_offsets(line.plain, text_width))]
                for index, piece in enumerate(lines):
                    piece.rstrip()
                    label = Text(command if index == 0 else "", style=theme.CODE)
                    if self.text_first:
                        row = piece + Text(" " * (text_width - piece.cell_len + 2)) + label
                    else:
                        row = label + Text(" " * (widest - label.cell_len + 2)) + piece
                    row.rstrip()
                    row.no_wrap, row.overflow, row.end = True, "crop", "\n"
                    yield row
            return
        for command, text in self.rows:
            if self.text_first:
                yield Paragraph(text)
            yield Text("  " + command if self.text_first else command, style=theme.CODE)
            if not self.text_first:
                yield Paragraph(Text("  ") + text, hang=2)
