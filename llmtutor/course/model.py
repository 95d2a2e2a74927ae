"""The course as typed data: lessons, glossary terms, walkthrough descriptions, questions.

Immutable records are NamedTuples: cheap to create, to pickle and to import (start-up time).
Their annotations are evaluated, not postponed: NamedTuple compiles each postponed (string)
annotation into a ForwardRef, ~3M instructions for this module at every start-up.

Built by `course.loader` from YAML after validation; everything a learner reads is `Localized`.
"""


from typing import NamedTuple

from llmtutor.i18n import Localized


class TimelineEntry(NamedTuple):
    when: str
    label: Localized
    text: Localized | None = None


class Figure(NamedTuple):
    """One drawn figure: `kind` is "timeline", "table" or "diagram"."""

    kind: str
    caption: Localized | None = None
    timeline: tuple[TimelineEntry, ...] = ()
    columns: tuple[Localized, ...] = ()
    rows: tuple[tuple[Localized, ...], ...] = ()
    diagram: Localized | None = None


class Correction(NamedTuple):
    """Where the source syllabus is wrong, and what is true instead."""

    source_says: Localized
    in_fact: Localized
    ref: str = ""


class Section(NamedTuple):
    id: str
    title: Localized
    body: Localized
    figure: Figure | None = None
    example: Localized | None = None
    misconception: Localized | None = None
    corrections: tuple[Correction, ...] = ()


class Source(NamedTuple):
    cite: str
    where: str = ""


class Lesson(NamedTuple):
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


class Term(NamedTuple):
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


class WalkthroughInfo(NamedTuple):
    id: str
    title: Localized
    description: Localized
    lessons: tuple[str, ...]
    terms: tuple[str, ...]


# `unit:` of a numeric question → what a learner may type after the number (case is ignored).
# "percent" also means that `15`, `15%` and `15 %` are all the number 15.
UNIT_SPELLINGS = {
    "percent": ("%", "percent", "per cent", "pct", "百分比"),
    "bytes": ("b", "byte", "bytes", "字节"),
    "KB": ("kb", "kilobyte", "kilobytes", "千字节"),
    "MB": ("mb", "megabyte", "megabytes", "兆字节"),
    "GB": ("gb", "gigabyte", "gigabytes", "千兆字节"),
    "MiB": ("mib", "mebibyte", "mebibytes"),
    "parameters": ("parameter", "parameters", "params", "param", "个参数", "参数"),
    "tokens": ("token", "tokens", "个词元", "词元", "个token"),
    "FLOPs": ("flop", "flops", "次浮点运算", "浮点运算"),
    "multiply-adds": ("multiply-add", "multiply-adds", "mac", "macs", "次乘加", "乘加"),
}


class Question(NamedTuple):
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
    why_wrong: tuple[tuple[int, Localized], ...] = ()  # (written index of a wrong choice, why it is wrong)
    unit: str = ""  # numeric only: "percent", or a unit the learner may type after the number

    def why_wrong_for(self, index: int) -> Localized | None:
        """Why the choice at written `index` is wrong, if the author said."""
        return next((text for at, text in self.why_wrong if at == index), None)


class Course:
    """The whole course; `term_index` maps normalised spellings to term ids (built by `validate`)."""

    def __init__(self) -> None:
        self.lessons: list[Lesson] = []
        self.terms: list[Term] = []
        self.walkthroughs: list[WalkthroughInfo] = []
        self.questions: list[Question] = []
        self.term_index: dict[str, str] = {}
        self.complete = True  # False for a catalog: lessons without their sections, no questions

    def catalog(self) -> "Course":
        """What look-ups need (lesson titles, the glossary, walkthroughs): a quarter of the size."""
        light = Course()
        light.lessons = [lesson._replace(sections=(), key_points=(), sources=()) for lesson in self.lessons]
        light.terms, light.walkthroughs, light.term_index = self.terms, self.walkthroughs, self.term_index
        light.complete = False
        return light

    def lesson_list(self) -> "Course":
        """The lessons without their bodies, and the walkthroughs: all the home screen and `lessons`
        show (no glossary: a tenth of the catalog to read at start-up)."""
        light = self.catalog()
        light.terms, light.term_index = [], {}
        return light

    def walk_view(self) -> "Course":
        """What `walk` names: the walkthroughs, and the lessons and glossary terms it sends a learner
        to read next, by title (no summaries, no definitions: a fifth of the catalog to read)."""
        light = self.lesson_list()
        blank = Localized("", "")
        light.lessons = [lesson._replace(summary=blank, objective=blank) for lesson in light.lessons]
        light.terms = [Term(term.id, term.name, (), (), blank, None, "", (), (), ()) for term in self.terms]
        return light

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
