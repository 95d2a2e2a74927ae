"""Start-up, judged on wall time: each llmtutor command against the floor of its stack, in the same run.

Two floors, a minimal Typer + Rich "hello" app on the same interpreter:
- the plain hello app, for the look-ups that never import NumPy (`explain`, `lessons`, `--help`
  against the hello app's own `--help`, and the home screen);
- the same app with `import numpy` added, for the commands that need NumPy (`attention`, `walk`,
  and the training and model commands to come). NumPy's import alone costs about as much as
  the hello app.

Goal: each command's median wall time within 1.15x of its floor. Every sample is a fresh
process, the commands and their floors alternated (see harness.py); the spread is the range of
the samples. Where valgrind is installed, the instructions executed (callgrind: the same count
every run) are a second, steadier figure; the goal is judged on wall time, what a learner feels.

llmtutor ends its process with os._exit once its output is flushed (`llmtutor.__main__.leave_now`),
skipping the interpreter's teardown; the hello apps end as Python does by default. That difference
is measured on purpose: the learner waits for the teardown too, and the floor is the stack as it
comes, not as tuned.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import THREAD_VARIABLES, benchmark_env, ratio_spread, time_commands  # noqa: E402

HELLO = '''
import typer
from rich.console import Console
{extra}
app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    Console().print(f"hello [bold]{{name}}[/]")


if __name__ == "__main__":
    app()
'''
GOAL = 1.15

# command label → (llmtutor arguments, floor)
CASES = {
    "explain attention": (["explain", "attention"], "hello"),
    "lessons": (["lessons"], "hello"),
    "--help": (["--help"], "hello --help"),
    "(home screen)": ([], "hello"),
    'attention "a b c"': (["attention", "a b c"], "hello + numpy"),
    "attention (course model, 64 tokens)": (["attention", " ".join(["word"] * 64)], "hello + numpy"),
    'attention --model random "a b c"': (["attention", "a b c", "--model", "random"], "hello + numpy"),
    "walk self-attention --no-pause": (["walk", "self-attention", "--no-pause"], "hello + numpy"),
    "train (the task list)": (["train"], "hello + numpy"),
    'attention --model reverse "3 1 4 1 5 9 2 6"': (["attention", "3 1 4 1 5 9 2 6", "--model", "reverse"],
                                                    "hello + numpy"),
}


def tutor_command() -> list[str]:
    script = Path(sys.executable).with_name("llmtutor")  # the console script learners run
    return [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]


def run(repeats: int = 21, cases: dict | None = None) -> list[Result]:
    cases = cases or CASES
    folder = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    try:
        hello, hello_numpy = folder / "hello.py", folder / "hello_numpy.py"
        hello.write_text(HELLO.format(extra=""))
        hello_numpy.write_text(HELLO.format(extra="import numpy\n"))
        env = benchmark_env(0, extra={"LLMTUTOR_HOME": str(folder / "home"), "LLMTUTOR_CACHE": str(folder / "cache"),
                                   "COLUMNS": "80"})
        env.pop("NO_COLOR", None)
        for variable in THREAD_VARIABLES:  # as a learner's shell has them: BLAS picks its own threads
            env.pop(variable, None)
        floors = {"hello": [sys.executable, str(hello), "--name", "x"],
                  "hello --help": [sys.executable, str(hello), "--help"],
                  "hello + numpy": [sys.executable, str(hello_numpy), "--name", "x"]}
        commands = {name: [*tutor_command(), *args] for name, (args, _) in cases.items()}
        used = {floor for _, floor in cases.values()}
        commands.update({name: floors[name] for name in floors if name in used})
        stats = time_commands(commands, repeats=repeats, env=env)
        counts = {name: instructions(args, env) for name, args in commands.items()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    results = []
    for name, (_, floor) in cases.items():
        ours, theirs = stats[name], stats[floor]
        ratio, low, high = ratio_spread(ours, theirs)
        measured = f"{ours.ms()} wall ({ours.spread()}), {ours.cpu_median * 1000:.0f} ms CPU"
        reference = f"{theirs.ms()} wall ({theirs.spread()}), {theirs.cpu_median * 1000:.0f} ms CPU"
        note = f"wall ratio of paired runs {low:.2f}–{high:.2f}×; CPU-time ratio " \
               f"{ours.cpu_median / theirs.cpu_median:.2f}×"
        if counts[name] and counts[floor]:
            measured += f", {counts[name] / 1e6:.0f}M instructions"
            reference += f", {counts[floor] / 1e6:.0f}M instructions"
            note += f"; instructions ratio {counts[name] / counts[floor]:.2f}×"
        results.append(Result(f"start-up: llmtutor {name}", measured, f"{reference} (Typer+Rich {floor})",
                              ratio, f"≤ {GOAL}× (wall)", ratio <= GOAL, note))
    return results


def instructions(args, env: dict) -> int | None:
    """Instructions executed by one run (valgrind's callgrind), or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    return int(found.group(1)) if found else None


if __name__ == "__main__":
    for result in run():
        print(result)
