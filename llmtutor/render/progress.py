"""The progress screen: lessons, mastery per concept, recent sessions, reviews due."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from llmtutor.course.model import Course
from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.course_map import lessons_table
from llmtutor.render.safe_text import visible


def _points(value) -> str:
    from llmtutor.quiz.session import points_text

    return points_text(float(value))


def resolved_topics(course: Course, row: dict, lang: str) -> str:
    """What a session's topics named (lesson titles, term names), else the topics as typed."""
    names = []
    for item in (row.get("resolved_topics") or "").split():
        kind, _, ident = item.partition(":")
        found = course.lesson(ident) if kind == "lesson" else course.term(ident)
        if found is None:
            names.append(ident)
        else:
            names.append(found.title.get(lang) if kind == "lesson" else found.name.get(lang))
    return visible(", ".join(names) if names else (row.get("topics") or ""))


def progress_view(course: Course, data: dict, lang: str) -> RenderableType:
    statuses = {x["id"]: x["status"] for x in data["lessons"]}
    done = sum(1 for s in statuses.values() if s == "done")
    started = sum(1 for s in statuses.values() if s == "in_progress")
    from llmtutor.render.pages import Measured
    from llmtutor.render.schedule import schedule_view
    from llmtutor.render.wrap import Paragraph

    parts: list[RenderableType] = [
        Text(t("progress_heading"), style=theme.ACCENT),
        Paragraph(Text(t("progress_course", percent=data["percent_done"], done=done, started=started,
                         total=len(statuses)))),
        Paragraph(Text(t("progress_time", reading=data["reading_minutes_done"],
                         reading_total=data["reading_minutes_total"], quizzes=data["quiz_minutes"]))),
        Paragraph(Text(t("progress_answers", answered=data["questions_answered"], right=_points(data["correct"])))),
        Text(""),
        schedule_view(data["schedule"]),
        Text(""),
        lessons_table(course.lessons, statuses, lang),
    ]
    scored = [(lesson, row["last_quiz"]) for lesson, row in zip(course.lessons, data["lessons"]) if row["last_quiz"]]
    if scored:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(t("col_title"), ratio=1)
        table.add_column(t("col_right"), justify="right", no_wrap=True)
        for lesson, score in scored:
            table.add_row(str(lesson.order), Paragraph(Text(visible(lesson.title.get(lang)))),
                          f"{score['right']}/{score['asked']}")
        parts += [Text(""), Text(t("progress_last_quiz"), style="bold"), table]
    if data["mastery"]:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column(t("col_concept"), ratio=1, overflow="fold")
        table.add_column(t("col_right"), justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
        for concept, counts in sorted(data["mastery"].items()):
            term = course.term(concept)
            right, answered = counts["right"], counts["answered"]
            filled = round(10 * right / answered) if answered else 0
            bar = Text("█" * filled + "░" * (10 - filled),
                       style=theme.GOOD if filled >= 8 else (theme.WARN if filled >= 5 else theme.BAD))
            table.add_row(Paragraph(Text(visible(term.name.get(lang)) if term else visible(concept))),
                          f"{_points(right)}/{answered}", bar)
        parts += [Text(""), Text(t("progress_mastery"), style="bold"),
                  Paragraph(Text(t("progress_mastery_counts"), style="dim")), table]
    else:
        parts += [Text(""), Text(t("progress_no_answers"), style=theme.MUTED)]
    if data["recent_sessions"]:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column(t("col_when"), no_wrap=True)
        table.add_column(t("col_kind"), no_wrap=True)
        table.add_column(t("col_topics"), ratio=1, overflow="fold")
        table.add_column(t("col_score"), justify="right", no_wrap=True)
        for row in data["recent_sessions"]:
            when = row["started_at"][:16].replace("T", " ")
            table.add_row(when[5:] if this_year(when) else when, _kind(row["kind"]),
                          Paragraph(Text(resolved_topics(course, row, lang) or "–")),
                          f"{_points(row.get('points', row['score']))}/{row['total']}")
        parts += [Text(""), Text(t("progress_recent"), style="bold"), table]
    if data.get("leeches"):
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                      title=t("progress_leeches"), title_justify="left", title_style="bold")
        table.add_column(t("col_question"), ratio=2, overflow="fold")
        table.add_column(t("col_reread"), ratio=2, overflow="fold")
        by_id = {q.id: q for q in course.questions}
        from llmtutor.render.quiz import reread_hint

        for leech in data["leeches"]:
            question = by_id.get(leech["id"])
            if question is None:
                continue
            prompt = visible(question.prompt.get(lang)).replace("\n", " ")
            table.add_row(prompt if len(prompt) <= 80 else prompt[:79] + "…", reread_hint(course, question, lang))
        parts += [Text(""), table]
    return Measured(Group(*parts))


def this_year(when: str) -> bool:
    """True for a "YYYY-MM-DD ..." stamp of the current year (shown without its year)."""
    from datetime import date

    return when[:4] == str(date.today().year)


def _kind(kind: str) -> str:
    """"quiz" or "review" as the learner reads it; anything else as stored."""
    return t(f"session_kind_{kind}") if kind in ("quiz", "review") else visible(kind)
