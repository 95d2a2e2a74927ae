"""Faults that need a real process: closed pipes, full disks, closed terminals, races, signals.

Each runs the real `llmtutor` (a subprocess, or a pseudo-terminal where a terminal matters) and
checks what the learner keeps: every answer, an intact store (`PRAGMA integrity_check`), one
line of explanation, the documented exit status.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pexpect
import pytest

from terminal import exit_status, spawn

TUTOR = [sys.executable, "-m", "llmtutor"]


def _env(home, **extra) -> dict:
    env = {**os.environ, "LLMTUTOR_HOME": str(home), "COLUMNS": "80", **extra}
    env.pop("LLMTUTOR_LANG", None)
    return env


def run(home, *args, input=None, **env):
    return subprocess.run([*TUTOR, *args], env=_env(home, **env), input=input, capture_output=True,
                          timeout=120)


def shell(home, command: str, **env):
    """A shell pipeline, with `llmtutor` standing for this interpreter's tutor."""
    tutor = " ".join(TUTOR)
    return subprocess.run(["bash", "-c", command.replace("llmtutor", tutor)], env=_env(home, **env),
                          capture_output=True, timeout=120)


def answered(home) -> int:
    out = run(home, "progress", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["questions_answered"]


def assert_sound(home) -> None:
    with sqlite3.connect(Path(home) / "progress.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# 1, 10: a reader that closes the pipe costs nothing and is not an error

@pytest.mark.parametrize("lines", [1, 20])
def test_a_quiz_piped_into_head_stores_every_answer(tmp_path, lines):
    result = shell(tmp_path, "printf 'A\\nB\\nC\\nD\\nA\\nB\\n' | llmtutor quiz --seed 4 --count 6 --answers - "
                             f"| head -{lines}; exit ${{PIPESTATUS[1]}}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert answered(tmp_path) == 6
    assert_sound(tmp_path)


@pytest.mark.parametrize("command", ["attention 'a b'", "learn --all", "walk self-attention", "--help", "lessons",
                                     "export", "explain"])
def test_output_piped_into_head_ends_quietly(tmp_path, command):
    run(tmp_path, "quiz", "--seed", "1", "--count", "2", "--answers", "-", input=b"A\nB\n")
    result = shell(tmp_path, f"llmtutor {command} | head -1; exit ${{PIPESTATUS[0]}}")
    assert result.returncode == 0
    assert result.stderr == b""


@pytest.mark.parametrize("command", ["lessons", "export", "lessons --json", "attention 'a b'"])
def test_a_full_disk_on_stdout_is_one_line_and_exit_1(tmp_path, command):
    result = shell(tmp_path, f"llmtutor {command} > /dev/full")
    assert result.returncode == 1
    lines = result.stderr.decode().strip().splitlines()
    assert lines == ["Error: Could not write the output (No space left on device)."]


def test_a_closed_stdout_is_one_line_and_exit_1(tmp_path):
    result = shell(tmp_path, "llmtutor lessons --json >&-")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "Error: Could not write the output (Bad file descriptor)."


def _answer(child, text: str) -> None:
    """Type an answer at the quiz prompt, then the confidence key the quiz asks for next."""
    child.sendline(text)
    child.expect("s = sure, u = unsure")
    child.send("s")


# 2: a reset in another terminal while a quiz runs

def test_a_reset_during_a_quiz_keeps_the_answers_given_after_it(tmp_path):
    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "5", "--count", "3")
    child.expect("Your answer")
    _answer(child, "true")
    child.expect("Question 2/3")
    child.expect("Your answer")
    reset = run(tmp_path, "progress", "--reset", "-y")
    assert reset.returncode == 0 and b"Erased." in reset.stdout
    _answer(child, "true")
    child.expect("Question 3/3")
    child.expect("Your answer")
    _answer(child, "false")
    child.expect("Score")
    assert exit_status(child) == 0
    assert "Could not save" not in child.before
    assert answered(tmp_path) == 2
    with sqlite3.connect(tmp_path / "progress.db") as db:
        sessions = db.execute("SELECT total, finished_at IS NOT NULL FROM quiz_sessions").fetchall()
    assert sessions == [(2, 1)]
    assert_sound(tmp_path)


# 3: several tutors finding a corrupt store at once

def test_tutors_starting_together_move_a_corrupt_store_aside_once(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    corrupt = b"not sqlite " * 500
    (home / "progress.db").write_bytes(corrupt)
    command = [*TUTOR, "quiz", "--type", "generated", "--count", "2", "--answers", "-"]
    workers = [subprocess.Popen(command + ["--seed", str(n)], env=_env(home), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(8)]
    outputs = [worker.communicate(b"\n\n", timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in outputs]
    aside = sorted(home.glob("progress.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == corrupt
    assert sum(b"moved aside" in err for _, err in outputs) == 1
    assert answered(home) == 16
    assert_sound(home)


# 4: export is all or nothing

def test_an_export_that_fails_midway_leaves_the_previous_one_whole(tmp_path):
    home = tmp_path / "home"
    run(home, "quiz", "--type", "generated", "--seed", "1", "--count", "20", "--answers", "-", input=b"\n" * 20)
    target = tmp_path / "out.json"
    assert run(home, "export", "-o", str(target)).returncode == 0
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
        from llmtutor.__main__ import main
        sys.argv = ["llmtutor", "export", "--format", "csv", "-o", {str(target)!r}]
        main()
    """)
    result = subprocess.run([sys.executable, "-c", script], env=_env(home), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Cannot write" in result.stderr and "Traceback" not in result.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "home", "out.json"]


def test_an_export_killed_midway_leaves_the_previous_one_whole(tmp_path):
    home = tmp_path / "home"
    run(home, "quiz", "--type", "generated", "--seed", "1", "--count", "20", "--answers", "-", input=b"\n" * 20)
    target = tmp_path / "out.json"
    assert run(home, "export", "-o", str(target)).returncode == 0
    before = target.read_bytes()
    # the kernel kills the tutor (SIGXFSZ, default action) in the middle of writing the new file
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; the kernel's default kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
        from llmtutor.__main__ import main
        sys.argv = ["llmtutor", "export", "--format", "csv", "-o", {str(target)!r}]
        main()
    """)
    result = subprocess.run([sys.executable, "-c", script], env=_env(home), capture_output=True, timeout=120)
    assert result.returncode < 0  # killed by a signal
    assert target.read_bytes() == before


# 7: a newer store is left exactly as it was

def test_a_store_from_a_newer_tutor_is_left_untouched(tmp_path):
    home = tmp_path / "home"
    run(home, "quiz", "--seed", "1", "--count", "1", "--answers", "-", input=b"A\n")
    db = sqlite3.connect(home / "progress.db")
    db.execute("PRAGMA user_version = 7")
    db.close()
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    for args in (["lessons"], ["quiz", "--seed", "1", "--count", "1", "--answers", "-"], ["progress", "--reset", "-y"]):
        result = run(home, *args, input=b"A\n")
        assert b"store version 7" in result.stderr
    assert {p.name: p.read_bytes() for p in home.iterdir() if not p.name.endswith(("-wal", "-shm"))} == before
    assert result.returncode == 1 and b"Nothing erased" in result.stderr


# 8, 12: encodings

def test_an_ascii_terminal_degrades_the_output_never_the_answers(tmp_path):
    result = run(tmp_path, "attention", "a b", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    quiz = run(tmp_path, "--lang", "zh", "quiz", "attention", "--seed", "1", "--count", "2", "--answers", "-",
               input="A\n注意\n".encode(), PYTHONIOENCODING="ascii")
    assert quiz.returncode == 0, quiz.stderr
    assert b"?" in quiz.stdout
    assert answered(tmp_path) == 2


def test_keys_an_ascii_terminal_cannot_hold_are_an_answer_not_a_crash(tmp_path):
    """(found) Typed answers, not --answers: read through the terminal's declared encoding."""
    result = run(tmp_path, "quiz", "--type", "short", "--seed", "1", "--count", "1", input="注意\n".encode(),
                 PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert answered(tmp_path) == 1


def test_invalid_utf8_on_stdin_answers_is_exit_2(tmp_path):
    result = run(tmp_path, "quiz", "attention", "--seed", "1", "--count", "1", "--answers", "-", input=b"\xff\n")
    assert result.returncode == 2
    assert result.stderr.decode().strip().startswith("Error: Cannot read the answers file -")


# 15: last-error.txt never follows a link

def test_last_error_replaces_a_planted_link_not_its_target(tmp_path, tutor, monkeypatch):
    import sys

    tutor("lessons")  # the command module is now worded in this run's language: the app keeps it
    course_commands = sys.modules["llmtutor.cli.course_commands"]

    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (cache / "last-error.txt").symlink_to(victim)

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(course_commands, "lessons", broken)
    result = tutor("lessons")
    assert result.exit_code == 70
    assert victim.read_text() == "precious"
    assert not (cache / "last-error.txt").is_symlink()
    assert "RuntimeError: a bug" in (cache / "last-error.txt").read_text()


# 14: the cache holds records, and nothing that runs

def test_every_cache_file_is_read_back_as_records(tmp_path):
    from llmtutor.course.cache import load_records

    cache = tmp_path / "cache"
    assert run(tmp_path / "home", "lessons").returncode == 0
    assert run(tmp_path / "home", "explain", "attention").returncode == 0
    assert run(tmp_path / "home", "quiz", "--seed", "1", "--count", "1", "--answers", "-", input=b"A\n").returncode == 0
    assert run(tmp_path / "home", "walk").returncode == 0
    names = sorted(p.name for p in cache.glob("*.pickle"))
    assert names == ["catalog.pickle", "course.pickle", "lessons.pickle", "messages-en.pickle", "parsed.pickle",
                     "walk.pickle"]
    for path in cache.glob("*.pickle"):
        assert load_records(path.read_bytes()) is not None  # every type written is admitted
    stamp, entries = load_records((cache / "parsed.pickle").read_bytes())
    assert entries and all(load_records(value) is not None for _, value in entries.values())


def test_a_planted_per_file_pickle_inside_parsed_does_not_run(tmp_path):
    import pickle

    from llmtutor.course.cache import load_records

    home, cache = tmp_path / "home", tmp_path / "cache"
    assert run(home, "quiz", "--seed", "1", "--count", "1", "--answers", "-", input=b"A\n").returncode == 0
    stamp, entries = load_records((cache / "parsed.pickle").read_bytes())

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path}/pwned",))

    entries = {path: (raw, pickle.dumps(Planted())) for path, (raw, _) in entries.items()}
    (cache / "parsed.pickle").write_bytes(pickle.dumps((stamp, entries)))
    (cache / "course.pickle").unlink()  # so that the course is rebuilt from the parsed entries
    result = run(home, "learn", "attention", "--all")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "pwned").exists()


# 16: a closed terminal

def _close_the_terminal(child) -> int:
    """Close the terminal's master side, as a closed window does (the kernel hangs up the session:
    SIGHUP, and reads and writes on the terminal fail); the tutor's exit status."""
    os.close(child.child_fd)
    _, status = os.waitpid(child.pid, 0)
    assert os.WIFEXITED(status), status
    return os.WEXITSTATUS(status)


@pytest.mark.parametrize("round", range(3))  # the hang-up races with the failing read: try it a few times
def test_a_closed_terminal_mid_quiz_is_130_and_the_session_is_finished(tmp_path, round):
    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "5", "--count", "3")
    child.expect("Your answer")
    _answer(child, "true")
    child.expect("Question 2/3")
    child.expect("Your answer")
    assert _close_the_terminal(child) == 130
    with sqlite3.connect(tmp_path / "progress.db") as db:
        assert db.execute("SELECT total, finished_at IS NOT NULL FROM quiz_sessions").fetchall() == [(1, 1)]
    assert not (Path(os.environ["LLMTUTOR_CACHE"]) / "last-error.txt").exists()
    assert_sound(tmp_path)


def test_a_closed_terminal_while_paging_a_lesson_is_130_and_keeps_the_page(tmp_path):
    child = spawn(tmp_path, "learn", "attention", rows=120)
    child.expect("1/8")
    child.send(" ")
    child.expect("2/8")
    assert _close_the_terminal(child) == 130
    assert not (Path(os.environ["LLMTUTOR_CACHE"]) / "last-error.txt").exists()
    with sqlite3.connect(tmp_path / "progress.db") as db:
        assert db.execute("SELECT status, position FROM lesson_progress").fetchall() == [("in_progress", 1)]


# 18: a store that can be read but not written

def _read_only_runner():
    """How to run the tutor so that file permissions apply: as is, or as root without the
    capabilities that bypass them (capsh); None when neither is possible here."""
    if os.geteuid() != 0:
        return lambda command: command
    capsh = shutil.which("capsh")
    if capsh is None:
        return None
    import shlex

    return lambda command: [capsh, "--drop=cap_dac_override,cap_dac_read_search,cap_fowner", "--", "-c",
                            shlex.join(command)]


@pytest.mark.skipif(_read_only_runner() is None, reason="running as root without capsh: permissions never apply")
def test_a_read_only_store_shows_progress_and_never_claims_a_write(tmp_path):
    wrap = _read_only_runner()
    home = tmp_path / "home"
    assert run(home, "quiz", "--seed", "1", "--count", "3", "--answers", "-", input=b"A\nB\nC\n").returncode == 0
    (home / "progress.db").chmod(0o444)
    home.chmod(0o555)
    try:
        def tutor(*args, input=None):
            return subprocess.run(wrap([*TUTOR, *args]), env=_env(home), input=input, capture_output=True,
                                  timeout=120)

        shown = tutor("progress", "--json")
        assert shown.returncode == 0
        assert json.loads(shown.stdout)["questions_answered"] == 3
        assert b"can be read but not written" in shown.stderr
        reset = tutor("progress", "--reset", "-y")
        assert reset.returncode == 1 and b"Nothing erased" in reset.stderr and b"Erased." not in reset.stdout
        quiz = tutor("quiz", "--seed", "1", "--count", "1", "--answers", "-", input=b"A\n")
        assert quiz.returncode == 1 and b"1 answer(s) of this quiz could not be saved" in quiz.stderr
    finally:
        home.chmod(0o755)
        (home / "progress.db").chmod(0o644)
    assert answered(home) == 3
    assert_sound(home)


# 19: an answer typed at the prompt that is far too long

def test_a_huge_answer_at_the_prompt_is_refused_at_once(tmp_path):
    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "5", "--count", "1")
    child.expect("Your answer")
    child.sendline("x" * 3000)
    child.expect("longer than 1000 characters")
    _answer(child, "true")
    child.expect("Score")
    assert exit_status(child) == 0
    assert answered(tmp_path) == 1


# (found) the heatmap export is written like every other file

def test_a_heatmap_export_replaces_a_planted_link_not_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    picture = tmp_path / "pic.svg"
    picture.symlink_to(victim)
    result = run(tmp_path / "home", "attention", "a b", "--export", str(picture))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    assert not picture.is_symlink() and picture.read_text().startswith("<svg")


def _waiting_on(path: Path) -> int:
    """How many processes wait for an flock on `path` (from /proc/locks: blocked requests, '->')."""
    inode = path.stat().st_ino
    # e.g. "1: -> FLOCK  ADVISORY  WRITE 6718 fe:00:2162891 0 EOF"
    return sum(1 for line in Path("/proc/locks").read_text().splitlines()
               if "->" in line and line.split()[-3].endswith(f":{inode}"))


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks to see who waits")
def test_tutors_that_all_found_the_store_corrupt_move_it_aside_only_once(tmp_path):
    """The race made certain: every tutor has found the file corrupt and waits for the lock before
    any of them may move it. Only the first moves it; the others use the fresh store it made."""
    import fcntl
    import time

    home = tmp_path / "home"
    home.mkdir()
    corrupt = b"not sqlite " * 500
    (home / "progress.db").write_bytes(corrupt)
    lock = home / "progress.db.lock"
    holder = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    answers = tmp_path / "answers.txt"
    answers.write_text("\n")
    command = [*TUTOR, "quiz", "--type", "generated", "--count", "1", "--answers", str(answers)]
    workers = [subprocess.Popen(command + ["--seed", str(n)], env=_env(home), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for n in range(4)]
    deadline = time.monotonic() + 120
    while _waiting_on(lock) < len(workers):
        assert time.monotonic() < deadline, Path("/proc/locks").read_text()
        assert all(worker.poll() is None for worker in workers)
        time.sleep(0.05)  # polling for a condition, not timing anything
    os.close(holder)
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in outputs]
    aside = list(home.glob("progress.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == corrupt
    assert sum(b"moved aside" in err for _, err in outputs) == 1
    assert answered(home) == 4
    assert_sound(home)
