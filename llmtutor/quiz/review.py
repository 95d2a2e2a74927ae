"""Spaced review with FSRS: a wrong answer comes back soon, a right one later and later.

Following the scheduler authors' advice for objectively graded answers: wrong → Again,
right → Good. Cards are stored as JSON beside their due time (UTC, ISO 8601).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone

from llmtutor.store.db import Store


def _scheduler():
    from fsrs import Scheduler

    return Scheduler()


def card_id_for(question_id: str) -> int:
    """A stable card id (FSRS waits a millisecond to invent one otherwise)."""
    return zlib.crc32(question_id.encode("utf-8")) + 1


def next_card(store: Store, question_id: str, correct: bool, when: datetime | None = None) -> tuple[str, str]:
    """The question's card after this answer, as (card JSON, due ISO time). Nothing is written."""
    from fsrs import Card, Rating

    when = when or datetime.now(timezone.utc)
    row = store.connection.execute("SELECT card_json FROM review_cards WHERE question_id = ?",
                                   (question_id,)).fetchone()
    card = Card.from_json(row["card_json"]) if row else Card(card_id=card_id_for(question_id))
    card, _ = _scheduler().review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
    return card.to_json(), card.due.astimezone(timezone.utc).isoformat(timespec="seconds")


def due_question_ids(store: Store, when: datetime | None = None) -> list[str]:
    """Questions due at `when` (default now), the most overdue first."""
    when = when or datetime.now(timezone.utc)
    rows = store.connection.execute("SELECT question_id FROM review_cards WHERE due <= ? ORDER BY due",
                                    (when.isoformat(timespec="seconds"),))
    return [row["question_id"] for row in rows]


def upcoming(store: Store, when: datetime | None = None, limit: int = 3) -> list[tuple[str, int]]:
    """The next due times after `when` with how many questions fall due then: [(iso time, count)]."""
    when = when or datetime.now(timezone.utc)
    rows = store.connection.execute(
        "SELECT due, COUNT(*) AS n FROM review_cards WHERE due > ? GROUP BY due ORDER BY due LIMIT ?",
        (when.isoformat(timespec="seconds"), limit))
    return [(row["due"], int(row["n"])) for row in rows]


def count_due(store: Store, when: datetime | None = None) -> int:
    return len(due_question_ids(store, when))
