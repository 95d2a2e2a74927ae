"""Quiz sessions and every answer given; what has been seen, what is mastered."""

from __future__ import annotations

from dataclasses import dataclass

from llmtutor.store.db import Store, now_utc, well_typed


LEECH_FAILURES = 4  # a question failed this many times (under its current key) is a leech
EXPORT_COLUMNS = ["id", "session_id", "session_kind", "question_id", "question", "concept", "lesson_id", "qtype",
                  "shown_order", "given", "picked", "expected", "correct", "score", "confidence", "content_hash",
                  "answered_at"]


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    concept: str
    lesson_id: str
    qtype: str
    given: str
    expected: str
    correct: bool
    score: float = 0.0
    shown_order: str = ""  # choices (letters as written) or items (numbers as written), in the order shown
    picked: str = ""  # the choices picked (letters as written), or the items in the order given
    content_hash: str = ""
    confidence: str = ""  # "sure", "unsure", or "" when not asked
    card_id: str = ""  # the review card this answer schedules (a skill for computed exercises)


def start_session(store: Store, kind: str, topics: list[str], seed: int | None, resolved: list[str] = ()) -> int:
    """`topics` as typed; `resolved` what they named (`lesson:attention`, `term:softmax`)."""
    with store.transaction() as db:
        cursor = db.execute("INSERT INTO quiz_sessions (kind, topics, seed, started_at, resolved_topics) "
                            "VALUES (?, ?, ?, ?, ?)", (kind, " ".join(topics), seed, now_utc(), " ".join(resolved)))
        return int(cursor.lastrowid)


def record_answer(store: Store, session_id: int | None, answer: AnswerRecord, card_json: str | None = None,
                  due: str | None = None) -> None:
    """Store one answer (and its review card) in one transaction, as soon as it is given."""
    stamp = now_utc()
    with store.transaction() as db:
        db.execute(
            """INSERT INTO answers (session_id, question_id, concept, lesson_id, qtype, given, expected,
                                    correct, answered_at, score, shown_order, picked, content_hash, confidence)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (session_id, answer.question_id, answer.concept, answer.lesson_id, answer.qtype, answer.given,
             answer.expected, int(answer.correct), stamp, answer.score, answer.shown_order, answer.picked,
             answer.content_hash, answer.confidence))
        if session_id is not None:
            db.execute("UPDATE quiz_sessions SET score = score + ?, total = total + 1 WHERE id = ?",
                       (int(answer.correct), session_id))
        if card_json is not None:
            db.execute(
                """INSERT INTO review_cards (question_id, card_json, due, updated_at, content_hash)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (question_id) DO UPDATE SET card_json = excluded.card_json, due = excluded.due,
                                                            updated_at = excluded.updated_at,
                                                            content_hash = excluded.content_hash""",
                (answer.card_id or answer.question_id, card_json, due, stamp, answer.content_hash))


def finish_session(store: Store, session_id: int) -> None:
    with store.transaction() as db:
        db.execute("UPDATE quiz_sessions SET finished_at = ? WHERE id = ?", (now_utc(), session_id))


# What a readable answer row holds; others (a file edited by hand) are skipped, and counted.
_ANSWER_TYPES = {"question_id": str, "concept": str, "lesson_id": str, "qtype": str, "given": str,
                 "expected": str, "correct": int, "answered_at": str, "score": (int, float)}
_GOOD_ANSWER = ("typeof(question_id) = 'text' AND typeof(concept) = 'text' AND typeof(correct) = 'integer'"
                " AND correct IN (0, 1) AND typeof(score) IN ('integer', 'real')")


def times_seen(store: Store) -> dict[str, int]:
    rows = store.connection.execute(
        f"SELECT question_id, COUNT(*) AS n FROM answers WHERE {_GOOD_ANSWER} GROUP BY question_id")
    return {row["question_id"]: row["n"] for row in rows}


def totals(store: Store) -> tuple[int, float]:
    """(answers given, points earned): partial credit counts as the fraction it earned; unreadable rows
    are skipped and counted."""
    row = store.connection.execute(
        f"""SELECT COALESCE(SUM({_GOOD_ANSWER}), 0) AS n, COALESCE(SUM(CASE WHEN {_GOOD_ANSWER} THEN score END), 0)
            AS points, COUNT(*) AS seen FROM answers""").fetchone()
    if row["seen"] > row["n"]:
        store.skip("answers", row["seen"] - row["n"])
    return int(row["n"]), float(row["points"])


def mastery_by_concept(store: Store, current: dict[str, str] | None = None) -> dict[str, tuple[float, int]]:
    """{concept: (points, answered)} counting each question's latest answer only (partial credit
    as its fraction). With `current` ({question id: content hash} of the loaded course), an answer
    given under another key no longer counts: the question was changed since."""
    rows = store.connection.execute(
        f"""SELECT question_id, concept, score, content_hash FROM answers a
           WHERE {_GOOD_ANSWER} AND id = (SELECT MAX(id) FROM answers b WHERE b.question_id = a.question_id)
           ORDER BY concept""")
    table: dict[str, tuple[float, int]] = {}
    for row in rows:
        wanted = (current or {}).get(row["question_id"], "")
        if wanted and row["content_hash"] and row["content_hash"] != wanted:
            continue
        points, answered = table.get(row["concept"], (0.0, 0))
        table[row["concept"]] = (points + float(row["score"]), answered + 1)
    return table


def recent_sessions(store: Store, limit: int = 5) -> list[dict]:
    """The latest sessions, each with `points` (partial credit included) and what its topics named."""
    rows = store.connection.execute(
        """SELECT s.id, s.kind, s.topics, s.resolved_topics, s.started_at, s.score, s.total,
                  (SELECT COALESCE(SUM(a.score), 0) FROM answers a WHERE a.session_id = s.id) AS points
           FROM quiz_sessions s ORDER BY s.id DESC LIMIT ?""", (limit,))
    return well_typed(store, rows, "quiz_sessions", id=int, kind=str, topics=str, started_at=str, score=int,
                      total=int)


def all_answers(store: Store) -> list[dict]:
    rows = store.connection.execute(
        """SELECT a.id, a.session_id, COALESCE(s.kind, '') AS session_kind, a.question_id, a.concept, a.lesson_id,
                  a.qtype, a.shown_order, a.given, a.picked, a.expected, a.correct, a.score, a.confidence,
                  a.content_hash, a.answered_at
           FROM answers a LEFT JOIN quiz_sessions s ON s.id = a.session_id ORDER BY a.id""")
    return well_typed(store, rows, "answers", id=int, session_id=(int, type(None)), **_ANSWER_TYPES)


def failures(store: Store, question_id: str, content_hash: str) -> int:
    """How often the question was failed (no credit) under this content hash (or before hashes)."""
    row = store.connection.execute(
        "SELECT COUNT(*) AS n FROM answers WHERE question_id = ? AND score = 0 AND content_hash IN (?, '')",
        (question_id, content_hash)).fetchone()
    return int(row["n"])


def leeches(store: Store) -> dict[str, int]:
    """{question id: failures} of questions failed at least LEECH_FAILURES times under their latest hash."""
    rows = store.connection.execute(
        """SELECT question_id, COUNT(*) AS n FROM answers a
           WHERE score = 0 AND question_id NOT GLOB 'gen-*'
             AND content_hash IN ('', (SELECT content_hash FROM answers b WHERE b.question_id = a.question_id
                                       ORDER BY id DESC LIMIT 1))
           GROUP BY question_id HAVING COUNT(*) >= ?""", (LEECH_FAILURES,))
    return {row["question_id"]: int(row["n"]) for row in rows}


def reset_answers(store: Store, lesson_id: str | None = None) -> None:
    with store.transaction() as db:
        if lesson_id is None:
            for table in ("answers", "review_cards", "quiz_sessions"):
                db.execute(f"DELETE FROM {table}")
        else:
            db.execute("DELETE FROM review_cards WHERE question_id IN "
                       "(SELECT question_id FROM answers WHERE lesson_id = ?)", (lesson_id,))
            db.execute("DELETE FROM review_cards WHERE question_id IN (SELECT 'gen-' || substr(question_id, 5, "
                       "instr(substr(question_id, 5), '-') - 1) FROM answers WHERE lesson_id = ? "
                       "AND question_id GLOB 'gen-*-[0-9]*')", (lesson_id,))
            db.execute("DELETE FROM answers WHERE lesson_id = ?", (lesson_id,))
