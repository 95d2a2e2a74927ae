"""Plain Python values that remember the line each came from, so the validator can say
`file.yaml:37: ...`. `located_reader` makes them from YAML; this module does not import the
YAML parser, so values kept in the cache load without it.
"""

from __future__ import annotations


# The largest content file read: a bigger one is refused before it is read whole.
MAX_FILE_BYTES = 2_000_000


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

    def __init__(self, line: int, key: str, /, **params: object) -> None:  # params may be named anything
        super().__init__(key)
        self.line = line
        self.key = key
        self.params = params
