"""When reviews fall due, grouped as a learner plans: due now, later today, then day by day."""

from __future__ import annotations

from datetime import datetime, timezone

DAYS_SHOWN = 7  # after a week, one group for the rest


def schedule(due_times: list[str], now: datetime | None = None) -> dict:
    """Cards grouped as the learner plans: {"now": n, "today": n, "next_today": iso | None,
    "days": [(local date ISO, n)], "later": n}. `now` is aware (default: now)."""
    now = (now or datetime.now(timezone.utc)).astimezone()
    today = now.date()
    grouped = {"now": 0, "today": 0, "next_today": None, "days": [], "later": 0}
    days: dict = {}
    for iso in due_times:
        when = datetime.fromisoformat(iso).astimezone(now.tzinfo)
        if when <= now:
            grouped["now"] += 1
        elif when.date() == today:
            grouped["today"] += 1
            grouped["next_today"] = grouped["next_today"] or iso
        elif (when.date() - today).days <= DAYS_SHOWN:
            days[when.date()] = days.get(when.date(), 0) + 1
        else:
            grouped["later"] += 1
    grouped["days"] = [(day.isoformat(), count) for day, count in sorted(days.items())]
    return grouped


def due_times(store, askable: set[str] | None = None) -> list[str]:
    """When each review card falls due (UTC, ISO 8601), soonest first; past times are due now.

    With `askable` (`quiz.review.askable_ids(course)`), only cards of questions the loaded course
    can ask: a removed question's card is neither counted nor scheduled.
    """
    from llmtutor.quiz.review import _cards

    return [due for _, due in _cards(store, askable)]
