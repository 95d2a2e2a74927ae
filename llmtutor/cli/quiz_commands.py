"""Commands that check and track learning: quiz, review, progress, export."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.text import Text

from llmtutor.cli.course_commands import complete_topic
from llmtutor.cli.state import SESSION, checked_seed, console, error_console, print_json, warn
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t


# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "quiz": ("quiz", "help_quiz", "help_epilog_quiz"),
    "review": ("review", "help_review", "help_epilog_review"),
    "progress": ("progress", "help_progress", "help_epilog_progress"),
    "export": ("export", "help_export", "help_epilog_export"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes


ANSWERS_HELP = t("help_opt_answers")


def quiz(
    topics: Optional[list[str]] = typer.Argument(None, metavar="[TOPIC]...", help=t("help_arg_topics"),
                                                 autocompletion=complete_topic),
    count: int = typer.Option(10, "--count", "-n", help=t("help_opt_count")),
    seed: Optional[int] = typer.Option(None, "--seed", help=t("help_opt_seed"), callback=checked_seed),
    qtype: Optional[str] = typer.Option(None, "--type", help=t("help_opt_type")),
    answers: Optional[str] = typer.Option(None, "--answers", metavar="FILE|-", help=ANSWERS_HELP),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_quiz_json")),
) -> None:
    from llmtutor.quiz.selection import check_type, choose, resolve_topics
    from llmtutor.store.answers import times_seen
    from llmtutor.store.lessons import lesson_states

    course = SESSION.course()
    check_type(qtype)
    chosen_topics = resolve_topics(course, list(topics or []))
    given = _read_answers(answers) if answers is not None else None
    store = SESSION.store()
    seen, studied = ({}, set()) if seed is not None else (times_seen(store), set(lesson_states(store)))
    questions = choose(course, chosen_topics, count, seed, qtype, seen, studied)
    _run(course, "quiz", questions, list(topics or []), seed, given, as_json)


def review(
    count: int = typer.Option(20, "--count", "-n", help=t("help_opt_count")),
    answers: Optional[str] = typer.Option(None, "--answers", metavar="FILE|-", help=ANSWERS_HELP),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_quiz_json")),
) -> None:
    import random

    from llmtutor.quiz.review import due_question_ids, upcoming
    from llmtutor.quiz.selection import MAX_COUNT, rebuild

    if not 1 <= count <= MAX_COUNT:
        raise TutorError("bad_count", exit_code=2, value=count, limit=MAX_COUNT)
    course = SESSION.course()
    given = _read_answers(answers) if answers is not None else None
    store = SESSION.store()
    questions = rebuild(course, due_question_ids(store)[:count], random.Random())
    if not questions:
        if as_json:
            print_json({"score": 0, "total": 0, "questions": [], "due": 0, "next": _next_json(upcoming(store))})
            return
        out = console()
        out.print(t("review_nothing_due"))
        _print_upcoming(out, upcoming(store))
        return
    if not as_json:
        console().print(t("review_due_count", count=len(questions)), style="bold")
    _run(course, "review", questions, [], None, given, as_json)


# Bounds on what is read as answers: a quiz has at most 200 questions, each answer is short.
MAX_ANSWERS_BYTES = 1_000_000
MAX_ANSWER_CHARS = 1_000


def _read_answers(source: str) -> list[str]:
    """The answer lines of `source` (a file, or "-" for stdin), read as UTF-8 and bounded."""
    try:
        if source == "-":  # bytes, decoded here: the same rules as for a file, whatever the locale
            stream = getattr(sys.stdin, "buffer", None)
            raw = stream.read(MAX_ANSWERS_BYTES + 1) if stream is not None else \
                sys.stdin.read(MAX_ANSWERS_BYTES + 1).encode("utf-8", "surrogateescape")
        else:
            with open(source, "rb") as handle:
                raw = handle.read(MAX_ANSWERS_BYTES + 1)
        if len(raw) > MAX_ANSWERS_BYTES:
            raise TutorError("answers_too_big", exit_code=2, path=source, limit=MAX_ANSWERS_BYTES // 1000)
        lines = raw.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        detail = getattr(err, "strerror", None) or str(err)
        raise TutorError("answers_unreadable", exit_code=2, path=source, detail=detail) from None
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_ANSWER_CHARS:
            raise TutorError("answers_line_too_long", exit_code=2, line=number, limit=MAX_ANSWER_CHARS)
    return lines


def _run(course, kind: str, questions, topics: list[str], seed, given: list[str] | None, as_json: bool) -> None:
    from llmtutor.quiz.session import QuizSession
    from llmtutor.render.quiz import feedback_view, question_view, summary_view

    if given is not None and len(given) != len(questions):
        raise TutorError("answers_count", exit_code=2, given=len(given), expected=len(questions))
    lang = SESSION.lang
    session = QuizSession(SESSION.store(), kind, questions, lang, topics, seed)
    session.start()
    # with --json, stdout carries only the JSON; the questions go to stderr
    out = error_console() if as_json else console()
    quiet = as_json and given is not None
    stopped_early = False
    try:
        for number, presented in enumerate(questions, start=1):
            if given is not None:
                answer = given[number - 1]
                outcome = session.answer(answer)  # stored before anything is printed
                if not quiet:
                    out.print(question_view(presented, number, len(questions), lang))
                    out.print(f"> {answer}", style="dim", markup=False, highlight=False)
            else:
                out.print()
                out.print(question_view(presented, number, len(questions), lang))
                outcome = session.answer(_ask(out, presented))
            if not quiet:
                out.print(feedback_view(outcome, lang))
    except (KeyboardInterrupt, EOFError):
        stopped_early = True
    finally:
        session.finish()
    for detail in dict.fromkeys(session.save_errors):
        warn(t("store_write_failed", detail=detail))
    if session.unsaved:
        warn(t("quiz_not_saved", count=session.unsaved))
    if as_json:
        print_json(session.as_json())
    else:
        out.print()
        out.print(summary_view(session, course, lang, stopped_early))
    if stopped_early:
        raise typer.Exit(130)
    if session.unsaved:  # never a success status after an answer was lost
        raise typer.Exit(1)


def _ask(out, presented) -> str:
    from llmtutor.cli.output import reading_input
    from llmtutor.quiz.grading import is_valid_syntax

    while True:
        with reading_input():
            answer = out.input(Text(t("quiz_prompt") + ": ", style="bold cyan"))
        if len(answer) > MAX_ANSWER_CHARS:
            out.print(t("quiz_answer_too_long", limit=MAX_ANSWER_CHARS), style="yellow")
        elif not answer.strip() or is_valid_syntax(presented, answer):
            return answer
        else:
            out.print(t("quiz_bad_syntax", hint=t("quiz_type_" + presented.question.type)), style="yellow")


def _when(iso: str) -> str:
    from datetime import datetime, timezone

    try:
        seconds = (datetime.fromisoformat(iso) - datetime.now(timezone.utc)).total_seconds()
    except (TypeError, ValueError):  # not a time after all: say "now" rather than fail
        seconds = 0
    if seconds <= 0:
        return t("when_now")
    if seconds < 3600:
        return t("when_minutes", n=max(1, math.ceil(seconds / 60)))
    if seconds < 86400 * 2:
        return t("when_hours", n=round(seconds / 3600))
    return t("when_days", n=round(seconds / 86400))


def _print_upcoming(out, times: list[tuple[str, int]]) -> None:
    if not times:
        out.print(t("review_none_scheduled"), style="dim")
    for iso, count in times:
        out.print(t("review_next", count=count, when=_when(iso)), style="dim")


def _next_json(times: list[tuple[str, int]]) -> list[dict]:
    return [{"due": iso, "count": count} for iso, count in times]


def progress(
    lesson_name: Optional[str] = typer.Argument(None, metavar="[LESSON]", help=t("help_arg_reset_lesson")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_json")),
    reset: bool = typer.Option(False, "--reset", help=t("help_opt_reset")),
    yes: bool = typer.Option(False, "--yes", "-y", help=t("help_opt_yes")),
) -> None:
    from llmtutor.quiz.review import count_due, upcoming
    from llmtutor.render.progress import progress_view
    from llmtutor.store.answers import mastery_by_concept, recent_sessions, totals
    from llmtutor.store.lessons import lesson_states

    course = SESSION.course()
    store = SESSION.store()
    if reset:
        _reset(course, store, lesson_name, yes)
        return
    states = lesson_states(store)
    answered, right = totals(store)
    lessons = [{"id": x.id, "status": states.get(x.id, ("new", 0))[0]} for x in course.lessons]
    mastery = mastery_by_concept(store)
    data = {
        "lessons": lessons,
        "questions_answered": answered,
        "correct": right,
        "mastery": {concept: {"right": r, "answered": n} for concept, (r, n) in mastery.items()},
        "recent_sessions": recent_sessions(store),
        "due_reviews": count_due(store),
        "next_reviews": _next_json(upcoming(store)),
    }
    if as_json:
        print_json(data)
        return
    out = console()
    out.print(progress_view(course, data, SESSION.lang))
    out.print()
    _print_upcoming(out, upcoming(store))


def _reset(course, store, lesson_name: Optional[str], yes: bool) -> None:
    from llmtutor.cli.course_commands import find_lesson
    from llmtutor.store.answers import reset_answers
    from llmtutor.store.lessons import reset_lessons

    import sqlite3

    lesson = find_lesson(course, lesson_name) if lesson_name else None
    if not store.writable:  # a read-only file, or a stand-in: erasing it would erase nothing real
        raise TutorError("reset_not_saved", exit_code=1, detail=str(store.path or "-"))
    question = t("reset_confirm_lesson", id=lesson.id) if lesson else t("reset_confirm_all")
    if not yes:
        try:
            confirmed = typer.confirm(question, default=False)
        except typer.Abort:
            confirmed = False
        if not confirmed:
            console().print(t("reset_cancelled"))
            raise typer.Exit(1)
    try:
        reset_lessons(store, lesson.id if lesson else None)
        reset_answers(store, lesson.id if lesson else None)
    except sqlite3.Error as err:
        raise TutorError("reset_not_saved", exit_code=1, detail=str(err)) from None
    console().print(t("reset_done"))


def export(
    fmt: str = typer.Option("json", "--format", help=t("help_opt_format")),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help=t("help_opt_output")),
) -> None:
    import csv
    import io

    from llmtutor.cli.output import STDOUT, json_text
    from llmtutor.files import write_atomically
    from llmtutor.render.safe_text import visible
    from llmtutor.store.answers import all_answers

    if fmt not in ("json", "csv"):
        raise TutorError("bad_format", exit_code=2, value=fmt)
    rows = all_answers(SESSION.store())
    for row in rows:
        row["correct"] = bool(row["correct"])
    if fmt == "json":
        text = json_text(rows)  # control characters escaped: the data is exact, and inert
    else:  # CSV has no escapes: control characters become visible symbols
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "session_id", "question_id", "concept", "lesson_id", "qtype",
                                                    "given", "expected", "correct", "answered_at"])
        writer.writeheader()
        writer.writerows({key: visible(value) if isinstance(value, str) else value for key, value in row.items()}
                         for row in rows)
        text = buffer.getvalue()
    if output is None:
        STDOUT.write(text)
        return
    try:
        write_atomically(output, text.encode("utf-8"))
    except OSError as err:
        raise TutorError("export_failed", exit_code=1, path=str(output), detail=err.strerror or str(err)) from None
    error_console().print(t("export_written", count=len(rows), path=str(output)))
