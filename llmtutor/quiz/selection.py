"""Which questions a quiz asks, and in what order.

With a seed, the choice depends only on the seed and the options. Without one, questions the
learner has not seen come first (a rotating pool) and studied lessons are preferred.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from llmtutor.course.lookup import best_match, suggestions
from llmtutor.course.model import Course, Question
from llmtutor.errors import TutorError
from llmtutor.i18n import t
from llmtutor.quiz import generated
from llmtutor.quiz.grading import Presented, present
from llmtutor.course.schema import QUESTION_TYPES

GENERATED = "generated"
MAX_COUNT = 200
# Concepts whose quizzes mix in computed exercises (besides those the exercises check).
COMPUTED_CONCEPTS = {"attention", "self-attention", "query-key-value"}


@dataclass(frozen=True)
class Topics:
    lessons: frozenset[str]
    concepts: frozenset[str]

    def matches(self, question: Question) -> bool:
        if not self.lessons and not self.concepts:
            return True
        return question.lesson in self.lessons or question.concept in self.concepts

    @property
    def computed_kinds(self) -> tuple[str, ...]:
        """The kinds of computed exercise this quiz mixes in: all of them for a whole-course quiz,
        else those of the lessons and concepts named."""
        if not self.lessons and not self.concepts:
            return generated.KINDS
        if self.concepts & COMPUTED_CONCEPTS:
            return tuple(k for k in generated.KINDS if generated.LESSON[k] == "attention")
        return tuple(k for k in generated.KINDS
                     if generated.LESSON[k] in self.lessons or generated.CONCEPT[k] in self.concepts)

    @property
    def wants_computed(self) -> bool:
        return bool(self.computed_kinds)

    def resolved(self) -> list[str]:
        """What the topics named, as stored with a session: `lesson:ID` and `term:ID`."""
        return [f"lesson:{x}" for x in sorted(self.lessons)] + [f"term:{x}" for x in sorted(self.concepts)]


def resolve_topics(course: Course, names: list[str]) -> Topics:
    """Lesson ids (or numbers, titles) and glossary terms; TutorError for anything else."""
    lessons, concepts = set(), set()
    lesson_spellings = [(x.id, x.id) for x in course.lessons] + [(str(x.order), x.id) for x in course.lessons]
    lesson_spellings += [(x.title.en, x.id) for x in course.lessons] + [(x.title.zh, x.id) for x in course.lessons]
    term_spellings = [(s, term.id) for term in course.terms for s in term.spellings()]
    for name in names:
        exact_lesson = best_match(name, lesson_spellings, cutoff=1.0)
        exact_term = best_match(name, term_spellings, cutoff=1.0)
        if exact_lesson:
            lessons.add(exact_lesson)
        elif exact_term:
            concepts.add(exact_term)
        elif found := best_match(name, lesson_spellings):
            lessons.add(found)
        elif found := best_match(name, term_spellings):
            concepts.add(found)
        else:
            close = suggestions(name, lesson_spellings + term_spellings)
            hint = t("did_you_mean", names=", ".join(close)) if close else ""
            raise TutorError("unknown_topic", exit_code=1, name=name, hint=hint)
    return Topics(frozenset(lessons), frozenset(concepts))


def check_type(qtype: str | None) -> None:
    if qtype is not None and qtype not in (*QUESTION_TYPES, GENERATED):
        raise TutorError("unknown_question_type", exit_code=2, value=qtype,
                         types=", ".join((*QUESTION_TYPES, GENERATED)))


def choose(course: Course, topics: Topics, count: int, seed: int | None, qtype: str | None,
           seen: dict[str, int] | None = None, studied: set[str] | None = None) -> list[Presented]:
    """The questions of one quiz, presented (choices shuffled)."""
    if not 1 <= count <= MAX_COUNT:
        raise TutorError("bad_count", exit_code=2, value=count, limit=MAX_COUNT)
    check_type(qtype)
    rng = random.Random(seed) if seed is not None else random.Random()
    if qtype == GENERATED:
        return [present(q, rng) for q in generated.fresh(count, rng)]
    pool = sorted((q for q in course.questions if topics.matches(q) and (qtype is None or q.type == qtype)),
                  key=lambda q: q.id)
    kinds = topics.computed_kinds if qtype is None else ()
    no_topic = not topics.lessons and not topics.concepts
    if seed is None and no_topic and studied:  # a whole-course quiz computes what was studied
        kinds = tuple(k for k in kinds if generated.LESSON[k] in studied)
    computed = count // 4 if kinds else 0
    if not pool and not computed:
        raise TutorError("no_questions", exit_code=1)
    rng.shuffle(pool)
    if seed is None:
        seen = seen or {}
        studied = studied or set()
        # stable sort: unseen first, then (without topics) studied lessons first; random within ties
        pool.sort(key=lambda q: (seen.get(q.id, 0), no_topic and bool(studied) and q.lesson not in studied))
    from_pool = min(len(pool), count - computed)
    chosen = pool[:from_pool]
    if kinds:
        chosen += generated.fresh(count - from_pool, rng, kinds)
    rng.shuffle(chosen)
    return [present(q, rng) for q in chosen]


def rebuild(course: Course, question_ids: list[str], rng: random.Random) -> list[Presented]:
    """Questions by card id, for review: the course's, or a fresh exercise of a computed skill;
    unknown ids are skipped."""
    by_id = {q.id: q for q in course.questions}
    result = []
    for qid in question_ids:
        question = by_id.get(qid) or generated.from_id(qid, rng)
        if question is not None:
            result.append(present(question, rng))
    return result
