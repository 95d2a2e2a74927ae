"""Commands that show the course: home screen, lessons, learn, explain, validate."""

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
    "search": ("search", "help_search", "help_epilog_search"),
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
    from llmtutor.quiz.review import count_due
    from llmtutor.render.course_map import home_screen

    course = SESSION.lesson_list()
    statuses = _statuses()
    console().print(home_screen(course, statuses, SESSION.lang, count_due(SESSION.store())))


def lessons(as_json: bool = typer.Option(False, "--json", help=t("help_opt_json"))) -> None:
    from llmtutor.render.course_map import lessons_table

    course = SESSION.lesson_list()
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
    done: bool = typer.Option(False, "--done", help=t("help_opt_done")),
    page: Optional[int] = typer.Option(None, "--page", metavar="N", help=t("help_opt_page")),
    check: bool = typer.Option(False, "--check", help=t("help_opt_check")),
) -> None:
    from llmtutor.render.course_map import next_lesson
    from llmtutor.store.lessons import lesson_states

    course = SESSION.course()
    if not course.lessons:
        raise TutorError("no_lessons", exit_code=1)
    if done and lesson_name is None:
        raise TutorError("done_needs_lesson", exit_code=2)
    states = lesson_states(SESSION.store())
    if lesson_name is None:
        lesson = next_lesson(course, {k: v[0] for k, v in states.items()})
        if lesson is None:
            console().print(t("all_lessons_done", id=course.lessons[0].id))
            return
    else:
        lesson = find_lesson(course, lesson_name)
    status, position = states.get(lesson.id, ("new", 0))
    from llmtutor.cli.pager import mark_lesson_done, page_lesson, print_lesson
    from llmtutor.render.lesson import page_count

    total = page_count(lesson)
    if page is not None and not 1 <= page <= total:
        raise TutorError("bad_page", exit_code=2, id=lesson.id, total=total)
    if done:
        mark_lesson_done(lesson)
    elif show_all or not stdout_is_terminal():
        print_lesson(course, lesson, None if page is None else page - 1)
    else:
        start = page - 1 if page is not None else (position if status == "in_progress" else 0)
        page_lesson(course, lesson, start, resumed=page is None, checks=check)


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
        if not close and _search_instead(query, as_json):
            return
        hint = t("did_you_mean", names=", ".join(close)) if close else ""
        raise TutorError("unknown_term", exit_code=1, name=query, hint=hint)
    term = course.term(found)
    if as_json:
        print_json(term_json(course, term))
    else:
        console().print(term_view(course, term, SESSION.lang))


def _search_instead(query: str, as_json: bool) -> bool:
    """`explain` of a word that is no term: show where the course mentions it. False if nowhere."""
    from llmtutor.course.search import query_terms, search as find
    from llmtutor.render.search import search_view

    hits = find(SESSION.course(), query, SESSION.lang, limit=5)
    if not hits:
        return False
    if as_json:
        print_json({"term": None, "query": query, "hits": [_hit_json(hit) for hit in hits]})
        return True
    from llmtutor.render.safe_text import visible

    out = console()
    out.print(t("explain_searched", query=visible(query)), style="yellow")
    out.print()
    out.print(search_view(query, hits, query_terms(query)))
    return True


def _hit_json(hit) -> dict:
    return {"kind": hit.kind, "id": hit.where, "page": hit.page or None, "title": hit.title,
            "snippet": hit.snippet, "command": hit.command}


def search(
    words: Optional[list[str]] = typer.Argument(None, metavar="WORDS...", help=t("help_arg_words")),
    limit: int = typer.Option(10, "--limit", "-n", help=t("help_opt_limit")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_json")),
) -> None:
    from llmtutor.course.search import query_terms, search as find
    from llmtutor.render.search import search_view

    if not 1 <= limit <= 100:
        raise TutorError("bad_limit", exit_code=2, value=limit)
    query = " ".join(words or []).strip()
    terms = query_terms(query)
    if not terms:
        raise TutorError("search_empty", exit_code=2)
    hits = find(SESSION.course(), query, SESSION.lang, limit=limit)
    if as_json:
        print_json({"query": query, "hits": [_hit_json(hit) for hit in hits]})
        return
    if not hits:
        from llmtutor.render.safe_text import visible

        raise TutorError("search_nothing", exit_code=1, query=visible(query))
    console().print(search_view(query, hits, terms))


def validate(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="[PATH]...", help=t("help_arg_paths")),
) -> None:
    from rich.text import Text

    from llmtutor.course.problem import Problem
    from llmtutor.course.loader import (ContentFile, course_files, kind_from_keys, kind_of_single_file, load_files,
                                        pack_files, read_file)

    files, problems = course_files(SESSION.content_dirs)
    for path in paths or []:
        if path.is_dir():
            found = pack_files(path)
            if not found:
                problems.append(Problem(str(path), 0, "pack_empty"))
            files += found
        elif path.exists():  # a file, or something that is not one (refused when read)
            kind = kind_of_single_file(path)
            if kind is None:  # read it first: a syntax error is reported with its line
                data = read_file(ContentFile(path, "", str(path)), problems)
                kind = kind_from_keys(data)
                if data is not None and kind is None:
                    problems.append(Problem(str(path), 0, "file_kind_unknown"))
            if kind is not None:
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
