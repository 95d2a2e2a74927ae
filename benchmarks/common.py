"""One result row per benchmark; the timing itself lives in harness.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    name: str
    measured: str          # what we measured, with units and spread
    reference: str         # the floor or reference it is compared with
    ratio: float | None    # measured / reference (lower is better), None when there is no reference
    goal: str
    met: bool | None       # None: could not be measured here
    note: str = ""
