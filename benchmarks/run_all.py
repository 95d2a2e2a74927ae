"""Run every benchmark and write docs/PERFORMANCE.md.

    python benchmarks/run_all.py            # all of them
    python benchmarks/run_all.py --quick    # fewer repeats

Timing goals live here and in the report, never in unit tests: these machines are noisy, so
each figure is a median of several runs, compared with a reference run alternately with it.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attention_speed  # noqa: E402
import content  # noqa: E402
import memory  # noqa: E402
import render  # noqa: E402
import startup  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def main() -> int:
    quick = "--quick" in sys.argv
    results = []
    for module in (startup, content, attention_speed, memory, render):
        print(f"running {module.__name__} ...", flush=True)
        kwargs = {"repeats": 5} if quick and module is not memory else {}
        results += module.run(**kwargs)
    lines = [
        "# Performance",
        "",
        "Written by `python benchmarks/run_all.py`; do not edit by hand. Each figure is the median of",
        "several runs, compared with a reference run alternately in the same session (ratio =",
        "measured / reference, lower is better).",
        "",
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| benchmark | measured | reference | ratio | goal | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "–"
        met = "–" if r.goal == "–" else {True: "yes", False: "**no**", None: "not measured"}[r.met]
        lines.append(f"| {r.name} | {r.measured} | {r.reference} | {ratio} | {r.goal} | {met} |")
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", "", *notes]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
