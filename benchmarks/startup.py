"""Start-up: `llmtutor explain attention`, `llmtutor lessons`, `llmtutor --help` against the floor
of this stack, a minimal Typer + Rich "hello" app on the same interpreter, run alternately.

Goal: within 1.15x of the floor; NumPy is never imported on these paths.

Two measures: wall time (median of alternating runs; noisy on a shared 2-core machine) and,
where valgrind is installed, the number of instructions executed (callgrind: the same count
every run, whatever else the machine does). The goal is judged on instructions when they can
be counted, else on wall time.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, alternate  # noqa: E402

HELLO = '''
import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    Console().print(f"hello [bold]{name}[/]")


if __name__ == "__main__":
    app()
'''
GOAL = 1.15


def run(repeats: int = 21) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    hello = folder / "hello.py"
    hello.write_text(HELLO)
    env = {**os.environ, "LLMTUTOR_HOME": str(folder / "home"), "LLMTUTOR_CACHE": str(folder / "cache"),
           "COLUMNS": "80"}
    # An installed package has its bytecode compiled; let the warm-up runs write it here too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    script = Path(sys.executable).with_name("llmtutor")  # the console script learners run
    tutor = [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]

    cpu: dict[tuple, list[float]] = {}

    def command(*args):
        def run_once() -> None:
            process = subprocess.Popen(list(args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode:
                raise subprocess.CalledProcessError(process.returncode, args)
            cpu.setdefault(args, []).append(usage.ru_utime + usage.ru_stime)
        run_once.args = args
        return run_once

    floor_run = command(sys.executable, str(hello), "--name", "x")
    cases = {
        "explain attention": (command(*tutor, "explain", "attention"), floor_run),
        "lessons": (command(*tutor, "lessons"), floor_run),
        "--help": (command(*tutor, "--help"), command(sys.executable, str(hello), "--help")),
    }
    actions = {"floor run": cases["lessons"][1], "floor --help": cases["--help"][1]}
    actions.update({name: pair[0] for name, pair in cases.items()})
    medians = alternate(actions, repeats=repeats)
    counts = {name: instructions(action.args, env) for name, action in actions.items()}
    # CPU time (user + system) of each child: what the program costs, without the scheduler's noise
    cpu_medians = {name: statistics.median(cpu[action.args][-repeats:]) for name, action in actions.items()}
    results = []
    for name in cases:
        floor_name = "floor --help" if name == "--help" else "floor run"
        ratio = medians[name] / medians[floor_name]
        cpu_ratio = cpu_medians[name] / cpu_medians[floor_name]
        measured = f"{medians[name] * 1000:.0f} ms wall, {cpu_medians[name] * 1000:.0f} ms CPU"
        reference = f"{medians[floor_name] * 1000:.0f} ms wall, {cpu_medians[floor_name] * 1000:.0f} ms CPU"
        note = f"wall-time ratio {ratio:.2f}×, CPU-time ratio {cpu_ratio:.2f}×"
        if counts[name] and counts[floor_name]:
            ratio = counts[name] / counts[floor_name]
            measured += f", {counts[name] / 1e6:.0f}M instructions"
            reference += f", {counts[floor_name] / 1e6:.0f}M instructions"
            note += "; judged on instructions"
        results.append(Result(f"start-up: llmtutor {name}", measured,
                              f"{reference} (Typer+Rich hello, {floor_name.split()[1]})",
                              ratio, f"≤ {GOAL}×", ratio <= GOAL, note))
    return results


def instructions(args: tuple, env: dict) -> int | None:
    """Instructions executed by one run (valgrind's callgrind), or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


if __name__ == "__main__":
    for result in run():
        print(result)
