"""Content: loading and validating the whole shipped course from YAML (no cache), and reading
it back from the cache that look-ups use. Reference: PyYAML's C parser merely reading the same
files (the floor of any YAML loading here).

Goal: under 30 ms.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Result, alternate  # noqa: E402

GOAL_MS = 30


def run(repeats: int = 9) -> list[Result]:
    import yaml

    os.environ["LLMTUTOR_CACHE"] = tempfile.mkdtemp(prefix="llmtutor-cache-")
    from llmtutor.course.loader import course_files, load_course, load_files

    files, _ = course_files()
    texts = [item.path.read_text(encoding="utf-8") for item in files]
    load_course()  # fill the cache
    medians = alternate({
        "validate": lambda: load_files(files, []),
        "parse only": lambda: [list(yaml.parse(text, Loader=yaml.CSafeLoader)) for text in texts],
        "cached": lambda: load_course(),
    }, repeats=repeats)
    size = sum(len(text.encode("utf-8")) for text in texts) // 1000
    cold, floor, warm = (medians[name] * 1000 for name in ("validate", "parse only", "cached"))
    return [
        Result("content: load + validate the course (cold)", f"{cold:.0f} ms for {len(files)} files, {size} kB",
               f"{floor:.0f} ms (PyYAML C parser, events only)", cold / floor, f"< {GOAL_MS} ms", cold < GOAL_MS),
        Result("content: load the course (cached)", f"{warm:.1f} ms", f"{floor:.0f} ms (parse only)", warm / floor,
               f"< {GOAL_MS} ms", warm < GOAL_MS, "what `explain`, `lessons` and the home screen use"),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
