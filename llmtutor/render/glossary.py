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
from llmtutor.render.pages import Measured
from llmtutor.render.safe_text import visible
from llmtutor.render.wrap import Paragraph


def term_view(course: Course, term: Term, lang: str) -> RenderableType:
    other = "en" if lang == "zh" else "zh"
    heading = Text(visible(term.name.get(lang)), style=theme.ACCENT)
    heading.append(f"  {visible(term.name.get(other))}", style="bold")
    aliases = term.aliases_zh + term.aliases_en if lang == "zh" else term.aliases_en + term.aliases_zh
    separator = "、" if lang == "zh" else ", "
    parts: list[RenderableType] = [Paragraph(heading)]
    if aliases:  # wrapped between words and Chinese characters, never inside a word
        parts.append(Paragraph(Text(label("explain_aliases") + separator.join(visible(a) for a in aliases),
                                    style=theme.MUTED)))
    parts += [Text(""), blocks(term.definition.get(lang))]
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
    return Measured(Panel(Group(*parts), box=box.ROUNDED, padding=(0, 1), border_style=theme.MUTED,
                          title=Text(term.id, style=theme.MUTED), title_align="right"))


def label_rows(rows: list[tuple[str, Text]]) -> list[Paragraph]:
    """ "Label  text" lines with the labels in one column and wrapped text hanging under the text."""
    width = max((cell_len(name) for name, _ in rows), default=0) + 1
    lines = []
    for name, text in rows:
        line = Text(name + " " * (width - cell_len(name)), style="bold")
        line.append_text(text)
        lines.append(Paragraph(line, hang=width))
    return lines


def terms_table(course: Course, lang: str) -> "TermList":
    """Every term: in English by id; in Chinese grouped by the lesson that teaches it."""
    if lang != "zh":  # English names sort well by their ids
        return TermList([("", sorted(course.terms, key=lambda x: x.id))], lang)
    # Chinese names have no useful order by code point: related terms stay together, by lesson
    return TermList(terms_by_lesson(course), lang)


class TermList:
    """Terms as aligned columns (id, name, other language) when they fit, else one term per block."""

    GAP = "  "

    def __init__(self, groups: list[tuple[str, list[Term]]], lang: str) -> None:
        self.groups, self.lang = groups, lang

    def __rich_console__(self, console, options):
        other = "en" if self.lang == "zh" else "zh"
        terms = [term for _, group in self.groups for term in group]
        id_width = max([cell_len(x.id) for x in terms] + [cell_len(t("col_id"))])
        name_width = max([cell_len(visible(x.name.get(self.lang))) for x in terms] + [cell_len(t("col_term"))])
        width = min(options.max_width, 100)
        rest = width - id_width - name_width - 2 * len(self.GAP)
        aligned = rest >= 16
        if aligned:
            header = Text(t("col_id") + " " * (id_width - cell_len(t("col_id"))) + self.GAP, style="bold")
            header.append(t("col_term") + " " * (name_width - cell_len(t("col_term"))) + self.GAP)
            header.append(t("col_other_language"))
            yield header
            yield Text("─" * width, style=theme.MUTED)
        for index, (heading, group) in enumerate(self.groups):
            if heading:
                if index:
                    yield Text("")
                yield Paragraph(Text(heading, style=theme.TITLE))
            for term in group:
                name, second = visible(term.name.get(self.lang)), visible(term.name.get(other))
                if aligned:
                    line = Text(term.id + " " * (id_width - cell_len(term.id)) + self.GAP, style=theme.ACCENT)
                    line.append(name + " " * (name_width - cell_len(name)) + self.GAP, style="")
                    line.append(second)
                    yield Paragraph(line, hang=id_width + name_width + 2 * len(self.GAP))
                else:
                    line = Text(name, style="bold")
                    line.append("  " + second)
                    line.append("  " + term.id, style=theme.ACCENT)
                    yield Paragraph(line, hang=2)


def terms_by_lesson(course: Course) -> list[tuple[str, list[Term]]]:
    """The terms grouped under the first lesson that teaches each, in course order, the rest last."""
    groups: dict[str, list[Term]] = {}
    for term in course.terms:
        teaching = course.lessons_teaching(term.id)
        first = min(teaching, key=lambda lesson: lesson.order) if teaching else None
        heading = t("terms_lesson_heading", order=first.order, title=visible(first.title.get("zh"))) if first \
            else t("terms_other_heading")
        groups.setdefault(heading, []).append(term)
    order = {t("terms_lesson_heading", order=x.order, title=visible(x.title.get("zh"))): x.order for x in course.lessons}
    return sorted(groups.items(), key=lambda item: order.get(item[0], 10**6))


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
