"""Shared helpers: medians of alternating runs, and one result row per benchmark."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    measured: str          # what we measured, with units
    reference: str         # the reference it is compared with
    ratio: float | None    # measured / reference (lower is better), None when there is no reference
    goal: str
    met: bool | None       # None: could not be measured here
    note: str = ""


def median_seconds(action, repeats: int = 7, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def alternate(actions: dict, repeats: int = 11, warmup: int = 1) -> dict[str, float]:
    """Median seconds of each action, run in turn (A B C A B C ...) so machine noise hits all alike."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}
