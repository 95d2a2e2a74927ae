"""The scores of test-wise learners that `llmtutor validate` prints, one line each (any width)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from llmtutor.course.measures import CHANCE_POINTS, Score
from llmtutor.i18n import t
from llmtutor.render.wrap import Paragraph


def _percent(value: float, chance: float) -> Text:
    off = abs(value - chance) * 100 > CHANCE_POINTS
    return Text(f"{100 * value:.0f}%", style="yellow" if off else "green")


def testwise_table(scores: list[Score], lang: str) -> RenderableType:
    lines: list[RenderableType] = [Text(""), Paragraph(Text(t("testwise_heading", lang, limit=f"{CHANCE_POINTS:g}"),
                                                            style="bold"))]
    for score in scores:
        line = Text(f"- {t(score.key, lang)}{t('testwise_over', lang, count=score.count, types=score.types)}")
        if score.count:
            line.append("en ")
            line.append(_percent(score.en, score.chance))
            line.append(" · zh ")
            line.append(_percent(score.zh, score.chance))
            line.append(" · " + t("testwise_chance", lang, chance=f"{100 * score.chance:.0f}"))
        else:
            line.append("–")
        lines.append(Paragraph(line, hang=2))
    return Group(*lines)
