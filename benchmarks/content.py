"""Content: loading and validating the whole shipped course, every check run on every call.

Rows:
- load + validate: what `validate` and a learner's first look after an upgrade or an edit do,
  with each file's parsed YAML reused while its bytes are unchanged (see course/cache.py);
- first run: the same with an empty cache folder, so every file is parsed (and kept);
- cached course: the validated course read back, what `explain`, `lessons` and the home screen use;
- whole process: `llmtutor validate` against `llmtutor lessons` (the same start-up, the cached
  catalog instead of loading and checking everything), run alternately: what a learner waits.
Reference: PyYAML's C parser merely reading the same files into events, the floor of parsing them.

Goal: under 30 ms.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, alternate  # noqa: E402

GOAL_MS = 30


def run(repeats: int = 11) -> list[Result]:
    import yaml

    workspace = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    warm_cache = workspace / "warm"
    os.environ["LLMTUTOR_CACHE"] = str(warm_cache)
    from llmtutor.course.loader import course_files, load_course, load_files

    files, _ = course_files()
    texts = [item.path.read_text(encoding="utf-8") for item in files]
    checked = load_files(files, [])  # fills the parse cache
    assert not checked.problems, "the shipped course must be valid"
    load_course()  # fills the course cache

    def parse_only() -> None:
        for text in texts:
            loader = yaml.CSafeLoader(text)
            while loader.get_event():
                pass
            loader.dispose()

    empty_caches = [workspace / f"empty-{index}" for index in range(repeats + 2)]  # one per run, made beforehand

    def first_run() -> None:
        os.environ["LLMTUTOR_CACHE"] = str(empty_caches.pop())
        try:
            load_files(files, [])
        finally:
            os.environ["LLMTUTOR_CACHE"] = str(warm_cache)

    def pyyaml_safe_load() -> None:
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)

    try:
        medians = alternate({
            "validate": lambda: load_files(files, []),
            "first run": first_run,
            "parse only": parse_only,
            "safe_load": pyyaml_safe_load,
            "cached": load_course,
        }, repeats=repeats)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    validate_process, lessons_process = whole_process(repeats)
    size = sum(len(text.encode("utf-8")) for text in texts) // 1000
    validate, first, floor, safe_load, cached = (
        medians[name] * 1000 for name in ("validate", "first run", "parse only", "safe_load", "cached"))
    reference = f"{floor:.0f} ms (PyYAML C parser, events only)"
    return [
        Result("content: load + validate the course", f"{validate:.0f} ms for {len(files)} files, {size} kB",
               reference, validate / floor, f"< {GOAL_MS} ms", validate < GOAL_MS,
               "every check runs; a file's parsed YAML is reused while its bytes are unchanged"),
        Result("content: load + validate, first run (nothing cached)", f"{first:.0f} ms", reference, first / floor,
               "–", None, f"once after installing or upgrading (it also writes the cache); after an edit only the "
               f"edited file is parsed again; "
               f"for scale, PyYAML's own `safe_load` of the same files, without line numbers or checks, "
               f"takes {safe_load:.0f} ms"),
        Result("content: the validated course from the cache", f"{cached:.1f} ms", reference, cached / floor,
               f"< {GOAL_MS} ms", cached < GOAL_MS, "what `explain`, `lessons` and the home screen use"),
        Result("content: `llmtutor validate`, whole process", f"{validate_process:.0f} ms wall",
               f"{lessons_process:.0f} ms (`llmtutor lessons`)", validate_process / lessons_process, "–", None,
               f"{validate_process - lessons_process:.0f} ms more than listing the lessons from the cache"),
    ]


def whole_process(repeats: int) -> tuple[float, float]:
    """Median wall milliseconds of `llmtutor validate` and `llmtutor lessons`, run alternately."""
    folder = Path(tempfile.mkdtemp(prefix="llmtutor-bench-"))
    env = {**os.environ, "LLMTUTOR_HOME": str(folder / "home"), "LLMTUTOR_CACHE": str(folder / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    script = Path(sys.executable).with_name("llmtutor")
    tutor = [str(script)] if script.exists() else [sys.executable, "-m", "llmtutor"]

    def command(*args: str):
        return lambda: subprocess.run([*tutor, *args], env=env, stdout=subprocess.DEVNULL, check=True)

    try:
        medians = alternate({"validate": command("validate"), "lessons": command("lessons")}, repeats=repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return medians["validate"] * 1000, medians["lessons"] * 1000


if __name__ == "__main__":
    for result in run():
        print(result)
