"""Lesson pages: one section per screen, then a page of key points and where to go next."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Course, Lesson, Section
from llmtutor.i18n import label, t
from llmtutor.render import theme
from llmtutor.render.figures import figure_view
from llmtutor.render.markup import blocks, inline, para
from llmtutor.render.pages import KeepWithNext, Measured
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def page_count(lesson: Lesson) -> int:
    """Sections plus the closing page of key points."""
    return len(lesson.sections) + 1


def lesson_page(course: Course, lesson: Lesson, index: int, lang: str) -> RenderableType:
    """Page `index` (0-based) of the lesson, at most `pages.MEASURE` cells wide.

    Its blocks stay visible to `pages.screens`, which cuts screenfuls between them.
    """
    total = page_count(lesson)
    header = KeepWithNext(PageHeader(Text(f"{visible(lesson.title.get(lang))} · {index + 1}/{total}",
                                          style=theme.ACCENT)))
    if index < len(lesson.sections):
        parts: list[RenderableType] = [header]
        if index == 0:
            parts += [_objective(lesson, lang)]
        parts += [_section(lesson.sections[index], lang, lesson.id)]
        return Measured(Group(*parts))
    return Measured(Group(header, _closing(course, lesson, lang)))


class PageHeader:
    """The title in a rule across the page; a title too long for one line wraps above a plain rule."""

    def __init__(self, title: Text) -> None:
        self.title = title

    def __rich_console__(self, console, options):
        if self.title.cell_len + 6 <= options.max_width:
            yield Rule(self.title, style=theme.MUTED)
            return
        yield Paragraph(self.title)
        yield Text("─" * options.max_width, style=theme.MUTED)


def page_titles(lesson: Lesson, lang: str) -> list[str]:
    """What each page is about, for the contents view: the section titles, then the key points."""
    return [visible(section.title.get(lang)) for section in lesson.sections] + [t("lesson_key_points")]


def _objective(lesson: Lesson, lang: str) -> RenderableType:
    text = Text(label("lesson_objective"), style="bold")
    text.append_text(inline(lesson.objective.get(lang)))
    return Group(Paragraph(text), Text(""))


def _section(section: Section, lang: str, lesson_id: str | None = None) -> RenderableType:
    parts: list[RenderableType] = [KeepWithNext(Text(visible(section.title.get(lang)), style=theme.TITLE)), Text(""),
                                   blocks(section.body.get(lang))]
    if section.figure is not None:
        parts += [Text(""), figure_view(section.figure, lang, lesson_id)]
    if section.example is not None:
        parts += [Text(""), _boxed(t("lesson_example"), blocks(section.example.get(lang)), "cyan")]
    if section.misconception is not None:
        parts += [Text(""), _boxed(t("lesson_misconception"), blocks(section.misconception.get(lang)), "yellow")]
    for correction in section.corrections:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(t("lesson_source_says"), para(correction.source_says.get(lang)))
        grid.add_row(t("lesson_in_fact"), para(correction.in_fact.get(lang)))
        if correction.ref:
            grid.add_row(t("lesson_check"), Text(visible(correction.ref), style=theme.MUTED))
        parts += [Text(""), _boxed(t("lesson_correction"), grid, "red")]
    return Group(*parts)


def _boxed(title: str, body: RenderableType, colour: str) -> Panel:
    return Panel(body, title=Text(title, style=f"bold {colour}"), title_align="left",
                 border_style=colour, box=box.ROUNDED, padding=(0, 1))


def _closing(course: Course, lesson: Lesson, lang: str) -> RenderableType:
    points = Table.grid(padding=(0, 1))
    points.add_column(no_wrap=True, style=theme.ACCENT)
    points.add_column(ratio=1, overflow="fold")
    for point in lesson.key_points:
        points.add_row("✓", para(point.get(lang)))
    parts: list[RenderableType] = [KeepWithNext(Text(t("lesson_key_points"), style=theme.TITLE)), points, Text("")]
    links = Table.grid(padding=(0, 1))
    links.add_column(no_wrap=True, style="bold")
    links.add_column(ratio=1, overflow="fold")
    if lesson.terms:
        names = []
        for term_id in lesson.terms:
            term = course.term(term_id)
            names.append(visible(term.name.get(lang)) if term else term_id)
        links.add_row(t("lesson_terms"), Paragraph(Text("、".join(names) if lang == "zh" else ", ".join(names))))
    for walk_id in lesson.walkthroughs:
        links.add_row(t("lesson_walkthrough"), Text(f"llmtutor walk {walk_id}", style=theme.CODE))
    if any(question.lesson == lesson.id for question in course.questions):
        links.add_row(t("lesson_quiz"), Text(f"llmtutor quiz {lesson.id}", style=theme.CODE))
    later = [other for other in course.lessons if other.order > lesson.order]
    if later:
        links.add_row(t("lesson_next"), Text(f"llmtutor learn {later[0].id}", style=theme.CODE))
    parts += [links]
    if lesson.sources:
        parts += [Text(""), KeepWithNext(Text(t("lesson_sources"), style=theme.TITLE))]
        for source in lesson.sources:  # one block each, wrapped lines hanging under the text
            line = Text(f"• {visible(source.cite)}")
            if source.where:
                line.append(f" ({visible(source.where)})", style=theme.MUTED)
            parts.append(Paragraph(line, hang=2))
    return Group(*parts)


def contents_view(lesson: Lesson, current: int, lang: str) -> RenderableType:
    """The lesson's pages, numbered, the one being read marked."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=1, style=theme.ACCENT)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(ratio=1)
    for index, title in enumerate(page_titles(lesson, lang)):
        grid.add_row("›" if index == current else "", f"{index + 1}.", Paragraph(Text(title)))
    heading = Text(t("contents_heading", title=visible(lesson.title.get(lang))), style=theme.TITLE)
    return Measured(Group(Paragraph(heading), Text(""), grid, Text("")))


PAGER_KEYS = (("Enter, Space, n, j, →, ↓", "pager_key_next"), ("b, p, k, ←, ↑", "pager_key_back"),
              ("t, c", "pager_key_contents"), ("/", "pager_key_search"), ("?, h", "pager_key_help"),
              ("q, Esc", "pager_key_quit"))


def pager_help_view() -> RenderableType:
    """Every key of the lesson pager with what it does."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style=theme.KEY)
    grid.add_column(ratio=1)
    for keys, key in PAGER_KEYS:
        grid.add_row(keys, Paragraph(Text(t(key))))
    return Measured(Group(Text(t("pager_help_heading"), style=theme.TITLE), Text(""), grid, Text(""),
                          Paragraph(Text(t("pager_help_back"), style=theme.MUTED))))
