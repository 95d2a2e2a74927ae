"""Lesson progress: which lessons are new, in progress or done, and where a learner stopped."""

from __future__ import annotations

from llmtutor.store.db import Store, now_utc, well_typed

NEW, IN_PROGRESS, DONE = "new", "in_progress", "done"


def lesson_states(store: Store) -> dict[str, tuple[str, int]]:
    """{lesson id: (status, section position)} for every lesson the learner has opened."""
    rows = well_typed(store, store.connection.execute("SELECT lesson_id, status, position FROM lesson_progress"),
                      "lesson_progress", lesson_id=str, status=str, position=int)
    return {row["lesson_id"]: (row["status"], max(0, row["position"])) for row in rows
            if row["status"] in (IN_PROGRESS, DONE)}


def status_of(states: dict[str, tuple[str, int]], lesson_id: str) -> str:
    return states.get(lesson_id, (NEW, 0))[0]


def save_position(store: Store, lesson_id: str, position: int) -> None:
    """Remember the section the learner is on; a done lesson stays done."""
    stamp = now_utc()
    with store.transaction() as db:
        db.execute(
            """INSERT INTO lesson_progress (lesson_id, status, position, started_at, updated_at)
               VALUES (?, 'in_progress', ?, ?, ?)
               ON CONFLICT (lesson_id) DO UPDATE SET position = excluded.position,
                                                     updated_at = excluded.updated_at""",
            (lesson_id, position, stamp, stamp),
        )


def mark_done(store: Store, lesson_id: str) -> None:
    stamp = now_utc()
    with store.transaction() as db:
        db.execute(
            """INSERT INTO lesson_progress (lesson_id, status, position, started_at, updated_at, finished_at)
               VALUES (?, 'done', 0, ?, ?, ?)
               ON CONFLICT (lesson_id) DO UPDATE SET status = 'done', position = 0,
                                                     updated_at = excluded.updated_at,
                                                     finished_at = excluded.finished_at""",
            (lesson_id, stamp, stamp, stamp),
        )


def reset_lessons(store: Store, lesson_id: str | None = None) -> None:
    with store.transaction() as db:
        if lesson_id is None:
            db.execute("DELETE FROM lesson_progress")
        else:
            db.execute("DELETE FROM lesson_progress WHERE lesson_id = ?", (lesson_id,))
