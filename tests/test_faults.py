"""Faults: a full disk, and several tutors answering at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap


def _env(home) -> dict:
    env = {**os.environ, "LLMTUTOR_HOME": str(home), "COLUMNS": "80"}
    env.pop("LLMTUTOR_LANG", None)
    return env


def test_a_full_disk_is_reported_and_the_learner_carries_on(tmp_path):
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "llmtutor", "lessons"], env=_env(home), check=True, capture_output=True)
    # Writes beyond this size fail with EFBIG, as on a full disk (SIGXFSZ ignored).
    script = textwrap.dedent("""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
        from llmtutor.__main__ import main
        sys.argv = ["llmtutor", "quiz", "--type", "generated", "--seed", "1", "--count", "3", "--answers", "-"]
        main()
    """)
    result = subprocess.run([sys.executable, "-c", script], input="1\n2\n3\n", env=_env(home),
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr  # never a success status after an answer was lost
    assert "3 answer(s) of this quiz could not be saved" in result.stderr
    assert "Score: " in result.stdout


def test_four_tutors_answering_at_once_lose_no_answer(tmp_path):
    home = tmp_path / "home"
    subprocess.run([sys.executable, "-m", "llmtutor", "lessons"], env=_env(home), check=True, capture_output=True)
    command = [sys.executable, "-m", "llmtutor", "quiz", "--type", "generated", "--count", "50", "--answers", "-",
               "--json"]
    workers = [subprocess.Popen(command + ["--seed", str(n)], env=_env(home), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    outputs = [worker.communicate("\n" * 50, timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), [err for _, err in outputs]
    assert all("Could not save" not in err for _, err in outputs)
    progress = subprocess.run([sys.executable, "-m", "llmtutor", "progress", "--json"], env=_env(home),
                              capture_output=True, text=True, check=True)
    assert json.loads(progress.stdout)["questions_answered"] == 200


def test_ending_without_interpreter_teardown_loses_no_output(tmp_path):
    """`__main__.leave_now` ends the process with os._exit once run() is done: every byte still
    arrives, in a file as in a pipe, with the same exit status as a normal interpreter exit."""
    script = textwrap.dedent("""
        import sys
        import llmtutor.__main__ as entry
        if sys.argv.pop(1) == "teardown":
            entry.leave_now = lambda code: sys.exit(code)  # the interpreter's own exit, for comparison
        sys.argv[0] = "llmtutor"
        entry.main()
    """)
    for args, status in ((["walk", "self-attention", "--no-pause"], 0), (["attention", "a b c", "--layer", "9"], 2)):
        outputs = []
        for how in ("teardown", "leave-now"):
            out = tmp_path / f"{how}.txt"
            with open(out, "wb") as file:
                result = subprocess.run([sys.executable, "-c", script, how, *args], env=_env(tmp_path / "home"),
                                        stdout=file, stderr=subprocess.PIPE, text=True, timeout=120)
            assert result.returncode == status, result.stderr
            outputs.append((out.read_bytes(), result.stderr))
        assert outputs[0] == outputs[1]
        assert len(outputs[0][0]) > 5000 or status != 0
