"""What a walkthrough produces: a list of steps (data), its JSON, and the pacer that walks them.

A step holds a title, a formula, the arrays it computed (with their names and row labels), the
pictures to draw from them (heatmaps, tables, bar charts), a short explanation and the checks it
ran on its own claims. Every text is `Localized` (both languages), so a built walkthrough does not
depend on the learner's language; `render/walk.py` draws a step, and nothing here prints.

The records are `Record`s: declared like dataclasses (annotated fields, defaults), immutable,
compared and shown field by field. Neither frozen dataclasses (~4M instructions each to define
at start-up: they execute generated code; the eight cost `walk` 31M) nor NamedTuples (~1M each:
they compile generated code and every postponed annotation): a `Record` subclass reads its
fields once from its annotations, which stay unevaluated strings.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Union

from llmtutor.i18n import Localized, message

if TYPE_CHECKING:
    import numpy as np


class Record:
    """An immutable record. Fields are the annotated names of the class body, in order; a field
    given a value there has it as its default. Built by position or keyword, like a dataclass."""

    _fields: tuple[str, ...] = ()
    _defaults: dict[str, object] = {}

    def __init_subclass__(cls) -> None:
        own = [name for name in cls.__dict__.get("__annotations__", {}) if not name.startswith("_")]
        cls._fields = cls._fields + tuple(own)
        cls._defaults = {**cls._defaults, **{name: cls.__dict__[name] for name in own if name in cls.__dict__}}

    def __init__(self, *args: object, **kwargs: object) -> None:
        fields, name = self._fields, type(self).__name__
        if len(args) > len(fields):
            raise TypeError(f"{name}() takes {len(fields)} fields, {len(args)} given")
        values = dict(zip(fields, args))
        for field, value in kwargs.items():
            if field not in fields or field in values:
                raise TypeError(f"{name}() got an unexpected or repeated field {field!r}")
            values[field] = value
        for field in fields:
            if field not in values:
                if field not in self._defaults:
                    raise TypeError(f"{name}() missing field {field!r}")
                values[field] = self._defaults[field]
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    __delattr__ = __setattr__

    def _values(self) -> tuple:
        return tuple(self.__dict__[field] for field in self._fields)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={v!r}' for f, v in zip(self._fields, self._values()))})"


def say(key: str, **params: object) -> Localized:
    """The message `key` of walk.yaml in both languages, `{placeholders}` (with format specs) filled.

    A Localized parameter fills each language with its own text.
    """

    def filled(lang: str) -> str:
        return message(key, lang, **{name: value.get(lang) if isinstance(value, Localized) else value
                                     for name, value in params.items()})
    return Localized(en=filled("en"), zh=filled("zh"))


def sentence(tokens) -> str:
    """Tokens joined back into text: a space between two narrow tokens, none next to a Chinese character."""
    def wide(text: str) -> bool:
        return bool(text) and unicodedata.east_asian_width(text[0]) in ("W", "F")

    out = ""
    for token in tokens:
        if out and not (wide(out[-1]) or wide(token)):
            out += " "
        out += token
    return out


def listing(*names: str) -> Localized:
    """Names as a list: "Q, K, V" in English, "Q、K、V" in Chinese."""
    return Localized(en=", ".join(names), zh="、".join(names))


class Check(Record):
    """Something a step claims about its result, and whether the numbers bear it out."""

    description: Localized
    passed: bool


def check(passed: object, key: str, **params: object) -> Check:
    """A Check whose description is the message `key` with `params`."""
    return Check(say(key, **params), bool(passed))


class NamedArray(Record):
    """An array shown with its name and shape; rows labelled by tokens where the rows are tokens."""

    name: str
    values: np.ndarray
    row_labels: tuple[str, ...] | None = None
    col_labels: tuple[str, ...] | None = None
    note: Localized | None = None


class HeatmapSpec(Record):
    """Attention weights to draw: `(n_q, n_k)` as one heatmap, `(h, n_q, n_k)` as one per head."""

    weights: np.ndarray
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    mask: np.ndarray | None = None  # (n_q, n_k) bool, True = may attend
    title: Localized | None = None


class ValueGridSpec(Record):
    """Signed values between -1 and 1 drawn as shades (the positional-encoding table): not attention."""

    values: np.ndarray  # (rows, cols)
    row_labels: tuple[str, ...]
    title: Localized | None = None


class Tokens(Record):
    """A table cell holding tokens: shown a space apart, a line broken only between two tokens."""

    symbols: tuple[str, ...]


class TableSpec(Record):
    """A small table; cells are str, int, float (shown with `decimals`), Localized or Tokens."""

    columns: tuple[Localized, ...]
    rows: tuple[tuple[object, ...], ...]
    title: Localized | None = None
    decimals: int = 3
    marked_row: int | None = None  # a row to highlight, e.g. the merge chosen


class BarsSpec(Record):
    """A horizontal bar chart: one bar per label, the value written after it in `unit`."""

    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str
    title: Localized | None = None
    decimals: int = 2


Figure = Union[HeatmapSpec, ValueGridSpec, TableSpec, BarsSpec]


class ReadNext(Record):
    """Lessons and glossary terms to read after a walkthrough: (id, title) pairs."""

    lessons: tuple[tuple[str, Localized], ...] = ()
    terms: tuple[tuple[str, Localized], ...] = ()


class Step(Record):
    """One screen of a walkthrough.

    figures: drawn after the arrays; two 2-D heatmaps in a row stand side by side when they fit.
    """

    title: Localized
    formula: str | Localized = ""  # mathematics or code; Localized where it holds words
    arrays: tuple[NamedArray, ...] = ()
    explanation: Localized | None = None
    checks: tuple[Check, ...] = ()
    figures: tuple[Figure, ...] = ()
    read_next: ReadNext | None = None

    @property
    def heatmap(self) -> HeatmapSpec | None:
        """The first heatmap of the step, if it draws one."""
        return next((f for f in self.figures if isinstance(f, HeatmapSpec)), None)


class Walkthrough:
    """A built walkthrough: its steps, its JSON (every intermediate array) and what to read next.

    Mutable: `registry.run` sets the title and what to read next after the builder returns.
    """

    __slots__ = ("id", "steps", "json", "title", "next")

    def __init__(self, id: str, steps: list[Step], json: dict, title: Localized | None = None,
                 next: ReadNext | None = None) -> None:
        self.id, self.steps, self.json, self.title = id, steps, json, title
        self.next = ReadNext() if next is None else next

    def __repr__(self) -> str:
        return f"Walkthrough({self.id!r}, {len(self.steps)} steps)"


def plain(value: object) -> object:
    """`value` with arrays as nested lists and -inf/NaN as None, ready for json.dumps."""
    import numpy as np  # here, so that listing the walkthroughs stays free of NumPy

    if isinstance(value, np.ndarray):
        if value.dtype == np.bool_ or np.issubdtype(value.dtype, np.integer):
            return value.tolist()
        if np.issubdtype(value.dtype, np.floating):
            finite = np.isfinite(value)
            if finite.all():
                return value.tolist()
            return np.where(finite, value, None).tolist()
        return value.tolist()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


# ---------------------------------------------------------------- the pacer

NEXT, BACK, QUIT = "next", "back", "quit"  # the actions of llmtutor.cli.keys.pager_action


class Pacer:
    """Which step is on screen: NEXT moves on (past the last step it ends), BACK goes back, QUIT ends."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.index = 0
        self.done = total == 0

    def apply(self, action: str | None) -> None:
        if action == QUIT:
            self.done = True
        elif action == BACK:
            self.index = max(self.index - 1, 0)
        elif action == NEXT:
            if self.index >= self.total - 1:
                self.done = True
            else:
                self.index += 1
