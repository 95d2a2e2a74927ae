"""Course-level figures read from the store: the last quiz score per lesson, time in quizzes."""

from __future__ import annotations

from datetime import datetime

from llmtutor.store.db import Store

MAX_SECONDS_PER_ANSWER = 180  # a session left open (a break, a closed laptop) counts no longer than this


def last_scores_by_lesson(store: Store) -> dict[str, tuple[int, int]]:
    """{lesson id: (right, asked)} in the latest session that asked about the lesson."""
    rows = store.connection.execute(
        """SELECT a.lesson_id, SUM(a.correct) AS right, COUNT(*) AS n FROM answers a
           WHERE a.lesson_id != '' AND a.session_id = (
               SELECT MAX(b.session_id) FROM answers b WHERE b.lesson_id = a.lesson_id)
           GROUP BY a.lesson_id""")
    return {row["lesson_id"]: (int(row["right"]), int(row["n"])) for row in rows}


def seconds_in_sessions(store: Store) -> int:
    """Time spent answering: each session from its start to its last answer, capped per answer."""
    rows = store.connection.execute(
        """SELECT s.started_at, MAX(a.answered_at) AS last, COUNT(a.id) AS n FROM quiz_sessions s
           JOIN answers a ON a.session_id = s.id GROUP BY s.id""")
    total = 0
    for row in rows:
        spent = (datetime.fromisoformat(row["last"]) - datetime.fromisoformat(row["started_at"])).total_seconds()
        total += int(min(max(spent, 0), MAX_SECONDS_PER_ANSWER * row["n"]))
    return total
