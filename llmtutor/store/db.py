"""The learner's progress store: one SQLite file, versioned schema, safe against faults.

`open_store()` never raises for a bad file: a corrupt store (or a SQLite file that is not ours)
is moved aside, once and under a unique name even when several tutors start together, and a
fresh one made; a store that can be read but not written is opened read-only (progress shown,
nothing claimed saved); one written by a newer llmtutor is left untouched; otherwise an
in-memory store stands in. Either way `Store.notice` holds a message key the CLI shows in one
line, and the learner carries on. Rows that cannot be read are skipped and counted in
`Store.skipped`, which the CLI reports in one line.
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
    """`$LLMTUTOR_HOME`, else the platform's user data dir (`paths.learner_home`)."""
    from llmtutor.paths import learner_home as home

    return home()


@contextmanager
def _signals_held():
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGHUP, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class Store:
    """An open progress store. `notice` is a message key to show the learner, or ''."""

    connection: sqlite3.Connection
    path: Path | None
    notice: str = ""
    notice_params: dict = field(default_factory=dict)
    writable: bool = True  # False: read-only file, or an in-memory stand-in (nothing is kept)
    skipped: dict = field(default_factory=dict)  # {what: count} of rows that could not be read
    checked: set = field(default_factory=set)  # tables already counted for bad rows in this run

    def skip(self, what: str, count: int = 1) -> None:
        """Count a row that could not be read (reported once, at the end of the command)."""
        self.skipped[what] = self.skipped.get(what, 0) + count

    @contextmanager
    def transaction(self):
        """One write transaction: BEGIN IMMEDIATE takes the write lock up front.

        Ctrl-C and a closed terminal (SIGINT, SIGHUP) wait until it is committed: a signal never
        undoes the answer being saved (they arrive, and stop the tutor, right after).
        """
        with _signals_held():
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


def well_typed(store: Store, rows, what: str, **types: type | tuple) -> list[dict]:
    """The rows (as dicts) whose columns hold values of the given Python types; the others are
    skipped and counted in `store.skipped[what]` (a file edited by hand, or not written by us)."""
    kept = []
    for row in rows:
        values = dict(row)
        if all(isinstance(values.get(name), kind) and not (kind is int and isinstance(values.get(name), bool))
               for name, kind in types.items()):
            kept.append(values)
        else:
            store.skip(what)
    return kept


def _busy_timeout_ms() -> int:
    value = os.environ.get("LLMTUTOR_LOCK_TIMEOUT_MS", "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def _connect(path: Path | str, read_only: str = "") -> sqlite3.Connection:
    """`read_only`: "" to write, "mode=ro" to read, "immutable=1" to read a WAL file whose folder
    cannot take the shared-memory file that a read-only WAL reader otherwise needs."""
    timeout = _busy_timeout_ms()
    if read_only:
        from urllib.parse import quote

        connection = sqlite3.connect(f"file:{quote(str(Path(path).absolute()))}?{read_only}", uri=True,
                                     timeout=timeout / 1000, isolation_level=None)
    else:
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


class NewerStore(Exception):
    """The file was written by a newer llmtutor (its schema `version` is beyond ours)."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


class ForeignStore(sqlite3.DatabaseError):
    """A readable SQLite file without the tables and columns of our schema."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


_NOT_COLUMNS = {"PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "CONSTRAINT"}


def expected_columns(version: int) -> dict[str, set[str]]:
    """{table: columns} of our schema at `version`, read from the migrations' text with plain
    string operations (this runs on every start: no database, no regular expression to compile).

    Each statement is `CREATE TABLE name (` with one column per line, or `ALTER TABLE name ADD
    [COLUMN] column ...`; a test checks the result against a database migrated for real.
    """
    tables: dict[str, set[str]] = {}
    for step in MIGRATIONS[:version]:
        for statement in step.split(";"):
            statement = "\n".join(line for line in statement.splitlines() if not line.strip().startswith("--"))
            words = statement.split()
            if words[:2] == ["CREATE", "TABLE"]:
                body = statement[statement.index("(") + 1:]
                tables[words[2]] = {line.split()[0] for line in body.splitlines()
                                    if line.strip() and line.split()[0] not in _NOT_COLUMNS | {")"}}
            elif words[:2] == ["ALTER", "TABLE"] and len(words) > 4 and words[3] == "ADD":
                column = words[5] if words[4] == "COLUMN" else words[4]
                tables.setdefault(words[2], set()).add(column)
    return tables


def _check_schema(connection: sqlite3.Connection, version: int) -> None:
    """ForeignStore unless every table and column of schema `version` is there."""
    if version == 0:
        return
    # quick path: exactly our tables, each as one of our migrations wrote it (SQLite keeps the text)
    written = "".join(MIGRATIONS[:version])
    tables = [row[0] for row in connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    if len(tables) == written.count("CREATE TABLE") and all(sql and sql in written for sql in tables):
        return
    missing = []  # else (a later ALTER TABLE, or not our file): look at each table's columns
    for table, columns in expected_columns(version).items():
        try:
            found = {column[0] for column in connection.execute(f'SELECT * FROM "{table}" LIMIT 0').description}
        except sqlite3.OperationalError:  # no such table
            missing.append(table)
            continue
        missing += [f"{table}.{column}" for column in sorted(columns - found)]
    if missing:
        raise ForeignStore(missing)


def _open_file(path: Path, read_only: str = "") -> sqlite3.Connection:
    connection = _connect(path, read_only)
    try:
        status = connection.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise sqlite3.DatabaseError(status)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerStore(version)
        _check_schema(connection, version)
        if read_only:
            if version < SCHEMA_VERSION:  # an old file that cannot be migrated: read nothing from it
                raise sqlite3.OperationalError("readonly database")
        else:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _read_only_store(path: Path) -> Store | None:
    """The file opened read-only (progress shown, nothing written), or None if that fails too."""
    for how in ("mode=ro", "immutable=1"):
        try:
            connection = _open_file(path, read_only=how)
        except NewerStore as err:
            return _memory_store("store_newer", path=str(path), version=err.version, known=SCHEMA_VERSION)
        except sqlite3.Error:
            continue
        return Store(connection, path, "store_read_only", {"path": str(path)}, writable=False)
    return None


def _memory_store(notice: str, **params: object) -> Store:
    connection = _connect(":memory:")
    migrate(connection)
    return Store(connection, None, notice, params, writable=False)


def open_store(home: Path | None = None) -> Store:
    """Open (creating or repairing as needed) the progress store under `home`."""
    home = data_home() if home is None else home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _memory_store("store_unwritable", path=str(home))
    path = home / DB_NAME
    if path.exists() and not path.is_file() and not path.is_dir():  # a FIFO or device: would block forever
        return _memory_store("store_unwritable", path=str(path))
    home_writable = os.access(home, os.W_OK | os.X_OK)
    if path.exists() and (not home_writable or not os.access(path, os.W_OK)):
        if os.access(path, os.R_OK):
            store = _read_only_store(path)
            if store is not None:
                return store
        return _memory_store("store_unwritable", path=str(path))
    if not home_writable:
        return _memory_store("store_unwritable", path=str(home))
    try:
        return Store(_open_file(path), path)
    except NewerStore as err:
        return _memory_store("store_newer", path=str(path), version=err.version, known=SCHEMA_VERSION)
    except ForeignStore as err:
        return _move_aside_and_retry(path, "store_foreign", missing=", ".join(err.missing))
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            return _memory_store("store_locked", path=str(path))
        if "readonly" in text or "read-only" in text or "disk" in text or "full" in text:
            return _read_only_store(path) or _memory_store("store_unwritable", path=str(path))
        return _move_aside_and_retry(path)
    except sqlite3.DatabaseError:
        return _move_aside_and_retry(path)


@contextmanager
def _exclusive(home: Path):
    """Only one tutor at a time moves a bad store aside (an advisory lock beside it)."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: the identity check below still applies
        yield
        return
    fd = os.open(home / f"{DB_NAME}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _unique_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for number in range(1000):
        suffix = f"-{number}" if number else ""
        aside = path.with_name(f"{path.name}.corrupt-{stamp}{suffix}")
        if not os.path.lexists(aside):
            return aside
    raise OSError("no free name to move the progress file aside")


def _move_aside_and_retry(path: Path, notice: str = "store_corrupt", **params: object) -> Store:
    """Move the bad file aside and start a fresh one; done once, whoever else is starting now."""
    bad = _identity(path)
    try:
        with _exclusive(path.parent):
            if bad is not None and _identity(path) == bad:  # still the file we found bad: ours to move
                aside = _unique_aside(path)
                os.rename(path, aside)
                for suffix in ("-wal", "-shm"):
                    side = path.with_name(path.name + suffix)
                    if side.exists():
                        side.replace(aside.with_name(aside.name + suffix))
                moved = aside.name
            else:  # another tutor moved it meanwhile and made a fresh one: use that
                moved = ""
            store = Store(_open_file(path), path)
    except (OSError, sqlite3.Error):
        return _memory_store("store_unwritable", path=str(path))
    if moved:
        store.notice, store.notice_params = notice, {"aside": moved, "path": str(path), **params}
    return store
