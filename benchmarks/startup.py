"""Start-up: `llmtutor explain attention`, `llmtutor lessons`, `llmtutor --help` against the floor
of this stack, a minimal Typer + Rich "hello" app on the same interpreter, run alternately.

Goal: within 1.15x of the floor; NumPy is never imported on these paths.
"""

from __future__ import annotations

import os
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


def run(repeats: int = 11) -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    hello = folder / "hello.py"
    hello.write_text(HELLO)
    env = {**os.environ, "LLMTUTOR_HOME": str(folder / "home"), "LLMTUTOR_CACHE": str(folder / "cache"),
           "COLUMNS": "80"}
    # An installed package has its bytecode compiled; let the warm-up runs write it here too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    script = Path(sys.executable).with_name("llmtutor")  # the console script learners run
    tutor = [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]

    def command(*args):
        return lambda: subprocess.run(list(args), env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, check=True)

    floor_run = command(sys.executable, str(hello), "--name", "x")
    cases = {
        "explain attention": (command(*tutor, "explain", "attention"), floor_run),
        "lessons": (command(*tutor, "lessons"), floor_run),
        "--help": (command(*tutor, "--help"), command(sys.executable, str(hello), "--help")),
    }
    actions = {"floor run": cases["lessons"][1], "floor --help": cases["--help"][1]}
    actions.update({name: pair[0] for name, pair in cases.items()})
    medians = alternate(actions, repeats=repeats)
    results = []
    for name in cases:
        floor_name = "floor --help" if name == "--help" else "floor run"
        ratio = medians[name] / medians[floor_name]
        results.append(Result(f"start-up: llmtutor {name}", f"{medians[name] * 1000:.0f} ms",
                              f"{medians[floor_name] * 1000:.0f} ms (Typer+Rich hello, {floor_name.split()[1]})",
                              ratio, f"≤ {GOAL}×", ratio <= GOAL))
    return results


if __name__ == "__main__":
    for result in run():
        print(result)
