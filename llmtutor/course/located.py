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
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(line, "yaml_syntax", detail=(err.problem or str(err)).strip()) from None
    except yaml.YAMLError as err:
        raise YamlProblem(0, "yaml_syntax", detail=str(err).strip()) from None
    if root is None:
        return None
    return _Converter().convert(root, depth=0)


class _Converter:
    def __init__(self) -> None:
        self.nodes = 0
        self.constructor = SafeConstructor()

    def convert(self, node: yaml.Node, depth: int):
        self.nodes += 1
        line = node.start_mark.line + 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(line, "yaml_too_many_nodes", limit=MAX_NODES)
        if depth > MAX_DEPTH:
            raise YamlProblem(line, "yaml_too_deep", limit=MAX_DEPTH)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise YamlProblem(line, "yaml_tag", tag=node.tag)
            result = LocatedList(line)
            for item in node.value:
                result.append(self.convert(item, depth + 1))
                result.item_lines.append(item.start_mark.line + 1)
            return result
        return self._scalar(node, line)

    def _mapping(self, node: yaml.MappingNode, line: int, depth: int) -> LocatedMap:
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlProblem(line, "yaml_tag", tag=node.tag)
        self.constructor.flatten_mapping(node)  # resolves `<<` merge keys
        result = LocatedMap(line)
        for key_node, value_node in node.value:
            key = self.convert(key_node, depth + 1)
            if isinstance(key, (dict, list)):
                raise YamlProblem(key_node.start_mark.line + 1, "yaml_complex_key")
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, "yaml_duplicate_key", key=key)
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = value_node.start_mark.line + 1
        return result

    def _scalar(self, node: yaml.Node, line: int):
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError:
            raise YamlProblem(line, "yaml_tag", tag=node.tag) from None
        except (ValueError, OverflowError, TypeError):
            raise YamlProblem(line, "yaml_bad_value", tag=node.tag) from None
