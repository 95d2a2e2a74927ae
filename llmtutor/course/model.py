"""The course as typed data: lessons, glossary terms, walkthrough descriptions, questions.

Built by `course.loader` from YAML after validation; everything a learner reads is `Localized`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmtutor.i18n import Localized


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    label: Localized
    text: Localized | None = None


@dataclass(frozen=True)
class Figure:
    """One drawn figure: `kind` is "timeline", "table" or "diagram"."""

    kind: str
    caption: Localized | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    columns: tuple[Localized, ...] = ()
    rows: tuple[tuple[Localized, ...], ...] = ()
    diagram: Localized | None = None


@dataclass(frozen=True)
class Correction:
    """Where the source syllabus is wrong, and what is true instead."""

    source_says: Localized
    in_fact: Localized
    ref: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: Localized
    body: Localized
    figure: Figure | None = None
    example: Localized | None = None
    misconception: Localized | None = None
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class Source:
    cite: str
    where: str = ""


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    minutes: int
    title: Localized
    summary: Localized
    objective: Localized
    sections: tuple[Section, ...]
    key_points: tuple[Localized, ...]
    terms: tuple[str, ...]
    walkthroughs: tuple[str, ...]
    sources: tuple[Source, ...]
    path: str = ""


@dataclass(frozen=True)
class Term:
    id: str
    name: Localized
    aliases_en: tuple[str, ...]
    aliases_zh: tuple[str, ...]
    definition: Localized
    example: Localized | None
    formula: str
    related: tuple[str, ...]
    lessons: tuple[str, ...]
    walkthroughs: tuple[str, ...]
    path: str = ""

    def spellings(self) -> tuple[str, ...]:
        """Every way a learner may name this term."""
        return (self.id, self.name.en, self.name.zh, *self.aliases_en, *self.aliases_zh)


@dataclass(frozen=True)
class WalkthroughInfo:
    id: str
    title: Localized
    description: Localized
    lessons: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One quiz question as written by an author (choices in written order)."""

    id: str
    type: str
    lesson: str
    concept: str
    prompt: Localized
    explanation: Localized
    choices: tuple[Localized, ...] = ()
    answer: object = None  # letters (tuple[int]), bool, float, or {"en": [...], "zh": [...]}
    items: tuple[Localized, ...] = ()
    tolerance: float = 0.0
    section: str = ""
    misconception: bool = False
    path: str = ""


@dataclass
class Course:
    lessons: list[Lesson] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    walkthroughs: list[WalkthroughInfo] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    # normalised spelling → term id, built once by the loader (and cached with the course)
    term_index: dict[str, str] = field(default_factory=dict)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def term(self, term_id: str) -> Term | None:
        return next((term for term in self.terms if term.id == term_id), None)

    def walkthrough(self, walk_id: str) -> WalkthroughInfo | None:
        return next((walk for walk in self.walkthroughs if walk.id == walk_id), None)

    def lessons_teaching(self, term_id: str) -> list[Lesson]:
        """Lessons that list the term, or that the term lists."""
        term = self.term(term_id)
        named = set(term.lessons) if term else set()
        return [lesson for lesson in self.lessons if lesson.id in named or term_id in lesson.terms]
