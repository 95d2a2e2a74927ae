"""Glossary entries (`llmtutor explain TERM`) and the list of all terms."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.cells import cell_len
from rich.panel import Panel
from rich.text import Text

from llmtutor.course.model import Course, Term
from llmtutor.i18n import label, t
from llmtutor.render import theme
from llmtutor.render.markup import blocks
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def term_view(course: Course, term: Term, lang: str) -> RenderableType:
    other = "en" if lang == "zh" else "zh"
    heading = Text(visible(term.name.get(lang)), style=theme.ACCENT)
    heading.append(f"  {visible(term.name.get(other))}", style="bold")
    aliases = term.aliases_zh + term.aliases_en if lang == "zh" else term.aliases_en + term.aliases_zh
    separator = "、" if lang == "zh" else ", "
    if aliases:
        heading.append("\n" + label("explain_aliases") + separator.join(visible(a) for a in aliases), style=theme.MUTED)
    parts: list[RenderableType] = [heading, Text(""), blocks(term.definition.get(lang))]
    if term.formula:
        formula = Text(t("explain_formula") + "  ", style="bold")
        formula.append(visible(term.formula), style=theme.CODE)
        parts += [Text(""), formula]
    if term.example is not None:
        parts += [Text(""), Text(t("explain_example"), style="bold"), blocks(term.example.get(lang))]
    rows: list[tuple[str, Text]] = []
    related = [course.term(r) for r in term.related]
    if related:
        names = Text()
        for index, rel in enumerate(r for r in related if r):
            names.append(separator if index else "")
            name = rel.name.get(lang)
            names.append(visible(name))
            if name.casefold().replace(" ", "-") != rel.id:  # the id to type, unless the name is it
                names.append(f" ({rel.id})", style=theme.MUTED)
        rows.append((t("explain_related"), names))
    for lesson in course.lessons_teaching(term.id):
        rows.append((t("explain_lesson"), Text.assemble((f"llmtutor learn {lesson.id}", theme.CODE),
                                                        "  " + visible(lesson.title.get(lang)))))
    walks = list(dict.fromkeys(term.walkthroughs + tuple(
        w.id for w in course.walkthroughs if term.id in w.terms)))
    for walk_id in walks:
        rows.append((t("explain_walkthrough"), Text(f"llmtutor walk {walk_id}", style=theme.CODE)))
    parts += [Text(""), *label_rows(rows)]
    return Panel(Group(*parts), box=box.ROUNDED, padding=(0, 1), border_style=theme.MUTED,
                 title=Text(term.id, style=theme.MUTED), title_align="right")


def label_rows(rows: list[tuple[str, Text]]) -> list[Paragraph]:
    """ "Label  text" lines with the labels in one column and wrapped text hanging under the text."""
    width = max((cell_len(name) for name, _ in rows), default=0) + 1
    lines = []
    for name, text in rows:
        line = Text(name + " " * (width - cell_len(name)), style="bold")
        line.append_text(text)
        lines.append(Paragraph(line, hang=width))
    return lines


def terms_table(course: Course, lang: str):
    from rich.table import Table

    other = "en" if lang == "zh" else "zh"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(t("col_id"), no_wrap=True, style=theme.ACCENT)
    table.add_column(t("col_term"), ratio=1, overflow="fold")
    table.add_column(t("col_other_language"), ratio=1, overflow="fold")
    for term in sorted(course.terms, key=lambda x: x.id):
        table.add_row(term.id, visible(term.name.get(lang)), visible(term.name.get(other)))
    return table


def term_json(course: Course, term: Term) -> dict:
    return {
        "id": term.id,
        "name": {"en": term.name.en, "zh": term.name.zh},
        "aliases": {"en": list(term.aliases_en), "zh": list(term.aliases_zh)},
        "definition": {"en": term.definition.en, "zh": term.definition.zh},
        "formula": term.formula,
        "example": {"en": term.example.en, "zh": term.example.zh} if term.example else None,
        "related": list(term.related),
        "lessons": [lesson.id for lesson in course.lessons_teaching(term.id)],
        "walkthroughs": list(dict.fromkeys(term.walkthroughs + tuple(
            w.id for w in course.walkthroughs if term.id in w.terms))),
    }
