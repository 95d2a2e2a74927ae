"""Parts of a picture named by position: `--rows/--cols A-B`, and the hint that names the next part."""

from __future__ import annotations

import re

from llmtutor.errors import TutorError
from llmtutor.i18n import t


def more_hint(option: str, start: int, shown: int, total: int) -> str:
    """Which range option shows the next (else the first) `shown` rows or columns, 1-based."""
    nxt = start + shown if start + shown < total else 0
    return t("heatmap_more", option=f"{option} {nxt + 1}-{min(nxt + shown, total)}")


def parse_range(text: str | None, total: int, option: str) -> tuple[int, int] | None:
    """`--rows/--cols A-B` (1-based, B included; `A` alone, `A-` to the end) as (start, stop), 0-based.

    A range ending past the last token is cut there. Raises TutorError("heatmap_range_syntax") for
    text that is not a range, ("heatmap_range_outside") for a start outside 1..total or an end
    before the start.
    """
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d{1,9})\s*(?:([-–—:])\s*(\d{1,9})?)?\s*", text)
    if not found:
        raise TutorError("heatmap_range_syntax", exit_code=2, option=option, value=text)
    start = int(found.group(1))
    stop = int(found.group(3)) if found.group(3) else (total if found.group(2) else start)
    if not 1 <= start <= total or stop < start:
        raise TutorError("heatmap_range_outside", exit_code=2, option=option, value=text, n=total)
    return start - 1, min(stop, total)
