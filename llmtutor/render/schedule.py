"""The review schedule as one list: due now, later today, then day by day (grouped by `quiz.schedule`)."""

from __future__ import annotations

import math
from datetime import datetime, timezone

from rich.console import Group, RenderableType
from rich.text import Text

from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.wrap import Paragraph

def in_words(iso: str, now: datetime | None = None) -> str:
    """"in 5 minute(s)", "in 3 hour(s)": how long until `iso`."""
    now = now or datetime.now(timezone.utc)
    seconds = (datetime.fromisoformat(iso) - now).total_seconds()
    if seconds <= 0:
        return t("when_now")
    if seconds < 3600:
        return t("when_minutes", n=max(1, math.ceil(seconds / 60)))
    return t("when_hours", n=round(seconds / 3600))


def _day_name(day_iso: str, now: datetime) -> str:
    from datetime import date

    day = date.fromisoformat(day_iso)
    ahead = (day - now.astimezone().date()).days
    if ahead == 1:
        return t("day_tomorrow")
    return t("day_in", n=ahead, date=f"{day.month}/{day.day}", weekday=t(f"weekday_{day.weekday()}"))


def schedule_view(grouped: dict, now: datetime | None = None) -> RenderableType:
    """One line per group; a line saying that nothing is scheduled when nothing is."""
    now = now or datetime.now(timezone.utc)
    lines: list[RenderableType] = [Text(t("schedule_heading"), style=theme.TITLE)]
    if grouped["now"]:
        line = Text(t("schedule_now", count=grouped["now"]), style=theme.WARN)
        line.append("  llmtutor review", style=theme.CODE)
        lines.append(Paragraph(line))
    if grouped["today"]:
        lines.append(Paragraph(Text(t("schedule_today", count=grouped["today"],
                                      when=in_words(grouped["next_today"], now)))))
    for day, count in grouped["days"]:
        lines.append(Paragraph(Text(t("schedule_day", day=_day_name(day, now), count=count))))
    if grouped["later"]:
        lines.append(Paragraph(Text(t("schedule_later", count=grouped["later"]))))
    if len(lines) == 1:
        lines.append(Paragraph(Text(t("review_none_scheduled"), style=theme.MUTED)))
    elif not grouped["now"]:
        lines.insert(1, Paragraph(Text(t("schedule_nothing_now"), style=theme.MUTED)))
    return Group(*lines)
