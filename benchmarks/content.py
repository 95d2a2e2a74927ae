"""Content: loading and validating the whole shipped course, every check run on every call.

Rows:
- load + validate: what `validate` and a learner's first look after an upgrade or an edit do,
  with each file's parsed YAML reused while its bytes are unchanged (see course/cache.py);
- first run: the same with an empty cache folder, so every file is parsed (and kept);
- cached course: the validated course read back, what `explain`, `lessons` and the home screen use;
- whole process: `llmtutor validate` against `llmtutor lessons` (the same start-up, the cached
  catalog instead of loading and checking everything): what a learner waits.
Reference: PyYAML's C parser merely reading the same files into events, the floor of parsing them.

Every figure comes from fresh processes, the sides alternated (see harness.py).

Goal: under 30 ms.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result  # noqa: E402
from harness import Snippet, benchmark_env, ratio_spread, time_commands, time_snippets  # noqa: E402

GOAL_MS = 30

SETUP = '''
import os, tempfile
os.environ["LLMTUTOR_CACHE"] = {cache!r}
import yaml
from llmtutor.course.loader import course_files, load_course, load_files

files, _ = course_files()
texts = [item.path.read_text(encoding="utf-8") for item in files]


def parse_only():
    for text in texts:
        loader = yaml.CSafeLoader(text)
        while loader.get_event():
            pass
        loader.dispose()


def safe_load():
    for text in texts:
        yaml.load(text, Loader=yaml.CSafeLoader)
'''
# A first run: a cache folder of its own, empty, so every file is parsed.
FIRST_SETUP = SETUP + '''
os.environ["LLMTUTOR_CACHE"] = tempfile.mkdtemp(prefix="llmtutor-bench-first-")
'''


def run(repeats: int = 11) -> list[Result]:
    workspace = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    try:
        setup = SETUP.format(cache=str(workspace / "warm"))
        prime = Snippet(setup, "assert not load_files(files, []).problems; load_course()", warmup=0, repeats=1)
        time_snippets({"prime": prime}, processes=1)  # fills the parse and course caches
        processes = max(3, repeats // 2)
        stats = time_snippets({
            "validate": Snippet(setup, "load_files(files, [])"),
            "first run": Snippet(FIRST_SETUP.format(cache=str(workspace / "warm")), "load_files(files, [])",
                                 warmup=0, repeats=1),
            "parse only": Snippet(setup, "parse_only()"),
            "safe_load": Snippet(setup, "safe_load()"),
            "cached": Snippet(setup, "load_course()"),
        }, processes=processes, repeats=5)
        validate_process, lessons_process = whole_process(repeats, workspace)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    from llmtutor.course.loader import course_files

    files, _ = course_files()
    size = sum(item.path.stat().st_size for item in files) // 1000
    floor = stats["parse only"]
    reference = f"{floor.ms()} ({floor.spread()}) (PyYAML C parser, events only)"

    def row(name, which, goal, note):
        ours = stats[which]
        ratio, low, high = ratio_spread(ours, floor)
        met = None if goal == "–" else ours.median * 1000 < GOAL_MS
        return Result(name, f"{ours.ms(1)} ({ours.spread(digits=1)})" + (
            f" for {len(files)} files, {size} kB" if which == "validate" else ""),
            reference, ratio, goal, met, note + f"; ratio of paired processes {low:.2f}–{high:.2f}×")

    validate_ratio, low, high = ratio_spread(validate_process, lessons_process)
    return [
        row("content: load + validate the course", "validate", f"< {GOAL_MS} ms",
            "every check runs; a file's parsed YAML is reused while its bytes are unchanged"),
        row("content: load + validate, first run (nothing cached)", "first run", "–",
            "once after installing or upgrading (it also writes the cache); after an edit only the edited file "
            f"is parsed again; for scale, PyYAML's own `safe_load` of the same files, without line numbers or "
            f"checks, takes {stats['safe_load'].ms()}"),
        row("content: the validated course from the cache", "cached", f"< {GOAL_MS} ms",
            "what `explain`, `lessons` and the home screen use"),
        Result("content: `llmtutor validate`, whole process", f"{validate_process.ms()} wall "
               f"({validate_process.spread()})", f"{lessons_process.ms()} ({lessons_process.spread()}) "
               "(`llmtutor lessons`)", validate_ratio, "–", None,
               f"{(validate_process.median - lessons_process.median) * 1000:.0f} ms more than listing the "
               f"lessons from the cache; ratio of paired runs {low:.2f}–{high:.2f}×"),
    ]


def whole_process(repeats: int, workspace: Path):
    """Wall-time Stats of `llmtutor validate` and `llmtutor lessons`, whole processes, alternated."""
    env = benchmark_env(0, extra={"LLMTUTOR_HOME": str(workspace / "home"),
                                  "LLMTUTOR_CACHE": str(workspace / "cache")})
    script = Path(sys.executable).with_name("llmtutor")
    tutor = [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]
    stats = time_commands({"validate": [*tutor, "validate"], "lessons": [*tutor, "lessons"]}, repeats=repeats,
                          env=env)
    return stats["validate"], stats["lessons"]


if __name__ == "__main__":
    for result in run():
        print(result)
