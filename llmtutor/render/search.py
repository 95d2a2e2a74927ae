"""Search results: each hit with where it is, a line of its text and the command that opens it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from llmtutor.i18n import t
from llmtutor.render import theme
from llmtutor.render.pages import Measured, Whole
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def highlighted(text: str, terms: list[str]) -> Text:
    """`text` made safe, with every place holding a query term in bold."""
    from llmtutor.course.search import fold

    shown = Text(visible(text))
    folded = fold(shown.plain)
    if len(folded) == len(shown.plain):  # folding kept the offsets: mark the terms
        for term in terms:
            start = folded.find(term)
            while term and start >= 0:
                shown.stylize("bold underline", start, start + len(term))
                start = folded.find(term, start + len(term))
    return shown


def search_view(query: str, hits: list, terms: list[str]) -> RenderableType:
    """The ranked hits for `query`."""
    parts: list[RenderableType] = [Paragraph(Text(t("search_heading", query=visible(query), count=len(hits)),
                                                  style=theme.TITLE)), Text("")]
    for number, hit in enumerate(hits, start=1):
        title = Text(f"{number}. ", style=theme.ACCENT)
        title.append(t("search_kind_" + hit.kind) + " · ", style=theme.MUTED)
        title.append_text(highlighted(hit.title, terms))
        if hit.page:
            title.append(" · " + t("search_page", page=hit.page), style=theme.MUTED)
        body = highlighted(hit.snippet, terms)
        body.style = theme.MUTED
        parts.append(Whole(Paragraph(title, hang=3), Paragraph(Text("   ") + body, hang=3),
                           Text("   " + hit.command, style=theme.CODE), Text("")))
    return Measured(Group(*parts))
