"""Run every benchmark and write docs/PERFORMANCE.md.

    python benchmarks/run_all.py            # all of them
    python benchmarks/run_all.py --quick    # fewer repeats

Timing goals live here and in the report, never in unit tests. Every timing goes through
harness.py: each side in fresh processes of its own, the sides alternated, the same thread
count on both, medians with the range of the samples beside them.
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
import generation  # noqa: E402
import harness  # noqa: E402
import memory  # noqa: E402
import render  # noqa: E402
import startup  # noqa: E402
import training  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def main() -> int:
    quick = "--quick" in sys.argv
    load_before = harness.load_average()
    blas = harness.blas_info()
    results = []
    for module in (startup, content, attention_speed, memory, render, training, generation):
        print(f"running {module.__name__} ...", flush=True)
        kwargs = {"repeats": 3} if quick else {}
        results += module.run(**kwargs)
    lines = [
        "# Performance",
        "",
        "Written by `python benchmarks/run_all.py`; do not edit by hand. Every figure comes from",
        "`benchmarks/harness.py`: each side timed in fresh processes of its own (so neither side's BLAS",
        "threads can starve the other), the sides alternated, the same thread count on both; the",
        "figure is the median and the range of the samples follows it. Ratio = measured / reference,",
        "lower is better; \"ratio of paired …\" is the range of the ratios of samples taken side by side.",
        "Start-up is judged on wall time against a floor measured in the same run.",
        "",
        f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, NumPy {blas.get('numpy', '?')} with "
        f"OpenBLAS kernel {blas.get('openblas_core', '?')} ({blas.get('openblas_threads', '?')} threads; "
        f"OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for the benchmark processes only). "
        f"Load average (1 min) {load_before} before, {harness.load_average()} after: the machine is shared, "
        "so read the spreads.",
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
