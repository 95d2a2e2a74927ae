"""The progress store: versioned schema, migrations, corrupt files, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from llmtutor.store.db import MIGRATIONS, SCHEMA_VERSION, open_store
from llmtutor.store.lessons import lesson_states, mark_done, save_position


def test_a_new_store_has_the_latest_schema_in_wal_mode(learner_home):
    store = open_store()
    assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (learner_home / "progress.db").exists()
    store.close()


def test_progress_persists_across_runs(learner_home):
    store = open_store()
    save_position(store, "attention", 3)
    mark_done(store, "ai-history")
    store.close()
    again = open_store()
    assert lesson_states(again) == {"attention": ("in_progress", 3), "ai-history": ("done", 0)}
    again.close()


def test_migration_from_the_first_schema_keeps_the_data(learner_home):
    learner_home.mkdir(parents=True)
    old = sqlite3.connect(learner_home / "progress.db")
    old.executescript(MIGRATIONS[0])
    old.execute("INSERT INTO lesson_progress VALUES ('attention', 'done', 0, 't', 't', 't')")
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    store = open_store()
    assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert lesson_states(store) == {"attention": ("done", 0)}
    assert store.connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    store.close()


def test_a_corrupt_file_is_moved_aside_and_a_fresh_store_used(learner_home):
    learner_home.mkdir(parents=True)
    (learner_home / "progress.db").write_bytes(b"this is not a database" * 100)
    store = open_store()
    assert store.notice == "store_corrupt"
    assert list(learner_home.glob("progress.db.corrupt-*"))
    save_position(store, "attention", 1)
    store.close()


def test_a_corrupt_store_is_one_line_through_the_cli(tutor, learner_home):
    learner_home.mkdir(parents=True)
    (learner_home / "progress.db").write_bytes(b"\x00garbage" * 1000)
    result = tutor("lessons")
    assert result.exit_code == 0
    assert "moved aside" in result.output


def test_an_unwritable_home_still_lets_the_learner_work(tutor, tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    result = tutor("lessons", env={"LLMTUTOR_HOME": str(blocked / "home")})
    assert result.exit_code == 0
    assert "will not be saved" in result.output


def test_a_truncated_store_is_recovered(learner_home):
    store = open_store()
    for i in range(200):
        save_position(store, f"lesson-{i}", i)
    store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = learner_home / "progress.db"
    path.write_bytes(path.read_bytes()[: 4096 + 100])
    again = open_store()
    save_position(again, "attention", 2)
    assert lesson_states(again)["attention"] == ("in_progress", 2)
    again.close()


def test_concurrent_writers_lose_no_answers(learner_home):
    script = textwrap.dedent("""
        import sys
        from llmtutor.store.db import open_store
        from llmtutor.store.answers import AnswerRecord, record_answer, start_session
        store = open_store()
        session = start_session(store, "quiz", [], None)
        for i in range(50):
            record_answer(store, session, AnswerRecord(f"{sys.argv[1]}-{i}", "softmax", "attention",
                                                       "single", "A", "A", True))
        store.close()
    """)
    open_store().close()
    workers = [subprocess.Popen([sys.executable, "-c", script, f"w{n}"]) for n in range(4)]
    assert all(worker.wait(timeout=120) == 0 for worker in workers)
    store = open_store()
    assert store.connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 200
    assert store.connection.execute("SELECT SUM(total) FROM quiz_sessions").fetchone()[0] == 200
    store.close()


def test_default_folders_are_the_platform_ones(monkeypatch):
    import platformdirs

    from llmtutor import paths

    for value in (None, "/srv/xdg", "relative/ignored"):
        for variable in ("XDG_DATA_HOME", "XDG_CACHE_HOME"):
            if value is None:
                monkeypatch.delenv(variable, raising=False)
            else:
                monkeypatch.setenv(variable, value)
        assert str(paths.user_data_dir()) == platformdirs.user_data_dir("llmtutor", appauthor=False)
        assert str(paths.user_cache_dir()) == platformdirs.user_cache_dir("llmtutor", appauthor=False)


def test_the_schema_read_from_the_migrations_text_is_the_one_they_make(tmp_path):
    """Every start checks a store's tables against `expected_columns` (read from the migrations'
    text, no database needed); it must be what running the migrations really creates."""
    from llmtutor.store.db import expected_columns

    for version in range(1, SCHEMA_VERSION + 1):
        db = sqlite3.connect(":memory:")
        for step in MIGRATIONS[:version]:
            db.executescript(step)
        made = {}
        for table, column in db.execute("SELECT m.name, p.name FROM sqlite_master AS m "
                                        "JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table'"):
            if not table.startswith("sqlite_"):
                made.setdefault(table, set()).add(column)
        assert expected_columns(version) == made
        db.close()


def test_a_store_missing_a_column_is_not_taken_for_ours(learner_home):
    learner_home.mkdir()
    db = sqlite3.connect(learner_home / "progress.db")
    for step in MIGRATIONS:
        db.executescript(step)
    db.executescript("DROP INDEX review_cards_by_due; ALTER TABLE review_cards DROP COLUMN due;")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.commit()
    db.close()
    store = open_store()
    assert store.notice == "store_foreign" and store.notice_params["missing"] == "review_cards.due"
    assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
    assert len(list(learner_home.glob("progress.db.corrupt-*"))) == 1
