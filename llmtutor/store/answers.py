"""Quiz sessions and every answer given; what has been seen, what is mastered."""

from __future__ import annotations

from dataclasses import dataclass

from llmtutor.store.db import Store, now_utc, well_typed


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    concept: str
    lesson_id: str
    qtype: str
    given: str
    expected: str
    correct: bool


def start_session(store: Store, kind: str, topics: list[str], seed: int | None) -> int:
    with store.transaction() as db:
        cursor = db.execute("INSERT INTO quiz_sessions (kind, topics, seed, started_at) VALUES (?, ?, ?, ?)",
                            (kind, " ".join(topics), seed, now_utc()))
        return int(cursor.lastrowid)


def record_answer(store: Store, session_id: int | None, answer: AnswerRecord, card_json: str | None = None,
                  due: str | None = None) -> None:
    """Store one answer (and its review card) in one transaction, as soon as it is given."""
    stamp = now_utc()
    with store.transaction() as db:
        db.execute(
            """INSERT INTO answers (session_id, question_id, concept, lesson_id, qtype, given, expected,
                                    correct, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (session_id, answer.question_id, answer.concept, answer.lesson_id, answer.qtype, answer.given,
             answer.expected, int(answer.correct), stamp))
        if session_id is not None:
            db.execute("UPDATE quiz_sessions SET score = score + ?, total = total + 1 WHERE id = ?",
                       (int(answer.correct), session_id))
        if card_json is not None:
            db.execute(
                """INSERT INTO review_cards (question_id, card_json, due, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (question_id) DO UPDATE SET card_json = excluded.card_json, due = excluded.due,
                                                            updated_at = excluded.updated_at""",
                (answer.question_id, card_json, due, stamp))


def finish_session(store: Store, session_id: int) -> None:
    with store.transaction() as db:
        db.execute("UPDATE quiz_sessions SET finished_at = ? WHERE id = ?", (now_utc(), session_id))


# What a readable answer row holds; others (a file edited by hand) are skipped, and counted.
_ANSWER_TYPES = {"question_id": str, "concept": str, "lesson_id": str, "qtype": str, "given": str,
                 "expected": str, "correct": int, "answered_at": str}
_GOOD_ANSWER = ("typeof(question_id) = 'text' AND typeof(concept) = 'text' AND typeof(correct) = 'integer'"
                " AND correct IN (0, 1)")


def times_seen(store: Store) -> dict[str, int]:
    rows = store.connection.execute(
        f"SELECT question_id, COUNT(*) AS n FROM answers WHERE {_GOOD_ANSWER} GROUP BY question_id")
    return {row["question_id"]: row["n"] for row in rows}


def totals(store: Store) -> tuple[int, int]:
    row = store.connection.execute(
        f"""SELECT COALESCE(SUM({_GOOD_ANSWER}), 0) AS n, COALESCE(SUM(CASE WHEN {_GOOD_ANSWER} THEN correct END), 0)
            AS right, COUNT(*) AS seen FROM answers""").fetchone()
    if row["seen"] > row["n"]:
        store.skip("answers", row["seen"] - row["n"])
    return int(row["n"]), int(row["right"])


def mastery_by_concept(store: Store) -> dict[str, tuple[int, int]]:
    """{concept: (right, answered)} counting each question's latest answer only."""
    rows = store.connection.execute(
        f"""SELECT concept, SUM(correct) AS right, COUNT(*) AS n FROM answers a
           WHERE {_GOOD_ANSWER} AND id = (SELECT MAX(id) FROM answers b WHERE b.question_id = a.question_id)
           GROUP BY concept ORDER BY concept""")
    return {row["concept"]: (int(row["right"]), int(row["n"])) for row in rows}


def recent_sessions(store: Store, limit: int = 5) -> list[dict]:
    rows = store.connection.execute(
        "SELECT id, kind, topics, started_at, score, total FROM quiz_sessions ORDER BY id DESC LIMIT ?", (limit,))
    return well_typed(store, rows, "quiz_sessions", id=int, kind=str, topics=str, started_at=str, score=int,
                      total=int)


def all_answers(store: Store) -> list[dict]:
    rows = store.connection.execute(
        """SELECT a.id, a.session_id, a.question_id, a.concept, a.lesson_id, a.qtype, a.given, a.expected,
                  a.correct, a.answered_at FROM answers a ORDER BY a.id""")
    return well_typed(store, rows, "answers", id=int, session_id=(int, type(None)), **_ANSWER_TYPES)


def reset_answers(store: Store, lesson_id: str | None = None) -> None:
    with store.transaction() as db:
        if lesson_id is None:
            for table in ("answers", "review_cards", "quiz_sessions"):
                db.execute(f"DELETE FROM {table}")
        else:
            db.execute("DELETE FROM review_cards WHERE question_id IN "
                       "(SELECT question_id FROM answers WHERE lesson_id = ?)", (lesson_id,))
            db.execute("DELETE FROM answers WHERE lesson_id = ?", (lesson_id,))
