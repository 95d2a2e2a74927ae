"""Commands that check and track learning: quiz, review, progress, export."""

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
    "next": ("next_step", "help_next", "help_epilog_next"),
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
    _run(course, "quiz", questions, list(topics or []), seed, given, as_json, chosen_topics.resolved())


def review(
    count: int = typer.Option(20, "--count", "-n", help=t("help_opt_count")),
    answers: Optional[str] = typer.Option(None, "--answers", metavar="FILE|-", help=ANSWERS_HELP),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_quiz_json")),
) -> None:
    import random

    from llmtutor.quiz.review import askable_ids, due_question_ids, upcoming
    from llmtutor.quiz.selection import MAX_COUNT, rebuild

    if not 1 <= count <= MAX_COUNT:
        raise TutorError("bad_count", exit_code=2, value=count, limit=MAX_COUNT)
    course = SESSION.course()
    given = _read_answers(answers) if answers is not None else None
    store = SESSION.store()
    askable = askable_ids(course)
    questions = rebuild(course, due_question_ids(store, askable=askable)[:count], random.Random())
    if not questions:
        if as_json:
            print_json({"score": 0, "total": 0, "questions": [], "due": 0,
                        "next": _next_json(upcoming(store, askable=askable))})
            return
        from llmtutor.quiz.schedule import due_times
        from llmtutor.quiz.schedule import schedule
        from llmtutor.render.schedule import schedule_view

        console().print(schedule_view(schedule(due_times(store, askable=askable))))
        return
    if not as_json:
        console().print(t("review_due_count", count=len(questions)), style="bold")
    _run(course, "review", questions, [], None, given, as_json)


def next_step() -> None:
    """What a learner means by "what now?": reviews due, else the next lesson, else a quiz."""
    from llmtutor.cli.course_commands import learn
    from llmtutor.quiz.review import count_due
    from llmtutor.render.course_map import next_lesson
    from llmtutor.store.lessons import lesson_states

    store = SESSION.store()
    due = count_due(store)
    out = console()
    if due:
        out.print(t("next_reviews", count=due), style="dim")
        review(count=20, answers=None, as_json=False)
        return
    course = SESSION.course()
    statuses = {lesson_id: state[0] for lesson_id, state in lesson_states(store).items()}
    lesson = next_lesson(course, statuses)
    if lesson is not None:
        from llmtutor.render.safe_text import visible

        out.print(t("next_lesson", title=visible(lesson.title.get(SESSION.lang)), id=lesson.id), style="dim")
        learn(lesson_name=lesson.id, show_all=False, done=False, page=None)
        return
    out.print(t("next_quiz"), style="dim")
    quiz(topics=None, count=10, seed=None, qtype=None, answers=None, as_json=False)


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


def _run(course, kind: str, questions, topics: list[str], seed, given: list[str] | None, as_json: bool,
         resolved: list[str] | None = None) -> None:
    from llmtutor.quiz.session import QuizSession, split_confidence
    from llmtutor.render.quiz import feedback_view, question_view, summary_view

    if given is not None and len(given) != len(questions):
        raise TutorError("answers_count", exit_code=2, given=len(given), expected=len(questions))
    lang = SESSION.lang
    session = QuizSession(SESSION.store(), kind, questions, lang, topics, seed, course=course,
                          resolved=list(resolved or []))
    session.start()
    # with --json, stdout carries only the JSON; the questions go to stderr
    out = error_console() if as_json else console()
    quiet = as_json and given is not None
    stopped_early = False
    try:
        for number, presented in enumerate(questions, start=1):
            if given is not None:
                answer = given[number - 1]
                outcome = session.answer(*split_confidence(answer))  # stored before anything is printed
                if not quiet:
                    out.print(question_view(presented, number, len(questions), lang))
                    out.print(f"> {answer}", style="dim", markup=False, highlight=False)
            else:
                out.print()
                out.print(question_view(presented, number, len(questions), lang))
                answer, confidence = split_confidence(_ask(out, presented))
                if answer and not confidence:
                    confidence = _ask_confidence(out)
                outcome = session.answer(answer, confidence)
            if not quiet:
                out.print(feedback_view(outcome, lang, course))
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
    from llmtutor.quiz.session import split_confidence

    while True:
        with reading_input():
            answer = out.input(Text(t("quiz_prompt") + ": ", style="bold cyan"))
        if len(answer) > MAX_ANSWER_CHARS:
            out.print(t("quiz_answer_too_long", limit=MAX_ANSWER_CHARS), style="yellow")
        elif not answer.strip() or is_valid_syntax(presented, split_confidence(answer)[0]):
            return answer
        else:
            out.print(t("quiz_bad_syntax", hint=_valid_answers(presented)), style="yellow")


def _ask_confidence(out) -> str:
    """One key press after an answer: s (or Enter) sure, u (or ?) unsure. Asked only at a terminal;
    elsewhere a trailing `?` on the answer says unsure."""
    from llmtutor.cli.keys import read_key
    from llmtutor.cli.output import reading_input

    if not sys.stdin.isatty():
        return ""
    out.print(Text(t("quiz_confidence_prompt"), style="cyan"))
    while True:
        with reading_input():
            key = read_key()
        if key in ("u", "U", "?"):
            choice = "unsure"
            break
        if key in ("s", "S", "\r", "\n", " ", ""):
            choice = "sure"
            break
    out.print(Text("→ " + t(f"quiz_confidence_{choice}"), style="dim"))
    return choice


def _valid_answers(presented) -> str:
    """What would be accepted, in words: for choices, the letters on screen ("A–D")."""
    from llmtutor.quiz.grading import LETTERS

    kind = presented.question.type
    if kind in ("single", "multiple") and presented.order:
        return t("quiz_valid_" + kind, last=LETTERS[len(presented.order) - 1])
    if kind == "ordering" and presented.order:
        return t("quiz_valid_ordering", count=len(presented.order))
    return t("quiz_type_" + kind)


def _next_json(times: list[tuple[str, int]]) -> list[dict]:
    return [{"due": iso, "count": count} for iso, count in times]


def progress(
    lesson_name: Optional[str] = typer.Argument(None, metavar="[LESSON]", help=t("help_arg_reset_lesson")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_json")),
    reset: bool = typer.Option(False, "--reset", help=t("help_opt_reset")),
    yes: bool = typer.Option(False, "--yes", "-y", help=t("help_opt_yes")),
) -> None:
    from llmtutor.quiz.review import askable_ids, count_due, upcoming
    from llmtutor.render.progress import progress_view
    from llmtutor.store.answers import leeches, mastery_by_concept, recent_sessions, totals
    from llmtutor.store.lessons import lesson_states

    course = SESSION.course()
    store = SESSION.store()
    if reset:
        _reset(course, store, lesson_name, yes)
        return
    from llmtutor.quiz.schedule import due_times
    from llmtutor.quiz.schedule import schedule
    from llmtutor.store.summary import last_scores_by_lesson, seconds_in_sessions

    states = lesson_states(store)
    answered, right = totals(store)
    scores = last_scores_by_lesson(store)
    lessons = [{"id": x.id, "status": states.get(x.id, ("new", 0))[0], "minutes": x.minutes,
                "last_quiz": {"right": scores[x.id][0], "asked": scores[x.id][1]} if x.id in scores else None}
               for x in course.lessons]
    done = [x for x in lessons if x["status"] == "done"]
    from llmtutor.quiz.review import content_hash

    mastery = mastery_by_concept(store, {q.id: content_hash(q) for q in course.questions})
    askable = askable_ids(course)
    by_id = {q.id: q for q in course.questions}
    data = {
        "lessons": lessons,
        "percent_done": round(100 * len(done) / len(lessons)) if lessons else 0,
        "reading_minutes_done": sum(x["minutes"] for x in done),
        "reading_minutes_total": sum(x["minutes"] for x in lessons),
        "quiz_minutes": round(seconds_in_sessions(store) / 60),
        "questions_answered": answered,
        "correct": _number(right),
        "mastery": {concept: {"right": _number(r), "answered": n} for concept, (r, n) in mastery.items()},
        "recent_sessions": recent_sessions(store),
        "due_reviews": count_due(store, askable=askable),
        "next_reviews": _next_json(upcoming(store, askable=askable)),
        "schedule": schedule(due_times(store, askable=askable)),
        "leeches": [{"id": qid, "failures": n, "lesson": by_id[qid].lesson, "section": by_id[qid].section}
                    for qid, n in sorted(leeches(store).items()) if qid in by_id],
    }
    for row in data["recent_sessions"]:
        row["points"] = _number(row["points"])
    if as_json:
        print_json(data)
        return
    console().print(progress_view(course, data, SESSION.lang))


def _number(value: float):
    """A whole number as an int in JSON, else rounded."""
    return int(value) if value == int(value) else round(value, 4)


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
    from llmtutor.quiz import generated
    from llmtutor.render.safe_text import visible
    from llmtutor.store.answers import EXPORT_COLUMNS, all_answers

    if fmt not in ("json", "csv"):
        raise TutorError("bad_format", exit_code=2, value=fmt)
    rows = all_answers(SESSION.store())
    try:
        by_id = {q.id: q for q in SESSION.course().questions}
    except TutorError:  # broken content must not keep a learner's own data from them
        by_id = {}
    for row in rows:
        row["correct"] = bool(row["correct"])
        question = by_id.get(row["question_id"]) or generated.from_id(row["question_id"])
        # the question as it reads today (content_hash says whether its key is still the one answered)
        row["question"] = question.prompt.get(SESSION.lang) if question is not None else ""
        ordered = {name: row[name] for name in EXPORT_COLUMNS}
        row.clear()
        row.update(ordered)
    if fmt == "json":
        text = json_text(rows)  # control characters escaped: the data is exact, and inert
    else:  # CSV has no escapes: control characters become visible symbols
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
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
