"""Checks across files: duplicate ids, dangling references, clashing glossary names.

Checking the names also builds the glossary's look-up table (`Course.term_index`).
"""

from __future__ import annotations

from llmtutor.course.problem import Problem
from llmtutor.course.model import Course
from llmtutor.course.lookup import normalise


def _split(path_line: str) -> tuple[str, int]:
    path, _, line = path_line.rpartition(":")
    return (path, int(line)) if line.isdigit() else (path_line, 0)


def check_references(course: Course, refs_by_file: list, problems: list[Problem]) -> None:
    """Record every duplicate id and every reference to something that does not exist."""
    _check_duplicates("kind_lesson", [(x.id, x.path, 0) for x in course.lessons], problems)
    _check_duplicates("kind_term", [(x.id, *_split(x.path)) for x in course.terms], problems)
    _check_duplicates("kind_question", [(x.id, *_split(x.path)) for x in course.questions], problems)
    _check_duplicates("kind_walkthrough", [(x.id, "walkthroughs.yaml", 0) for x in course.walkthroughs], problems)

    known = {
        "term": {term.id for term in course.terms},
        "lesson": {lesson.id for lesson in course.lessons},
        "walkthrough": {walk.id for walk in course.walkthroughs},
    }
    for _, refs in refs_by_file:
        for kind, ref, _, declared_kind in refs:
            if kind == "declare":
                known[declared_kind].add(ref)
    sections = {lesson.id: {s.id for s in lesson.sections} for lesson in course.lessons}
    for path, refs in refs_by_file:
        for kind, ref, line, where in refs:
            if kind == "declare":
                continue
            if kind == "section":
                lesson, _, section = ref.partition("#")
                if lesson in sections and section not in sections[lesson]:
                    problems.append(Problem(path, line, "dangling_section",
                                            {"where": where, "id": section, "lesson": lesson}))
            elif ref not in known[kind]:
                problems.append(Problem(path, line, f"dangling_{kind}", {"where": where, "id": ref}))
    _check_aliases(course, problems)
    with_quiz = {question.lesson for question in course.questions}
    for lesson in course.lessons:
        if lesson.id not in with_quiz:
            problems.append(Problem(lesson.path, 1, "warn_no_quiz", {"id": lesson.id}, warning=True))


def _check_duplicates(kind: str, entries: list[tuple[str, str, int]], problems: list[Problem]) -> None:
    first: dict[str, str] = {}
    for item_id, path, line in entries:
        here = f"{path}:{line}" if line else path
        if item_id in first:
            problems.append(Problem(path, line, "duplicate_id", {"kind": kind, "id": item_id, "other": first[item_id]}))
        else:
            first[item_id] = here


def _check_aliases(course: Course, problems: list[Problem]) -> None:
    """A spelling (id, name, alias) may belong to one term only; fills `course.term_index`."""
    owner = course.term_index
    for term in course.terms:
        for spelling in dict.fromkeys(normalise(s) for s in term.spellings()):
            if not spelling:
                continue
            if spelling in owner and owner[spelling] != term.id:
                path, line = _split(term.path)
                problems.append(Problem(path, line, "alias_clash",
                                        {"where": f'term "{term.id}": ', "alias": spelling, "other": owner[spelling]}))
            else:
                owner.setdefault(spelling, term.id)
