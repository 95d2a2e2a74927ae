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
    card = None
    if row is not None:
        try:
            card = Card.from_json(row["card_json"])
        except Exception:  # a card edited by hand or written by something else: start it afresh
            store.skip("review_cards")
    card = card or Card(card_id=card_id_for(question_id))
    card, _ = _scheduler().review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
    return card.to_json(), card.due.astimezone(timezone.utc).isoformat(timespec="seconds")


def due_question_ids(store: Store, when: datetime | None = None) -> list[str]:
    """Questions due at `when` (default now), the most overdue first."""
    when = when or datetime.now(timezone.utc)
    _count_bad_cards(store)
    rows = store.connection.execute(f"SELECT question_id FROM review_cards WHERE {_GOOD_CARD} AND due <= ? "
                                    "ORDER BY due", (when.isoformat(timespec="seconds"),))
    return [row["question_id"] for row in rows]


# A card row is read only if its due time is an ISO date-time in UTC as we write it
# ("2026-01-02T03:04:05+00:00"); anything else (edited by hand, another program) is skipped.
_GOOD_CARD = ("typeof(question_id) = 'text' AND typeof(due) = 'text' AND "
              "due GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]+00:00'")


def _count_bad_cards(store: Store) -> None:
    if "review_cards" not in store.checked:
        store.checked.add("review_cards")
        bad = store.connection.execute(f"SELECT COUNT(*) FROM review_cards WHERE NOT ({_GOOD_CARD})").fetchone()[0]
        if bad:
            store.skip("review_cards", bad)


def upcoming(store: Store, when: datetime | None = None, limit: int = 3) -> list[tuple[str, int]]:
    """The next due times after `when` with how many questions fall due then: [(iso time, count)]."""
    when = when or datetime.now(timezone.utc)
    _count_bad_cards(store)
    rows = store.connection.execute(
        f"SELECT due, COUNT(*) AS n FROM review_cards WHERE {_GOOD_CARD} AND due > ? GROUP BY due ORDER BY due "
        "LIMIT ?", (when.isoformat(timespec="seconds"), limit))
    return [(row["due"], int(row["n"])) for row in rows]


def count_due(store: Store, when: datetime | None = None) -> int:
    return len(due_question_ids(store, when))
