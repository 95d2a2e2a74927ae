"""One quiz or review session: grade each answer, store it at once, keep the tally.

Knows nothing of terminals: the CLI feeds it answers (with the learner's confidence) and renders
its outcomes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from llmtutor.quiz.grading import LETTERS, Grade, Presented, grade
from llmtutor.store.db import Store


def points_text(points: float) -> str:
    """2 → "2", 2.5 → "2.5", 2/3 → "0.67"."""
    return f"{points:.2f}".rstrip("0").rstrip(".")


def split_confidence(text: str) -> tuple[str, str]:
    """An answer typed with a trailing `?` is unsure: ("B?") → ("B", "unsure")."""
    stripped = (text or "").strip()
    if stripped.endswith(("?", "？")) and stripped.rstrip("?？").strip():
        return stripped.rstrip("?？").strip(), "unsure"
    return stripped, ""


@dataclass(frozen=True)
class Outcome:
    presented: Presented
    given: str
    expected: str
    grade: Grade
    confidence: str = ""  # "sure", "unsure" or "" (not asked: counted as sure)
    failures: int = 0  # times this question has now been failed under its current key
    leech: bool = False

    @property
    def correct(self) -> bool:
        return self.grade.correct

    @property
    def score(self) -> float:
        return self.grade.score

    @property
    def confident_mistake(self) -> bool:
        return self.grade.score == 0 and bool(self.given) and self.confidence != "unsure"

    def as_json(self) -> dict:
        q = self.presented.question
        data = {"id": q.id, "type": q.type, "given": self.given, "expected": self.expected,
                "correct": self.correct, "score": round(self.score, 4), "confidence": self.confidence or "sure"}
        if self.grade.near_miss:
            data["near_miss"] = self.grade.near_miss
        if self.leech:
            data["leech"] = True
        return data


def _written(presented: Presented, indexes: tuple[int, ...]) -> str:
    """Written positions as the author sees them: letters for choices, numbers for items."""
    if presented.question.type in ("single", "multiple"):
        return ",".join(LETTERS[i] for i in indexes)
    return ",".join(str(i + 1) for i in indexes)


@dataclass
class QuizSession:
    store: Store
    kind: str
    questions: list[Presented]
    lang: str
    topics: list[str] = field(default_factory=list)
    seed: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    save_errors: list[str] = field(default_factory=list)
    session_id: int | None = None
    course: object = None  # the loaded course: its glossary helps grade short answers
    resolved: list[str] = field(default_factory=list)
    unsaved: int = 0  # answers that could not be stored

    def start(self) -> None:
        from llmtutor.store.answers import start_session

        try:
            self.session_id = start_session(self.store, self.kind, self.topics, self.seed, self.resolved)
        except sqlite3.Error as err:
            self.save_errors.append(str(err))

    def answer(self, given: str, confidence: str = "") -> Outcome:
        """Grade the next question's answer and store it (with its review card) right away."""
        from llmtutor.quiz.review import card_key, content_hash, next_card
        from llmtutor.store.answers import LEECH_FAILURES, AnswerRecord, failures, record_answer

        presented = self.questions[len(self.outcomes)]
        q = presented.question
        given = (given or "").strip()
        result = grade(presented, given, self.course)
        digest = content_hash(q)
        outcome = Outcome(presented, given, presented.expected(self.lang), result, confidence)
        for attempt in range(2):
            try:
                if result.score == 0 and not q.id.startswith("gen-"):
                    failed = failures(self.store, q.id, digest) + 1
                    outcome = Outcome(presented, given, outcome.expected, result, confidence, failed,
                                      failed >= LEECH_FAILURES)
                card = card_key(q)
                card_json, due = next_card(self.store, card, result.score, confidence, digest)
                record_answer(self.store, self.session_id,
                              AnswerRecord(q.id, q.concept, q.lesson, q.type, given, outcome.expected, result.correct,
                                           score=result.score, shown_order=_written(presented, presented.order),
                                           picked=_written(presented, result.picked), content_hash=digest,
                                           confidence=confidence, card_id=card),
                              card_json, due)
                break
            except sqlite3.IntegrityError as err:
                # `progress --reset` in another terminal erased this session's row: start a new one
                if attempt == 0 and self.session_id is not None:
                    self.session_id = None
                    self.start()
                    if self.session_id is not None:
                        continue
                self.save_errors.append(str(err))
            except sqlite3.Error as err:
                self.save_errors.append(str(err))
            self.unsaved += 1
            break
        self.outcomes.append(outcome)
        return outcome

    def finish(self) -> None:
        from llmtutor.store.answers import finish_session

        if self.session_id is None:
            return
        try:
            finish_session(self.store, self.session_id)
        except sqlite3.Error as err:
            self.save_errors.append(str(err))

    @property
    def done(self) -> bool:
        return len(self.outcomes) == len(self.questions)

    @property
    def score(self) -> float:
        """Points: full marks count 1, partial credit its fraction."""
        return sum(outcome.score for outcome in self.outcomes)

    def by_concept(self) -> dict[str, tuple[float, int]]:
        """{concept: (points, asked)} over the answered questions."""
        table: dict[str, tuple[float, int]] = {}
        for outcome in self.outcomes:
            concept = outcome.presented.question.concept
            points, asked = table.get(concept, (0.0, 0))
            table[concept] = (points + outcome.score, asked + 1)
        return table

    def as_json(self) -> dict:
        score = self.score
        return {"score": int(score) if score == int(score) else round(score, 4), "total": len(self.outcomes),
                "questions": [outcome.as_json() for outcome in self.outcomes]}
