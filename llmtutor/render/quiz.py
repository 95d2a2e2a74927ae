"""Quiz screens: a question, the feedback on an answer, and the closing summary."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Course
from llmtutor.i18n import t
from llmtutor.quiz.grading import LETTERS, Presented
from llmtutor.render import theme
from llmtutor.render.markup import blocks, para
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def question_view(presented: Presented, number: int, total: int, lang: str) -> RenderableType:
    q = presented.question
    heading = Text(t("quiz_question_heading", n=number, total=total), style=theme.ACCENT)
    heading.append(f"  · {t('quiz_type_' + q.type)}", style=theme.MUTED)
    parts: list[RenderableType] = [heading, blocks(q.prompt.get(lang))]
    options = q.choices if q.type in ("single", "multiple") else q.items
    if options:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style=theme.KEY)
        grid.add_column(ratio=1, overflow="fold")
        for shown, written in enumerate(presented.order):
            label = LETTERS[shown] if q.type in ("single", "multiple") else str(shown + 1)
            grid.add_row(f" {label})", para(options[written].get(lang)))
        parts += [grid]
    return Group(*parts)


def reread_hint(course: Course | None, question, lang: str) -> str:
    """ "llmtutor learn attention → Queries, keys and values" for the question's section, or ''."""
    lesson = course.lesson(question.lesson) if course is not None else None
    if lesson is None:
        return ""
    section = next((x for x in lesson.sections if x.id == question.section), None)
    command = f"llmtutor learn {lesson.id}"
    return f"{command} → {visible(section.title.get(lang))}" if section else command


def feedback_view(outcome, lang: str, course: Course | None = None) -> RenderableType:
    from llmtutor.quiz.session import points_text

    q = outcome.presented.question
    grade = outcome.grade
    if outcome.correct:
        line = Text("✓ " + t("quiz_right"), style=theme.GOOD)
        if grade.near_miss:
            line.append(" " + t("quiz_near_miss", accepted=visible(grade.near_miss)), style=theme.WARN)
        if outcome.confidence == "unsure":
            line.append(" " + t("quiz_right_unsure"), style=theme.MUTED)
    elif grade.partial:
        line = Text("◐ " + t("quiz_partial", points=points_text(grade.score), expected=outcome.expected),
                    style=theme.WARN)
    elif not outcome.given:
        line = Text("– " + t("quiz_skipped", expected=outcome.expected), style=theme.WARN)
    else:
        line = Text("✗ " + t("quiz_wrong", expected=outcome.expected), style=theme.BAD)
    if q.type == "ordering" and not outcome.correct:
        order = [int(x) - 1 for x in outcome.expected.split(",")]
        line.append("\n   " + " → ".join(visible(q.items[outcome.presented.order[i]].get(lang)) for i in order),
                    style=theme.MUTED)
    parts: list[RenderableType] = [line]
    if q.type in ("single", "multiple"):
        for written in grade.picked:
            why = q.why_wrong_for(written) if written not in q.answer else None
            if why is not None:
                shown = LETTERS[outcome.presented.order.index(written)]
                parts.append(Paragraph(Text(f"{shown}) ", style=theme.KEY) + Text(visible(why.get(lang))), hang=3))
    parts.append(blocks(q.explanation.get(lang)))
    if q.misconception:
        parts.append(Text(t("quiz_misconception_tag"), style=theme.MUTED))
    if not outcome.correct:
        hint = reread_hint(course, q, lang)
        if outcome.leech and hint:
            parts.append(Paragraph(Text(t("quiz_leech", count=outcome.failures, where=hint), style=theme.WARN)))
        elif hint and q.section:
            parts.append(Paragraph(Text(t("quiz_reread", where=hint), style=theme.MUTED)))
    return Panel(Group(*parts), box=box.ROUNDED,
                 border_style="green" if outcome.correct else ("yellow" if grade.partial else "red"), padding=(0, 1))


def summary_view(session, course: Course, lang: str, stopped_early: bool) -> RenderableType:
    from llmtutor.quiz.session import points_text

    answered, total = len(session.outcomes), len(session.questions)
    parts: list[RenderableType] = [Text(t("quiz_score", score=points_text(session.score), total=answered),
                                        style=theme.ACCENT)]
    if any(o.grade.partial for o in session.outcomes):
        parts.append(Text(t("quiz_score_partial_note"), style=theme.MUTED))
    if stopped_early:
        parts.append(Text(t("quiz_stopped_early", answered=answered, total=total), style=theme.MUTED))
    unsure = sum(1 for o in session.outcomes if o.correct and o.confidence == "unsure")
    if unsure:
        parts.append(Text(t("quiz_right_but_unsure", count=unsure), style=theme.MUTED))
    by_concept = session.by_concept()
    if by_concept:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                      title=t("quiz_by_concept"), title_justify="left", title_style="bold")
        table.add_column(t("col_concept"), ratio=1, overflow="fold")
        table.add_column(t("col_right"), justify="right", no_wrap=True)
        for concept, (right, asked) in sorted(by_concept.items()):
            term = course.term(concept)
            name = visible(term.name.get(lang)) if term else concept
            style = theme.GOOD if right == asked else (theme.BAD if right == 0 else theme.WARN)
            table.add_row(_cell(name), Text(f"{points_text(right)}/{asked}", style=style))
        parts += [Text(""), table]
    # confident mistakes first: they are what a learner most needs to unlearn
    missed = sorted((o for o in session.outcomes if not o.correct),
                    key=lambda o: (not o.confident_mistake, o.grade.partial))
    if missed:
        confident = sum(1 for o in missed if o.confident_mistake)
        title = t("quiz_missed_confident", count=confident) if confident else t("quiz_missed")
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                      title=title, title_justify="left", title_style="bold")
        table.add_column(t("col_question"), ratio=3, overflow="fold")
        table.add_column(t("col_given"), ratio=1, overflow="fold")
        table.add_column(t("col_answer"), ratio=1, overflow="fold")
        for outcome in missed:
            prompt = visible(outcome.presented.question.prompt.get(lang)).replace("\n", " ")
            mark = "! " if outcome.confident_mistake else ("◐ " if outcome.grade.partial else "")
            given = visible(outcome.given or "–")
            if outcome.confidence == "unsure":
                given += " ?"
            table.add_row(_cell(mark + _shorten(prompt, 90)), _cell(given), _cell(_answer_text(outcome, lang)))
        parts += [Text(""), table]
        if confident:
            parts.append(Text(t("quiz_confident_note"), style=theme.MUTED))
        parts.append(Text(""))
        reading = Table.grid(padding=(0, 2))
        reading.add_column(no_wrap=True, style=theme.CODE)
        reading.add_column(ratio=1, overflow="fold")
        shown: set[str] = set()
        for outcome in missed:
            q = outcome.presented.question
            lesson = course.lesson(q.lesson)
            section = next((x for x in lesson.sections if x.id == q.section), None) if lesson else None
            if lesson and (lesson.id, q.section) not in shown:
                shown.add((lesson.id, q.section))
                title = visible(lesson.title.get(lang))
                if section is not None:
                    title += " → " + visible(section.title.get(lang))
                if outcome.leech:
                    title += "  " + t("quiz_leech_tag")
                reading.add_row(f"llmtutor learn {lesson.id}", _cell(title))
            term = course.term(q.concept)
            if term and f"explain {term.id}" not in shown:
                shown.add(f"explain {term.id}")
                reading.add_row(f"llmtutor explain {term.id}", _cell(visible(term.name.get(lang))))
        parts += [Text(t("quiz_read_next"), style="bold"), reading]
    elif answered and not stopped_early:  # "everything right" only when everything was answered
        parts += [Text(""), Text(t("quiz_all_right"), style=theme.GOOD)]
    return Group(*parts)


def _answer_text(outcome, lang: str) -> str:
    """The right answer in answer syntax, with the words of the choices it names."""
    q = outcome.presented.question
    if q.type not in ("single", "multiple"):
        return visible(outcome.expected)
    parts = []
    for letter in outcome.expected.split(","):
        written = outcome.presented.order[LETTERS.index(letter)]
        parts.append(f"{letter}) {_shorten(visible(q.choices[written].get(lang)), 40)}")
    return "; ".join(parts)


def _cell(text: str) -> Paragraph:
    """A table cell that wraps Chinese between characters, punctuation kept off line starts."""
    return Paragraph(Text(text))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
