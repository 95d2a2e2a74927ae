"""The learner's progress store: one SQLite file, versioned schema, safe against faults.

`open_store()` never raises for a bad file: a corrupt store is moved aside and a fresh one made,
an unwritable one is replaced by an in-memory store; either way `Store.notice` holds a message
key the CLI shows in one line, and the learner carries on.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

DB_NAME = "progress.db"
# How long to wait for another tutor's write lock; LLMTUTOR_LOCK_TIMEOUT_MS overrides it (tests).
BUSY_TIMEOUT_MS = 10_000

# Each entry moves the schema from version i to i + 1. Never edit a released entry: add one.
MIGRATIONS: list[str] = [
    # 1: lesson progress
    """
    CREATE TABLE lesson_progress (
        lesson_id   TEXT PRIMARY KEY,
        status      TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
        position    INTEGER NOT NULL DEFAULT 0,
        started_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        finished_at TEXT
    );
    """,
    # 2: quiz sessions, every answer, spaced-review cards
    """
    CREATE TABLE quiz_sessions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL,
        topics      TEXT NOT NULL DEFAULT '',
        seed        INTEGER,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        score       INTEGER NOT NULL DEFAULT 0,
        total       INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE answers (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  INTEGER REFERENCES quiz_sessions(id),
        question_id TEXT NOT NULL,
        concept     TEXT NOT NULL DEFAULT '',
        lesson_id   TEXT NOT NULL DEFAULT '',
        qtype       TEXT NOT NULL,
        given       TEXT NOT NULL,
        expected    TEXT NOT NULL,
        correct     INTEGER NOT NULL,
        answered_at TEXT NOT NULL
    );
    CREATE INDEX answers_by_question ON answers(question_id);
    CREATE TABLE review_cards (
        question_id TEXT PRIMARY KEY,
        card_json   TEXT NOT NULL,
        due         TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX review_cards_by_due ON review_cards(due);
    """,
    # 3: what was shown and chosen, how sure, how much credit; the question's content hash; what a
    # session's topics resolved to; computed exercises reviewed as one card per skill
    """
    ALTER TABLE answers ADD COLUMN shown_order TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN picked TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN confidence TEXT NOT NULL DEFAULT '';
    ALTER TABLE answers ADD COLUMN score REAL NOT NULL DEFAULT 0;
    UPDATE answers SET score = correct;
    ALTER TABLE review_cards ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
    ALTER TABLE quiz_sessions ADD COLUMN resolved_topics TEXT NOT NULL DEFAULT '';
    INSERT OR IGNORE INTO review_cards (question_id, card_json, due, updated_at)
        SELECT 'gen-' || substr(question_id, 5, instr(substr(question_id, 5), '-') - 1), card_json, MIN(due), updated_at
        FROM review_cards WHERE question_id GLOB 'gen-*-[0-9]*'
        GROUP BY substr(question_id, 5, instr(substr(question_id, 5), '-') - 1);
    DELETE FROM review_cards WHERE question_id GLOB 'gen-*-[0-9]*';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def data_home() -> Path:
    """`$LLMTUTOR_HOME`, else the platform's user data dir for llmtutor."""
    home = os.environ.get("LLMTUTOR_HOME", "").strip()
    if home:
        return Path(home).expanduser()
    from llmtutor.paths import user_data_dir

    return user_data_dir()


@dataclass
class Store:
    """An open progress store. `notice` is a message key to show the learner, or ''."""

    connection: sqlite3.Connection
    path: Path | None
    notice: str = ""
    notice_params: dict = field(default_factory=dict)

    @contextmanager
    def transaction(self):
        """One write transaction: BEGIN IMMEDIATE takes the write lock up front."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.rollback()
            raise
        else:
            self.connection.commit()

    def close(self) -> None:
        try:
            self.connection.close()
        except sqlite3.Error:
            pass


def _busy_timeout_ms() -> int:
    value = os.environ.get("LLMTUTOR_LOCK_TIMEOUT_MS", "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def _connect(path: Path | str) -> sqlite3.Connection:
    timeout = _busy_timeout_ms()
    connection = sqlite3.connect(str(path), timeout=timeout / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {timeout}")
    connection.row_factory = sqlite3.Row
    return connection


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION, one migration per transaction. Returns the old version."""
    old = connection.execute("PRAGMA user_version").fetchone()[0]
    for version in range(old, SCHEMA_VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # re-read inside the lock: another tutor may have migrated meanwhile
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            if current <= version:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return old


def _open_file(path: Path) -> sqlite3.Connection:
    connection = _connect(path)
    try:
        status = connection.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise sqlite3.DatabaseError(status)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError("made by a newer llmtutor")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _memory_store(notice: str, **params: object) -> Store:
    connection = _connect(":memory:")
    migrate(connection)
    return Store(connection, None, notice, params)


def open_store(home: Path | None = None) -> Store:
    """Open (creating or repairing as needed) the progress store under `home`."""
    home = data_home() if home is None else home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _memory_store("store_unwritable", path=str(home))
    if not os.access(home, os.W_OK | os.X_OK):
        return _memory_store("store_unwritable", path=str(home))
    path = home / DB_NAME
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return _memory_store("store_unwritable", path=str(path))
    try:
        return Store(_open_file(path), path)
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            return _memory_store("store_locked", path=str(path))
        if "readonly" in text or "read-only" in text or "disk" in text or "full" in text:
            return _memory_store("store_unwritable", path=str(path))
        return _move_aside_and_retry(path)
    except sqlite3.DatabaseError:
        return _move_aside_and_retry(path)


def _move_aside_and_retry(path: Path) -> Store:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        path.replace(aside)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.replace(aside.with_name(aside.name + suffix))
        store = Store(_open_file(path), path)
    except (OSError, sqlite3.Error):
        return _memory_store("store_unwritable", path=str(path))
    store.notice, store.notice_params = "store_corrupt", {"aside": aside.name}
    return store
