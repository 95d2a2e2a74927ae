"""Lines drawn as Rich segments straight away: the same segments a Rich `Text` would give.

Rich draws a `Text` by splitting it into lines, copying, wrapping and joining them again, and only
then cutting it into segments. For the rows of a matrix, a label or a paragraph line whose width is
already known, that machinery is most of the cost of a walkthrough's page. `Line` and
`text_segments` give the segments directly, cut where Rich would cut them: one segment per run of
text between two span boundaries (Rich never merges two styled spans, and where a run is cut shows
in the escape codes a terminal receives), each styled by the line's style combined with the styles
of the spans over it, in their order. Anything else (a line too wide, a tab, a character Rich
would strip, a justified cell) is left to a `Text`, which draws it as before.

The text must already be made visible (`visible`, `clean_token`): the console makes it visible
again, but a `Text` would have removed some control characters instead.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary, ref

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

NEW_LINE = Segment.line()
_NULL = Style.null()
_CACHES: WeakKeyDictionary = WeakKeyDictionary()  # console → {style names: Style}
_LAST: list = [lambda: None, {}]  # the console drawn with last (a weak reference) and its cache


def _styles(console: Console) -> dict:
    if _LAST[0]() is console:
        return _LAST[1]
    cache = _CACHES.get(console)
    if cache is None:
        cache = _CACHES[console] = {}
    _LAST[:] = [ref(console), cache]
    return cache


def combined(console: Console, names: tuple) -> Style | None:
    """The style of a run under the styles `names` (a line's style, then its spans'), as Rich
    combines them; None for no style at all."""
    cache = _styles(console)
    try:
        return cache[names]
    except KeyError:
        styles = [console.get_style(name, default=_NULL) for name in names if name]
        style = cache[names] = Style.combine(styles) if styles else None
        return style


def plain_fits(text: str, width: int) -> bool:
    """True when `text` is one printable line (no tab or control character) of at most `width` cells."""
    return text.isprintable() and cell_len(text) <= width


def run_segments(console: Console, plain: str, spans: list[tuple[int, int, object]]) -> list[Segment]:
    """`plain` cut into segments as Rich's `Text.render` cuts a line: at every edge of a span in
    `spans` ((start, end, style), none empty, in the order Rich would hold them), each run styled
    by the spans over it, combined in that order."""
    if not plain:
        return []
    if not spans:
        return [Segment(plain, None)]
    cuts = sorted({0, len(plain), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    return [Segment(plain[x:y], combined(console, tuple(style for s, e, style in spans if s <= x < e)))
            for x, y in zip(cuts, cuts[1:])]


def clipped_spans(text: Text, start: int, end: int, shift: int = 0,
                  own_style: bool = True) -> list[tuple[int, int, object]]:
    """The spans of `text` over `plain[start:end]`, cut to it and moved by `shift - start`, after
    the text's own style over the whole part (as Rich holds them once the line is drawn) unless
    `own_style` is False."""
    spans = [(max(s, start) - start + shift, min(e, end) - start + shift, style)
             for s, e, style in text.spans if s < end and e > start and s < e]
    if own_style and text.style and end > start:
        spans.insert(0, (shift, end - start + shift, text.style))
    return spans


def text_segments(console: Console, text: Text, start: int = 0, end: int | None = None) -> list[Segment]:
    """The segments Rich draws for `text.plain[start:end]`, a part of one line drawn whole
    (no newline; the caller ends the line)."""
    end = len(text.plain) if end is None else end
    return run_segments(console, text.plain[start:end], clipped_spans(text, start, end))


class Line:
    """One line of pieces, each a `str` or `(str, style)`, drawn as `Text.assemble(*pieces,
    style=style)` would draw it, ending the line; `overflow` and `no_wrap` are that Text's, used
    only when the line does not fit."""

    __slots__ = ("pieces", "style", "overflow", "no_wrap")

    def __init__(self, *pieces: str | tuple[str, str], style: str = "", overflow: str | None = None,
                 no_wrap: bool | None = None) -> None:
        self.pieces, self.style, self.overflow, self.no_wrap = pieces, style, overflow, no_wrap

    @property
    def plain(self) -> str:
        return "".join(piece if isinstance(piece, str) else piece[0] for piece in self.pieces)

    def text(self) -> Text:
        return Text.assemble(*self.pieces, style=self.style, overflow=self.overflow, no_wrap=self.no_wrap)

    def segments(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """What `__rich_console__` yields: a picture drawing many lines yields from this directly,
        saving the console a level of rendering per line."""
        if options.justify not in (None, "default") or not plain_fits(self.plain, options.max_width):
            yield self.text()
            return
        base, run = self.style, ""
        for piece in self.pieces:
            if isinstance(piece, str):
                run += piece
                continue
            text, style = piece
            if not text:
                continue
            if not style:
                run += text
                continue
            if run:  # the unstyled text before a span is one segment
                yield Segment(run, combined(console, (base,)))
                run = ""
            yield Segment(text, combined(console, (base, style)))
        if run:
            yield Segment(run, combined(console, (base,)))
        yield NEW_LINE

    __rich_console__ = segments


BLANK = Line()  # an empty line, as Text("") draws it
