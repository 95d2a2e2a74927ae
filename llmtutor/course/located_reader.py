"""YAML to located values (`LocatedMap`, `LocatedList`, scalars), straight from the parser's events.

Only the safe constructor builds scalars, so tags like `!!python/object` are refused, and
limits on size, depth and alias expansion stop "billion laughs" documents.
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from llmtutor.course.located import MAX_FILE_BYTES, LocatedList, LocatedMap, YamlProblem
from llmtutor.course.yaml_io import SafeLoader
MAX_DEPTH = 40
MAX_NODES = 200_000


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
SCALAR, ALIAS, STREAM_END = yaml.ScalarEvent, yaml.AliasEvent, yaml.StreamEndEvent
SEQUENCE_START, SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
MAPPING_START, MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
# A plain scalar starting with anything else is a string (the only non-string patterns of the
# YAML 1.1 resolver start with these); checking this first skips the regexes for most text.
MAYBE_NOT_TEXT = frozenset("0123456789+-.~:=<nNyYtTfFoO")
_KEY_MERGE = "<<"


class _Builder:
    """Located values straight from the parser's events (no node tree: about twice as fast).

    The whole course is about 15,000 events, most of them text scalars, so a scalar without an
    anchor takes a short path in `sequence` and `mapping`; everything else goes through `value`.
    """

    def __init__(self, next_event) -> None:
        self.next_event = next_event  # the parser's own get_event: one call per event
        self.nodes = 0
        self.anchors: dict[str, tuple[object, int, int]] = {}  # anchor → (value, nodes, depth)
        self.constructor = SafeConstructor()
        self.resolver = yaml.resolver.Resolver()

    def document(self):
        self.next_event()  # stream start
        if type(self.next_event()) is STREAM_END:
            return None
        value = self.value(self.next_event(), 0)[0]
        self.next_event()  # document end
        event = self.next_event()
        if type(event) is not STREAM_END:
            raise YamlProblem(event.start_mark.line + 1, "yaml_syntax",
                              detail="expected a single document in the stream")
        return value

    def value(self, event, depth: int) -> tuple[object, int]:
        """The value starting with `event`, and how deep it nests."""
        kind = type(event)
        if kind is ALIAS:
            return self.alias(event, depth)
        self.check_depth(event, depth)
        before = self.nodes
        self.count(event, 1)
        if kind is SCALAR:
            value, height = self.scalar(event), 0
        elif kind is SEQUENCE_START:
            value, height = self.sequence(event, depth)
        elif kind is MAPPING_START:
            value, height = self.mapping(event, depth)
        else:  # pragma: no cover - the parser never yields another event here
            raise YamlProblem(event.start_mark.line + 1, "yaml_syntax", detail=f"unexpected {kind.__name__}")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, self.nodes - before, height)
        return value, height

    def alias(self, event, depth: int) -> tuple[object, int]:
        line = event.start_mark.line + 1
        if event.anchor not in self.anchors:
            raise YamlProblem(line, "yaml_syntax", detail=f"found undefined alias {event.anchor!r}")
        value, size, height = self.anchors[event.anchor]
        self.count(event, size)
        if depth + height > MAX_DEPTH:
            raise YamlProblem(line, "yaml_too_deep", limit=MAX_DEPTH)
        return value, height

    @staticmethod
    def check_depth(event, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise YamlProblem(event.start_mark.line + 1, "yaml_too_deep", limit=MAX_DEPTH)

    def count(self, event, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise YamlProblem(event.start_mark.line + 1, "yaml_too_many_nodes", limit=MAX_NODES)

    def scalar(self, event):
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
            raise YamlProblem(event.start_mark.line + 1, "yaml_tag", tag=tag) from None
        except (ValueError, OverflowError, TypeError):
            raise YamlProblem(event.start_mark.line + 1, "yaml_bad_value", tag=tag) from None

    def item(self, event, depth: int) -> tuple[object, int]:
        """`value`, with the short path for a scalar without an anchor."""
        if type(event) is SCALAR and event.anchor is None:
            self.check_depth(event, depth)
            self.count(event, 1)
            return self.scalar(event), 0
        return self.value(event, depth)

    def sequence(self, event, depth: int) -> tuple[LocatedList, int]:
        line = event.start_mark.line + 1
        if event.tag not in (None, "!", SEQ):
            raise YamlProblem(line, "yaml_tag", tag=event.tag)
        result, height = LocatedList(line), 0
        item_lines = result.item_lines
        next_event, item = self.next_event, self.item
        while type(event := next_event()) is not SEQUENCE_END:
            value, child = item(event, depth + 1)
            result.append(value)
            item_lines.append(event.start_mark.line + 1)
            if child >= height:
                height = child + 1
        return result, height

    def mapping(self, event, depth: int) -> tuple[LocatedMap, int]:
        line = event.start_mark.line + 1
        if event.tag not in (None, "!", MAP):
            raise YamlProblem(line, "yaml_tag", tag=event.tag)
        result, height, merged = LocatedMap(line), 0, []
        key_lines = result.key_lines
        next_event, item = self.next_event, self.item
        while type(key_event := next_event()) is not MAPPING_END:
            if (type(key_event) is SCALAR and key_event.value == _KEY_MERGE and key_event.implicit[0]
                    and key_event.tag is None):
                self.count(key_event, 1)
                value_event = next_event()
                value, child = self.value(value_event, depth + 1)
                merged.append((value, value_event.start_mark.line + 1))
            else:
                key = item(key_event, depth + 1)[0]
                if isinstance(key, (dict, list)):
                    raise YamlProblem(key_event.start_mark.line + 1, "yaml_complex_key")
                value_event = next_event()
                value, child = item(value_event, depth + 1)
                if key in result:
                    raise YamlProblem(key_event.start_mark.line + 1, "yaml_duplicate_key", key=key)
                result[key] = value
                key_lines[key] = value_event.start_mark.line + 1
            if child >= height:
                height = child + 1
        for value, value_line in merged:  # `<<: *base`: keys written here win over merged ones
            for source in value if isinstance(value, list) else [value]:
                if not isinstance(source, LocatedMap):
                    raise YamlProblem(value_line, "yaml_syntax", detail="a merge key (<<) needs a mapping")
                for key, item_value in source.items():
                    if key not in result:
                        result[key] = item_value
                        key_lines[key] = source.line_of(key)
        return result, height
