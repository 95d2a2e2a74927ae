"""YAML to plain Python values that remember the line each value came from.

The safe loader's composer gives a node tree with positions; `to_located` turns it into
`LocatedMap` / `LocatedList` / scalars so the validator can say `file.yaml:37: ...`.
Only the safe constructor builds scalars, so tags like `!!python/object` are refused, and
limits on size, depth and alias expansion stop "billion laughs" documents.
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from llmtutor.course.yaml_io import SafeLoader

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000


class LocatedMap(dict):
    """A mapping with `line` (1-based) and `key_lines` {key: line of its value}."""

    line: int = 0

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[object, int] = {}

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence with `line` and `item_lines`."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class YamlProblem(Exception):
    """The document cannot be read; `line` is 1-based (0 when unknown); `key` a message key."""

    def __init__(self, line: int, key: str, **params: object) -> None:
        super().__init__(key)
        self.line = line
        self.key = key
        self.params = params


def load_located(text: str):
    """Parse one YAML document into located values. Raises YamlProblem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise YamlProblem(0, "yaml_too_big", limit=MAX_FILE_BYTES // 1000)
    loader = SafeLoader(text)
    try:
        return _Builder(loader.get_event).document()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(line, "yaml_syntax", detail=(err.problem or str(err)).strip()) from None
    except yaml.YAMLError as err:
        raise YamlProblem(0, "yaml_syntax", detail=str(err).strip()) from None
    finally:
        loader.dispose()


SEQ, MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# A plain scalar starting with anything else is a string (the only non-string patterns of the
# YAML 1.1 resolver start with these); checking this first skips the regexes for most text.
MAYBE_NOT_TEXT = set("0123456789+-.~:=<nNyYtTfFoO")
_KEY_MERGE = "<<"


class _Builder:
    """Located values straight from the parser's events (no node tree: about twice as fast)."""

    def __init__(self, next_event) -> None:
        self.next_event = next_event  # the parser's own get_event: one call per event
        self.nodes = 0
        self.anchors: dict[str, tuple[object, int, int]] = {}  # anchor → (value, nodes, depth)
        self.constructor = SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def document(self):
        self.next_event()  # stream start
        event = self.next_event()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        value = self.value(self.next_event(), 0)[0]
        self.next_event()  # document end
        event = self.next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            raise YamlProblem(event.start_mark.line + 1, "yaml_syntax",
                              detail="expected a single document in the stream")
        return value

    def value(self, event, depth: int) -> tuple[object, int]:
        """The value starting with `event`, and how deep it nests."""
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise YamlProblem(line, "yaml_syntax", detail=f"found undefined alias {event.anchor!r}")
            value, size, height = self.anchors[event.anchor]
            self.count(line, size)
            if depth + height > MAX_DEPTH:
                raise YamlProblem(line, "yaml_too_deep", limit=MAX_DEPTH)
            return value, height
        if depth > MAX_DEPTH:
            raise YamlProblem(line, "yaml_too_deep", limit=MAX_DEPTH)
        before = self.nodes
        self.count(line, 1)
        if isinstance(event, yaml.ScalarEvent):
            value, height = self.scalar(event, line), 0
        elif isinstance(event, yaml.SequenceStartEvent):
            value, height = self.sequence(event, line, depth)
        elif isinstance(event, yaml.MappingStartEvent):
            value, height = self.mapping(event, line, depth)
        else:  # pragma: no cover - the parser never yields another event here
            raise YamlProblem(line, "yaml_syntax", detail=f"unexpected {type(event).__name__}")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.nodes - before, height)
        return value, height

    def count(self, line: int, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise YamlProblem(line, "yaml_too_many_nodes", limit=MAX_NODES)

    def scalar(self, event, line: int):
        text = event.value
        if event.tag is None or event.tag == "!":
            if not event.implicit[0]:  # quoted, or a literal/folded block: always text
                return text
            if text and text[0] not in MAYBE_NOT_TEXT:
                return text
            tag = self.resolver.resolve(yaml.ScalarNode, text, (True, False))
        else:
            tag = event.tag
        if tag == "tag:yaml.org,2002:str":
            return text
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError:
            raise YamlProblem(line, "yaml_tag", tag=tag) from None
        except (ValueError, OverflowError, TypeError):
            raise YamlProblem(line, "yaml_bad_value", tag=tag) from None

    def sequence(self, event, line: int, depth: int) -> tuple[LocatedList, int]:
        if event.tag not in (None, "!", SEQ):
            raise YamlProblem(line, "yaml_tag", tag=event.tag)
        result, height = LocatedList(line), 0
        for item in iter(self.next_event, None):
            if isinstance(item, yaml.SequenceEndEvent):
                break
            value, child = self.value(item, depth + 1)
            result.append(value)
            result.item_lines.append(item.start_mark.line + 1)
            height = max(height, child + 1)
        return result, height

    def mapping(self, event, line: int, depth: int) -> tuple[LocatedMap, int]:
        if event.tag not in (None, "!", MAP):
            raise YamlProblem(line, "yaml_tag", tag=event.tag)
        result, height, merged = LocatedMap(line), 0, []
        for key_event in iter(self.next_event, None):
            if isinstance(key_event, yaml.MappingEndEvent):
                break
            key_line = key_event.start_mark.line + 1
            is_merge = (isinstance(key_event, yaml.ScalarEvent) and key_event.value == _KEY_MERGE
                        and key_event.implicit[0] and key_event.tag is None)
            if is_merge:
                self.count(key_line, 1)
                key = _KEY_MERGE
            else:
                key, _ = self.value(key_event, depth + 1)
            if isinstance(key, (dict, list)):
                raise YamlProblem(key_line, "yaml_complex_key")
            value_event = self.next_event()
            value, child = self.value(value_event, depth + 1)
            height = max(height, child + 1)
            if is_merge:
                merged.append((value, value_event.start_mark.line + 1))
                continue
            if key in result:
                raise YamlProblem(key_line, "yaml_duplicate_key", key=key)
            result[key] = value
            result.key_lines[key] = value_event.start_mark.line + 1
        for value, value_line in merged:  # `<<: *base`: keys written here win over merged ones
            for source in value if isinstance(value, list) else [value]:
                if not isinstance(source, LocatedMap):
                    raise YamlProblem(value_line, "yaml_syntax", detail="a merge key (<<) needs a mapping")
                for key, item in source.items():
                    if key not in result:
                        result[key] = item
                        result.key_lines[key] = source.line_of(key)
        return result, height
