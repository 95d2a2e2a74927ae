"""Reading typed fields out of located YAML, collecting problems instead of raising.

A `FieldReader` belongs to one file; every `read_*` returns the value or None and, on a problem,
records it with the file, the line and a message key (see `llmtutor/messages/validate.yaml`).
"""

from __future__ import annotations

import re
from llmtutor.course.located import LocatedList, LocatedMap
from llmtutor.course.problem import Problem
from llmtutor.i18n import Localized

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SPACE_AFTER_CHINESE_MARK = re.compile(r".[，。；：、！？] +[^\s\n]")


class FieldReader:
    """Reads fields of one file's mappings; `where` prefixes say which part of the file."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, line: int, key: str, **params: object) -> None:
        self.problems.append(Problem(self.path, line, key, params))

    def warn(self, line: int, key: str, **params: object) -> None:
        self.problems.append(Problem(self.path, line, key, params, warning=True))

    def mapping(self, value: object, line: int, where: str = "") -> LocatedMap | None:
        if isinstance(value, LocatedMap):
            return value
        self.problem(line, "expected_mapping", where=where)
        return None

    def check_fields(self, data: LocatedMap, allowed: set[str], where: str = "") -> None:
        for key in data:
            if key not in allowed:
                self.problem(data.line_of(key), "unknown_field", where=where, field=key)

    def text(self, data: LocatedMap, name: str, where: str = "", required: bool = True) -> Localized | None:
        value = data.get(name)
        if value is None:
            if required:
                self.problem(data.line, "missing_field", where=where, field=name)
            return None
        if isinstance(value, LocatedMap) and len(value) == 2:  # the usual case, checked quickly
            en, zh = value.get("en"), value.get("zh")
            if type(en) is str and type(zh) is str and en and zh and not en.isspace() and not zh.isspace():
                self._check_chinese_spacing(zh, value.line_of("zh"), name, where)
                return Localized(en.strip("\n"), zh.strip("\n"))
        return self._text_with_problems(value, data.line_of(name), name, where)

    def _check_chinese_spacing(self, zh: str, line: int, name: str, where: str) -> None:
        """Warn about a space after Chinese punctuation: YAML's folded blocks (`>`) join lines with one."""
        found = SPACE_AFTER_CHINESE_MARK.search(zh)
        if found:
            self.warn(line, "warn_space_after_chinese_mark", where=where, field=f"{name}.zh", text=found.group(0))

    def _text_with_problems(self, value: object, line: int, name: str, where: str) -> Localized | None:
        if not isinstance(value, LocatedMap):
            self.problem(line, "text_not_bilingual", where=where, field=name)
            return None
        texts = {}
        for lang in ("en", "zh"):
            text = value.get(lang)
            if text is None or (isinstance(text, str) and (not text or text.isspace())):
                self.problem(line, "missing_text", where=where, field=name, language=f"lang_{lang}")
            elif not isinstance(text, (str, int, float)):
                self.problem(value.line_of(lang), "bad_string", where=where, field=f"{name}.{lang}")
            else:
                texts[lang] = str(text).strip("\n")
                if lang == "zh":
                    self._check_chinese_spacing(texts[lang], value.line_of(lang), name, where)
        for key in value:
            if key not in ("en", "zh"):
                self.problem(value.line_of(key), "unknown_field", where=where, field=f"{name}.{key}")
        if len(texts) < 2:
            return None
        return Localized(en=texts["en"], zh=texts["zh"])

    def string(self, data: LocatedMap, name: str, where: str = "", required: bool = True) -> str | None:
        if name not in data or data[name] is None:
            if required:
                self.problem(data.line, "missing_field", where=where, field=name)
            return None
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(data.line_of(name), "bad_string", where=where, field=name)
            return None
        return str(value)

    def identifier(self, data: LocatedMap, name: str = "id", where: str = "") -> str | None:
        value = self.string(data, name, where)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(data.line_of(name), "bad_id", where=where, value=value)
            return None
        return value

    def integer(self, data: LocatedMap, name: str, where: str = "", minimum: int = 0) -> int | None:
        if name not in data:
            self.problem(data.line, "missing_field", where=where, field=name)
            return None
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(data.line_of(name), "bad_int", where=where, field=name, minimum=minimum)
            return None
        return value

    def number(self, data: LocatedMap, name: str, where: str = "", required: bool = True) -> float | None:
        if name not in data:
            if required:
                self.problem(data.line, "missing_field", where=where, field=name)
            return None
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(data.line_of(name), "bad_number", where=where, field=name)
            return None
        return float(value)

    def items(self, data: LocatedMap, name: str, where: str = "", required: bool = True) -> list[tuple[object, int]]:
        """The list under `name` as (item, line) pairs; [] when absent or wrong."""
        if name not in data or data[name] is None:
            if required:
                self.problem(data.line, "missing_field", where=where, field=name)
            return []
        value = data[name]
        if not isinstance(value, LocatedList):
            self.problem(data.line_of(name), "expected_list", where=where, field=name)
            return []
        if len(value.item_lines) == len(value):
            return list(zip(value, value.item_lines))
        return [(item, value.line_of(index)) for index, item in enumerate(value)]

    def id_list(self, data: LocatedMap, name: str, where: str = "") -> tuple[tuple[str, int], ...]:
        """A list of ids (e.g. glossary references) with their lines; optional, default empty."""
        result = []
        for item, line in self.items(data, name, where, required=False):
            if isinstance(item, str) and ID_PATTERN.match(item):
                result.append((item, line))
            else:
                self.problem(line, "bad_id", where=where, value=item)
        return tuple(result)

    def text_list(self, data: LocatedMap, name: str, where: str = "", required: bool = True) -> list[Localized]:
        result = []
        for index, (item, line) in enumerate(self.items(data, name, where, required)):
            holder = LocatedMap(line)
            holder[f"{name}[{index + 1}]"] = item
            holder.key_lines[f"{name}[{index + 1}]"] = line
            text = self.text(holder, f"{name}[{index + 1}]", where)
            if text is not None:
                result.append(text)
        return result
