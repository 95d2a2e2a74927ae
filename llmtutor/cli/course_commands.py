"""Commands that show the course: home screen, lessons, learn, explain, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from llmtutor.cli.state import SESSION, console, print_json, stdout_is_terminal
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t


# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "lessons": ("lessons", "help_lessons", "help_epilog_lessons"),
    "learn": ("learn", "help_learn", "help_epilog_learn"),
    "explain": ("explain", "help_explain", "help_epilog_explain"),
    "validate": ("validate", "help_validate", "help_epilog_validate"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes


def _completion_course():
    try:
        from llmtutor.course.loader import load_course

        return load_course(SESSION.content_dirs).course
    except Exception:  # completion must never break the shell
        return None


def complete_lesson(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: lesson ids with their titles."""
    course = _completion_course()
    if course is None:
        return []
    return [(x.id, x.title.get()) for x in course.lessons if x.id.startswith(incomplete)]


def complete_term(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: glossary ids with their names."""
    course = _completion_course()
    if course is None:
        return []
    return [(x.id, x.name.get()) for x in sorted(course.terms, key=lambda x: x.id) if x.id.startswith(incomplete)]


def complete_topic(incomplete: str) -> list[tuple[str, str]]:
    return complete_lesson(incomplete) + complete_term(incomplete)


def _statuses() -> dict[str, str]:
    from llmtutor.store.lessons import lesson_states

    return {lesson_id: state[0] for lesson_id, state in lesson_states(SESSION.store()).items()}


def home() -> None:
    from llmtutor.render.course_map import home_screen

    course = SESSION.catalog()
    console().print(home_screen(course, _statuses(), SESSION.lang))


def lessons(as_json: bool = typer.Option(False, "--json", help=t("help_opt_json"))) -> None:
    from llmtutor.render.course_map import lessons_table

    course = SESSION.catalog()
    statuses = _statuses()
    if as_json:
        print_json([{"id": lesson.id, "order": lesson.order, "title": lesson.title.get(SESSION.lang),
                     "summary": lesson.summary.get(SESSION.lang), "minutes": lesson.minutes, "status": statuses.get(lesson.id, "new")}
                    for lesson in course.lessons])
        return
    console().print(lessons_table(course.lessons, statuses, SESSION.lang, full_titles=True))


def find_lesson(course, name: str):
    from llmtutor.course.lookup import best_match, suggestions

    spellings = [(lesson.id, lesson.id) for lesson in course.lessons]
    spellings += [(str(lesson.order), lesson.id) for lesson in course.lessons]
    spellings += [(f"{lesson.order:02d}", lesson.id) for lesson in course.lessons]
    spellings += [(lesson.title.en, lesson.id) for lesson in course.lessons]
    spellings += [(lesson.title.zh, lesson.id) for lesson in course.lessons]
    found = best_match(name, spellings)
    if found is None:
        close = suggestions(name, spellings)
        hint = t("did_you_mean", names=", ".join(close)) if close else ""
        raise TutorError("unknown_lesson", exit_code=1, name=name, hint=hint)
    return course.lesson(found)


def learn(
    lesson_name: Optional[str] = typer.Argument(None, metavar="[LESSON]", help=t("help_arg_lesson"),
                                                autocompletion=complete_lesson),
    show_all: bool = typer.Option(False, "--all", help=t("help_opt_all")),
) -> None:
    from llmtutor.render.course_map import next_lesson
    from llmtutor.store.lessons import lesson_states

    course = SESSION.course()
    if not course.lessons:
        raise TutorError("no_lessons", exit_code=1)
    states = lesson_states(SESSION.store())
    if lesson_name is None:
        lesson = next_lesson(course, {k: v[0] for k, v in states.items()})
        if lesson is None:
            console().print(t("all_lessons_done", id=course.lessons[0].id))
            return
    else:
        lesson = find_lesson(course, lesson_name)
    status, position = states.get(lesson.id, ("new", 0))
    from llmtutor.cli.pager import page_lesson, print_lesson

    if show_all or not stdout_is_terminal():
        print_lesson(course, lesson)
    else:
        page_lesson(course, lesson, position if status == "in_progress" else 0)


def explain(
    term_name: Optional[list[str]] = typer.Argument(None, metavar="[TERM]", help=t("help_arg_term"),
                                                    autocompletion=complete_term),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_json")),
) -> None:
    from llmtutor.course.lookup import best_match, normalise, suggestions
    from llmtutor.render.glossary import term_json, term_view, terms_table

    course = SESSION.catalog()
    if not term_name:
        if as_json:
            print_json([term_json(course, term) for term in sorted(course.terms, key=lambda x: x.id)])
        else:
            out = console()
            out.print(terms_table(course, SESSION.lang))
            out.print(t("explain_all_heading", count=len(course.terms)), style="dim")
        return
    query = " ".join(term_name)
    found = course.term_index.get(normalise(query))
    if found is None:
        spellings = [(spelling, term.id) for term in course.terms for spelling in term.spellings()]
        found = best_match(query, spellings)
    if found is None:
        close = suggestions(query, spellings)
        hint = t("did_you_mean", names=", ".join(close)) if close else ""
        raise TutorError("unknown_term", exit_code=1, name=query, hint=hint)
    term = course.term(found)
    if as_json:
        print_json(term_json(course, term))
    else:
        console().print(term_view(course, term, SESSION.lang))


def validate(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="[PATH]...", help=t("help_arg_paths")),
) -> None:
    from rich.text import Text

    from llmtutor.course.problem import Problem
    from llmtutor.course.loader import ContentFile, course_files, kind_of_single_file, load_files, pack_files

    files, problems = course_files(SESSION.content_dirs)
    for path in paths or []:
        if path.is_dir():
            found = pack_files(path)
            if not found:
                problems.append(Problem(str(path), 0, "pack_empty"))
            files += found
        elif path.is_file():
            kind = kind_of_single_file(path)
            if kind is None:
                problems.append(Problem(str(path), 0, "file_kind_unknown"))
            else:
                files.append(ContentFile(path, kind, str(path)))
        else:
            problems.append(Problem(str(path), 0, "path_missing"))
    result = load_files(files, problems)
    from llmtutor.course.measures import measure

    bank_problems, scores = measure(result.course)
    result.problems.extend(bank_problems)
    out = console()
    ordered = sorted(result.problems, key=lambda p: (p.warning, not p.path, p.path, p.line))
    for problem in ordered:
        line = Text()
        if problem.warning:
            line.append(t("validate_warning") + ": ", style="yellow")
        line.append(problem.text(SESSION.lang))
        out.print(line, soft_wrap=True)
    course = result.course
    if course.questions:
        from llmtutor.render.measures import testwise_table

        out.print(testwise_table(scores, SESSION.lang))
    if result.errors or result.warnings:
        out.print(t("validate_failed", errors=len(result.errors), warnings=len(result.warnings)),
                  style="bold red" if result.errors else "yellow")
    if result.errors:
        raise typer.Exit(1)
    out.print(t("validate_ok", lessons=len(course.lessons), terms=len(course.terms),
                questions=len(course.questions), walks=len(course.walkthroughs)), style="green")
