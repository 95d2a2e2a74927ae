"""One quiz or review session: grade each answer, store it at once, keep the tally.

Knows nothing of terminals: the CLI feeds it answers and renders its outcomes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from llmtutor.quiz.grading import Presented, is_correct
from llmtutor.store.db import Store


@dataclass(frozen=True)
class Outcome:
    presented: Presented
    given: str
    expected: str
    correct: bool

    def as_json(self) -> dict:
        q = self.presented.question
        return {"id": q.id, "type": q.type, "given": self.given, "expected": self.expected,
                "correct": self.correct}


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
    unsaved: int = 0  # answers that could not be stored

    def start(self) -> None:
        from llmtutor.store.answers import start_session

        try:
            self.session_id = start_session(self.store, self.kind, self.topics, self.seed)
        except sqlite3.Error as err:
            self.save_errors.append(str(err))

    def answer(self, given: str) -> Outcome:
        """Grade the next question's answer and store it (with its review card) right away."""
        from llmtutor.quiz.review import next_card
        from llmtutor.store.answers import AnswerRecord, record_answer

        presented = self.questions[len(self.outcomes)]
        q = presented.question
        given = (given or "").strip()
        outcome = Outcome(presented, given, presented.expected(self.lang), is_correct(presented, given))
        self.outcomes.append(outcome)
        record = AnswerRecord(q.id, q.concept, q.lesson, q.type, given, outcome.expected, outcome.correct)
        for attempt in range(2):
            try:
                card_json, due = next_card(self.store, q.id, outcome.correct)
                record_answer(self.store, self.session_id, record, card_json, due)
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
    def score(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.correct)

    def by_concept(self) -> dict[str, tuple[int, int]]:
        """{concept: (right, asked)} over the answered questions."""
        table: dict[str, tuple[int, int]] = {}
        for outcome in self.outcomes:
            concept = outcome.presented.question.concept
            right, asked = table.get(concept, (0, 0))
            table[concept] = (right + int(outcome.correct), asked + 1)
        return table

    def as_json(self) -> dict:
        return {"score": self.score, "total": len(self.outcomes),
                "questions": [outcome.as_json() for outcome in self.outcomes]}
