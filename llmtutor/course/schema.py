"""The shape of each content file: located YAML in, typed model out, problems recorded.

One `build_*` function per kind of file. They check each file on its own; references between
files (terms, lessons, walkthroughs) are checked afterwards by `course.validate`.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from llmtutor.course.fields import FieldReader
from llmtutor.course.located import LocatedList, LocatedMap
from llmtutor.course.model import (
    UNIT_SPELLINGS,
    Correction,
    Figure,
    Lesson,
    Question,
    Section,
    Source,
    Term,
    TimelineEntry,
    WalkthroughInfo,
)
from llmtutor.i18n import Localized

DIAGRAM_MAX_WIDTH = 76
QUESTION_TYPES = ("single", "multiple", "true_false", "short", "ordering", "numeric")
LETTERS = "ABCDEFGH"

LESSON_FIELDS = {"id", "order", "minutes", "title", "summary", "objective", "sections", "key_points",
                 "terms", "walkthroughs", "sources"}
SECTION_FIELDS = {"id", "title", "body", "figure", "example", "misconception", "corrections"}
TERM_FIELDS = {"id", "name", "aliases", "definition", "formula", "example", "related", "lessons",
               "walkthroughs"}
WALK_FIELDS = {"id", "title", "description", "lessons", "terms"}
QUESTION_FIELDS = {"id", "type", "concept", "section", "prompt", "choices", "answer", "items",
                   "tolerance", "explanation", "misconception", "why_wrong", "unit"}
FIELDS_BY_TYPE = {"single": {"choices", "why_wrong"}, "multiple": {"choices", "why_wrong"},
                  "ordering": {"items"}, "numeric": {"tolerance", "unit"}, "true_false": set(), "short": set()}
PERCENT_WORDS = re.compile(r"percent|per cent|percentage|%|百分", re.IGNORECASE)


def build_lesson(data: object, reader: FieldReader, refs: list) -> Lesson | None:
    """A lesson file. Appends (kind, id, line, where) references for later checking to `refs`."""
    data = reader.mapping(data, 1)
    if data is None:
        return None
    reader.check_fields(data, LESSON_FIELDS)
    lesson_id = reader.identifier(data)
    if lesson_id:  # known even if the rest is broken, so references to it do not cascade
        refs.append(("declare", lesson_id, 0, "lesson"))
    order = reader.integer(data, "order", minimum=1)
    minutes = reader.integer(data, "minutes", minimum=1)
    title = reader.text(data, "title")
    summary = reader.text(data, "summary")
    objective = reader.text(data, "objective")
    sections = []
    seen_sections: dict[str, int] = {}
    for item, line in reader.items(data, "sections"):
        section = _build_section(item, line, reader, seen_sections)
        if section is not None:
            sections.append(section)
    if isinstance(data.get("sections"), LocatedList) and not data["sections"]:
        reader.problem(data.line_of("sections"), "missing_field", where="", field="sections")
    key_points = reader.text_list(data, "key_points")
    terms = reader.id_list(data, "terms")
    walks = reader.id_list(data, "walkthroughs")
    refs.extend(("term", term, line, "") for term, line in terms)
    refs.extend(("walkthrough", walk, line, "") for walk, line in walks)
    sources = _build_sources(data, reader)
    if None in (lesson_id, order, minutes, title, summary, objective) or not sections:
        return None
    return Lesson(id=lesson_id, order=order, minutes=minutes, title=title, summary=summary,
                  objective=objective, sections=tuple(sections), key_points=tuple(key_points),
                  terms=tuple(term for term, _ in terms), walkthroughs=tuple(w for w, _ in walks),
                  sources=tuple(sources), path=reader.path)


def _build_section(item: object, line: int, reader: FieldReader, seen: dict[str, int]) -> Section | None:
    data = reader.mapping(item, line, "section: ")
    if data is None:
        return None
    section_id = reader.identifier(data, where="section: ")
    where = f'section "{section_id}": ' if section_id else "section: "
    if section_id in seen:
        reader.problem(data.line_of("id"), "duplicate_id", kind="kind_section", id=section_id,
                       other=f"{reader.path}:{seen[section_id]}")
    elif section_id:
        seen[section_id] = data.line_of("id")
    reader.check_fields(data, SECTION_FIELDS, where)
    title = reader.text(data, "title", where)
    body = reader.text(data, "body", where)
    figure = _build_figure(data["figure"], data.line_of("figure"), reader, where) if "figure" in data else None
    example = reader.text(data, "example", where, required=False)
    misconception = reader.text(data, "misconception", where, required=False)
    corrections = []
    for entry, entry_line in reader.items(data, "corrections", where, required=False):
        entry = reader.mapping(entry, entry_line, where)
        if entry is None:
            continue
        reader.check_fields(entry, {"source_says", "in_fact", "ref"}, where)
        says = reader.text(entry, "source_says", where)
        fact = reader.text(entry, "in_fact", where)
        ref = reader.string(entry, "ref", where, required=False) or ""
        if says and fact:
            corrections.append(Correction(says, fact, ref))
    if None in (section_id, title, body):
        return None
    return Section(id=section_id, title=title, body=body, figure=figure, example=example,
                   misconception=misconception, corrections=tuple(corrections))


def _build_figure(item: object, line: int, reader: FieldReader, where: str) -> Figure | None:
    data = reader.mapping(item, line, where)
    if data is None:
        return None
    reader.check_fields(data, {"caption", "timeline", "table", "diagram"}, where)
    kinds = [kind for kind in ("timeline", "table", "diagram") if kind in data]
    if len(kinds) != 1:
        reader.problem(data.line, "figure_one_kind", where=where)
        return None
    caption = reader.text(data, "caption", where, required=False)
    kind = kinds[0]
    if kind == "timeline":
        entries = []
        for entry, entry_line in reader.items(data, "timeline", where):
            entry = reader.mapping(entry, entry_line, where)
            if entry is None:
                continue
            reader.check_fields(entry, {"when", "label", "text"}, where)
            when = reader.string(entry, "when", where)
            label = reader.text(entry, "label", where)
            text = reader.text(entry, "text", where, required=False)
            if when is not None and label is not None:
                entries.append(TimelineEntry(when, label, text))
        return Figure("timeline", caption, timeline=tuple(entries))
    if kind == "table":
        table = reader.mapping(data["table"], data.line_of("table"), where)
        if table is None:
            return None
        reader.check_fields(table, {"columns", "rows"}, where)
        columns = _cells(reader.items(table, "columns", where), reader, where)
        rows = []
        for index, (row, row_line) in enumerate(reader.items(table, "rows", where), start=1):
            if not isinstance(row, LocatedList):
                reader.problem(row_line, "expected_list", where=where, field=f"rows[{index}]")
                continue
            cells = _cells([(cell, row.line_of(i)) for i, cell in enumerate(row)], reader, where)
            if len(cells) != len(columns):
                reader.problem(row_line, "table_row_width", where=where, row=index, got=len(cells),
                               expected=len(columns))
            rows.append(tuple(cells))
        return Figure("table", caption, columns=tuple(columns), rows=tuple(rows))
    diagram = reader.text(data, "diagram", where)
    if diagram is not None:
        for lang in ("en", "zh"):
            for row, text in enumerate(diagram.get(lang).splitlines(), start=1):
                if cell_len(text) > DIAGRAM_MAX_WIDTH:
                    reader.problem(data.line_of("diagram"), "diagram_too_wide", where=where,
                                   language=f"lang_{lang}", row=row, width=cell_len(text),
                                   limit=DIAGRAM_MAX_WIDTH)
    return Figure("diagram", caption, diagram=diagram)


def _cells(items: list[tuple[object, int]], reader: FieldReader, where: str) -> list[Localized]:
    """Table cells: plain text (the same in both languages) or a bilingual mapping."""
    cells = []
    for cell, line in items:
        if isinstance(cell, LocatedMap):
            holder = LocatedMap(line)
            holder["cell"] = cell
            text = reader.text(holder, "cell", where)
            cells.append(text or Localized("", ""))
        elif cell is None or isinstance(cell, (str, int, float)):
            plain = "" if cell is None else str(cell)
            cells.append(Localized(plain, plain))
        else:
            reader.problem(line, "bad_string", where=where, field="cell")
            cells.append(Localized("", ""))
    return cells


def _build_sources(data: LocatedMap, reader: FieldReader) -> list[Source]:
    sources = []
    for item, line in reader.items(data, "sources"):
        item = reader.mapping(item, line, "sources: ")
        if item is None:
            continue
        reader.check_fields(item, {"cite", "where"}, "sources: ")
        cite = reader.string(item, "cite", "sources: ")
        where = reader.string(item, "where", "sources: ", required=False) or ""
        if cite:
            sources.append(Source(cite, where))
    return sources


def build_terms(data: object, reader: FieldReader, refs: list) -> list[Term]:
    """A glossary file: a list of terms."""
    if not isinstance(data, LocatedList):
        reader.problem(getattr(data, "line", 1), "expected_list", where="", field="glossary")
        return []
    terms = []
    for index, item in enumerate(data):
        item = reader.mapping(item, data.line_of(index), "term: ")
        if item is None:
            continue
        term_id = reader.identifier(item, where="term: ")
        where = f'term "{term_id}": ' if term_id else "term: "
        if term_id:
            refs.append(("declare", term_id, 0, "term"))
        reader.check_fields(item, TERM_FIELDS, where)
        name = reader.text(item, "name", where)
        definition = reader.text(item, "definition", where)
        example = reader.text(item, "example", where, required=False)
        formula = reader.string(item, "formula", where, required=False) or ""
        aliases = {"en": [], "zh": []}
        if "aliases" in item:
            alias_map = reader.mapping(item["aliases"], item.line_of("aliases"), where)
            for lang in ("en", "zh"):
                if alias_map is None or lang not in alias_map:
                    continue
                for alias, line in reader.items(alias_map, lang, where):
                    if isinstance(alias, (str, int, float)) and not isinstance(alias, bool):
                        aliases[lang].append(str(alias))
                    else:
                        reader.problem(line, "bad_string", where=where, field=f"aliases.{lang}")
        related = reader.id_list(item, "related", where)
        lessons = reader.id_list(item, "lessons", where)
        walks = reader.id_list(item, "walkthroughs", where)
        if "lessons" not in item:
            reader.problem(item.line, "missing_field", where=where, field="lessons")
        refs.extend(("term", ref, line, where) for ref, line in related)
        refs.extend(("lesson", ref, line, where) for ref, line in lessons)
        refs.extend(("walkthrough", ref, line, where) for ref, line in walks)
        if None in (term_id, name, definition):
            continue
        terms.append(Term(id=term_id, name=name, aliases_en=tuple(aliases["en"]),
                          aliases_zh=tuple(aliases["zh"]), definition=definition, example=example,
                          formula=formula, related=tuple(r for r, _ in related),
                          lessons=tuple(r for r, _ in lessons), walkthroughs=tuple(w for w, _ in walks),
                          path=f"{reader.path}:{item.line}"))
    return terms


def build_walkthroughs(data: object, reader: FieldReader, refs: list) -> list[WalkthroughInfo]:
    """`walkthroughs.yaml`: {walkthroughs: [{id, title, description, lessons, terms}]}."""
    data = reader.mapping(data, 1)
    if data is None:
        return []
    reader.check_fields(data, {"walkthroughs"})
    result = []
    for item, line in reader.items(data, "walkthroughs"):
        item = reader.mapping(item, line, "walkthrough: ")
        if item is None:
            continue
        walk_id = reader.identifier(item, where="walkthrough: ")
        where = f'walkthrough "{walk_id}": '
        reader.check_fields(item, WALK_FIELDS, where)
        title = reader.text(item, "title", where)
        description = reader.text(item, "description", where)
        lessons = reader.id_list(item, "lessons", where)
        terms = reader.id_list(item, "terms", where)
        refs.extend(("lesson", ref, ref_line, where) for ref, ref_line in lessons)
        refs.extend(("term", ref, ref_line, where) for ref, ref_line in terms)
        if None not in (walk_id, title, description):
            result.append(WalkthroughInfo(walk_id, title, description, tuple(r for r, _ in lessons),
                                          tuple(r for r, _ in terms)))
    return result


def build_questions(data: object, reader: FieldReader, refs: list) -> list[Question]:
    """A quiz bank: {lesson: id, questions: [...]}."""
    data = reader.mapping(data, 1)
    if data is None:
        return []
    reader.check_fields(data, {"lesson", "questions"})
    lesson = reader.identifier(data, "lesson")
    if lesson:
        refs.append(("lesson", lesson, data.line_of("lesson"), ""))
    questions = []
    for item, line in reader.items(data, "questions"):
        question = _build_question(item, line, reader, lesson or "", refs)
        if question is not None:
            questions.append(question)
    return questions


def _build_question(item: object, line: int, reader: FieldReader, lesson: str, refs: list) -> Question | None:
    data = reader.mapping(item, line, "question: ")
    if data is None:
        return None
    qid = reader.identifier(data, where="question: ")
    where = f'question "{qid}": ' if qid else "question: "
    reader.check_fields(data, QUESTION_FIELDS, where)
    qtype = reader.string(data, "type", where)
    if qtype is not None and qtype not in QUESTION_TYPES:
        reader.problem(data.line_of("type"), "bad_question_type", where=where, value=qtype)
        qtype = None
    concept = reader.identifier(data, "concept", where)
    if concept:
        refs.append(("term", concept, data.line_of("concept"), where))
    section = reader.string(data, "section", where, required=False) or ""
    if section:
        refs.append(("section", f"{lesson}#{section}", data.line_of("section"), where))
    else:
        reader.warn(data.line, "warn_no_section", where=where)
    prompt = reader.text(data, "prompt", where)
    explanation = reader.text(data, "explanation", where)
    misconception = data.get("misconception") is True
    if qtype is None:
        return None
    for name in ("choices", "items", "tolerance", "why_wrong", "unit"):
        if name in data and name not in FIELDS_BY_TYPE[qtype]:
            reader.problem(data.line_of(name), "field_not_for_type", where=where, field=name, type=qtype)
    choices: list[Localized] = []
    items: list[Localized] = []
    tolerance = 0.0
    unit = ""
    why_wrong: tuple = ()
    answer = _read_answer(data, qtype, reader, where)
    if qtype in ("single", "multiple"):
        choices = reader.text_list(data, "choices", where)
        if not 2 <= len(choices) <= 6:
            reader.problem(data.line_of("choices"), "bad_choice_count", where=where, count=len(choices))
        elif answer is not None:
            for letter_index in answer:
                if letter_index >= len(choices):
                    reader.problem(data.line_of("answer"), "bad_letter", where=where,
                                   value=LETTERS[letter_index], count=len(choices))
                    answer = None
                    break
        if answer is not None:
            why_wrong = _read_why_wrong(data, len(choices), answer, reader, where)
    elif qtype == "ordering":
        items = reader.text_list(data, "items", where)
        if len(items) < 3:
            reader.problem(data.line_of("items") if "items" in data else data.line, "bad_items", where=where)
            return None
        answer = tuple(range(len(items)))
    elif qtype == "numeric":
        if "tolerance" in data:
            tolerance = reader.number(data, "tolerance", where) or 0.0
        unit = _read_unit(data, prompt, reader, where)
    if None in (qid, concept, prompt, explanation, answer):
        return None
    return Question(id=qid, type=qtype, lesson=lesson, concept=concept, prompt=prompt,
                    explanation=explanation, choices=tuple(choices), answer=answer, items=tuple(items),
                    tolerance=abs(tolerance), section=section, misconception=misconception,
                    path=f"{reader.path}:{data.line}", why_wrong=why_wrong, unit=unit)


def _read_why_wrong(data: LocatedMap, count: int, answer: tuple, reader: FieldReader, where: str) -> tuple:
    """`why_wrong: {B: {en, zh}, ...}`: letters as written, each a wrong choice; warns about the missing."""
    found: dict[int, Localized] = {}
    if "why_wrong" in data:
        table = reader.mapping(data["why_wrong"], data.line_of("why_wrong"), where)
        for key in table or ():
            letter = str(key).strip().upper()
            index = LETTERS.index(letter) if len(letter) == 1 and letter in LETTERS else -1
            if index < 0 or index >= count or index in answer:
                reader.problem(table.line_of(key), "bad_why_wrong_letter", where=where, value=key,
                               count=count)
                continue
            text = reader.text(table, key, where)
            if text is not None:
                found[index] = text
    missing = [LETTERS[i] for i in range(count) if i not in answer and i not in found]
    if missing:
        reader.warn(data.line_of("choices"), "warn_no_why_wrong", where=where, letters=", ".join(missing))
    return tuple(sorted(found.items()))


def _read_unit(data: LocatedMap, prompt: Localized | None, reader: FieldReader, where: str) -> str:
    unit = reader.string(data, "unit", where, required=False) or ""
    if unit and unit not in UNIT_SPELLINGS:
        reader.problem(data.line_of("unit"), "bad_unit", where=where, value=unit,
                       known=", ".join(UNIT_SPELLINGS))
        unit = ""
    if unit != "percent" and prompt is not None and (PERCENT_WORDS.search(prompt.en) or PERCENT_WORDS.search(prompt.zh)):
        reader.warn(data.line_of("prompt"), "warn_percent_without_unit", where=where)
    return unit


def _read_answer(data: LocatedMap, qtype: str, reader: FieldReader, where: str):
    if qtype == "ordering":
        return ()
    if "answer" not in data:
        reader.problem(data.line, "missing_field", where=where, field="answer")
        return None
    value, line = data["answer"], data.line_of("answer")
    if qtype in ("single", "multiple"):
        letters = [value] if qtype == "single" or not isinstance(value, list) else list(value)
        indexes = []
        for letter in letters:
            if not isinstance(letter, str) or len(letter.strip()) != 1 or letter.strip().upper() not in LETTERS:
                reader.problem(line, "bad_letter", where=where, value=letter, count=len(data.get("choices") or []))
                return None
            indexes.append(LETTERS.index(letter.strip().upper()))
        return tuple(sorted(set(indexes)))
    if qtype == "true_false":
        if not isinstance(value, bool):
            reader.problem(line, "bad_boolean", where=where)
            return None
        return value
    if qtype == "numeric":
        return reader.number(data, "answer", where)
    accepted = {}
    if isinstance(value, LocatedMap):
        for lang in ("en", "zh"):
            texts = value.get(lang)
            if isinstance(texts, (str, int, float)) and not isinstance(texts, bool):
                texts = [texts]
            if isinstance(texts, list) and texts and all(isinstance(x, (str, int, float)) for x in texts):
                accepted[lang] = tuple(str(x) for x in texts)
    if len(accepted) < 2:
        reader.problem(line, "bad_short_answer", where=where)
        return None
    return accepted
