"""Spaced review with FSRS: a wrong answer comes back soon, a right one later and later.

Ratings, for objectively graded answers with the learner's confidence: full marks and sure → Good;
full marks but unsure, or partial credit → Hard; no credit → Again. A lucky guess therefore never
earns a long interval. Cards are stored as JSON beside their due time (UTC, ISO 8601) and the
content hash of the question's key: a changed key starts the card afresh, a reworded prompt does not.
Computed exercises have one card per skill (`gen-softmax`), asked again with fresh numbers.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone

from llmtutor.course.model import Question
from llmtutor.store.db import Store

SURE, UNSURE = "sure", "unsure"


def _scheduler():
    from fsrs import Scheduler

    return Scheduler()


def card_id_for(question_id: str) -> int:
    """A stable card id (FSRS waits a millisecond to invent one otherwise)."""
    return zlib.crc32(question_id.encode("utf-8")) + 1


def card_key(question: Question) -> str:
    """The review card a question schedules: its id, or its skill for a computed exercise."""
    from llmtutor.quiz.generated import skill_of

    return skill_of(question.id) or question.id


def content_hash(question: Question) -> str:
    """A hash of what grading depends on (type, number of choices or items, key, unit), not of the
    prose: fixing a typo keeps the card, changing the key resets it."""
    if question.id.startswith("gen-"):
        return ""  # a skill: every exercise has new numbers
    answer = question.answer
    if question.type == "short":
        from llmtutor.quiz.grading import fold

        answer = {lang: fold(answer[lang][0]) for lang in ("en", "zh")}
    elif isinstance(answer, tuple):
        answer = list(answer)
    key = {"type": question.type, "choices": len(question.choices), "items": len(question.items),
           "answer": answer, "unit": question.unit}
    import hashlib  # here, not at import: the home screen counts due cards without them
    import json

    return hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def rating_for(score: float, confidence: str = ""):
    """The FSRS rating of an answer's score (0 to 1) and confidence ("sure", "unsure" or "")."""
    from fsrs import Rating

    if score <= 0:
        return Rating.Again
    if score < 1 or confidence == UNSURE:
        return Rating.Hard
    return Rating.Good


def next_card(store: Store, card_id: str, score: float, confidence: str = "", digest: str = "",
              when: datetime | None = None) -> tuple[str, str]:
    """The card after this answer, as (card JSON, due ISO time). Nothing is written. A stored card
    made under another content hash is replaced by a new one."""
    from fsrs import Card

    when = when or datetime.now(timezone.utc)
    row = store.connection.execute("SELECT card_json, content_hash FROM review_cards WHERE question_id = ?",
                                   (card_id,)).fetchone()
    fresh = row is None or (row["content_hash"] and digest and row["content_hash"] != digest)
    card = None
    if not fresh:
        try:
            card = Card.from_json(row["card_json"])
        except Exception:  # a card edited by hand or written by something else: start it afresh
            store.skip("review_cards")
    card = card or Card(card_id=card_id_for(card_id))
    card, _ = _scheduler().review_card(card, rating_for(score, confidence), review_datetime=when)
    return card.to_json(), card.due.astimezone(timezone.utc).isoformat(timespec="seconds")


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


def _cards(store: Store, askable: set[str] | None):
    """(card id, due) of every readable card, soonest first; with `askable`, only those the course can ask."""
    from llmtutor.quiz.generated import is_skill

    _count_bad_cards(store)
    rows = store.connection.execute(
        f"SELECT question_id, due FROM review_cards WHERE {_GOOD_CARD} ORDER BY due, question_id")
    for row in rows:
        if askable is None or row["question_id"] in askable or is_skill(row["question_id"]):
            yield row["question_id"], row["due"]


def askable_ids(course) -> set[str]:
    """Card ids that can be asked today: the loaded course's questions (computed skills always)."""
    return {q.id for q in course.questions}


def due_question_ids(store: Store, when: datetime | None = None, askable: set[str] | None = None) -> list[str]:
    """Cards due at `when` (default now), the most overdue first; with `askable`, only those
    (cards of questions not in the loaded course are neither counted nor selected)."""
    when_text = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    return [qid for qid, due in _cards(store, askable) if due <= when_text]


def upcoming(store: Store, when: datetime | None = None, limit: int = 3,
             askable: set[str] | None = None) -> list[tuple[str, int]]:
    """The next due times after `when` with how many cards fall due then: [(iso time, count)]."""
    when_text = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    grouped: dict[str, int] = {}
    for _, due in _cards(store, askable):
        if due > when_text:
            grouped[due] = grouped.get(due, 0) + 1
    return sorted(grouped.items())[:limit]


def count_due(store: Store, when: datetime | None = None, askable: set[str] | None = None) -> int:
    return len(due_question_ids(store, when, askable))
