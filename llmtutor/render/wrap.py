"""Line breaking that suits Chinese as well as English.

Rich breaks lines only at spaces, so a run of Chinese characters is one long "word" and a line
such as "约 1.17 亿参数……" breaks after "1.17", leaving a stub. `Paragraph` breaks between any two
wide characters too, keeps closing punctuation (，。）”) off the start of a line and opening
punctuation (（“) off its end.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from llmtutor.render.lines import NEW_LINE, plain_fits, text_segments

NO_LINE_START = set("，。、；：？！）」』】》〉”’,.;:?!)]}%…·")
NO_LINE_END = set("（「『【《〈“‘([{")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


_RUNS = re.compile(r"\s+|\S+")


def units(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_space) pieces between which a line may break."""
    if text.isascii() or not any(map(_wide, set(text))):
        # No wide characters: a word runs to the next space, and any closing or opening mark is
        # already inside it, so the pieces are the runs of spaces and of the rest (the same result
        # as the loop below, which the tests check, at a fraction of its cost).
        return [(m.start(), m.end(), m.group().isspace()) for m in _RUNS.finditer(text)]
    return _units_any(text)


def _units_any(text: str) -> list[tuple[int, int, bool]]:
    pieces: list[tuple[int, int, bool]] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if text[i].isspace():
            while j < n and text[j].isspace():
                j += 1
            pieces.append((i, j, True))
            i = j
            continue
        if not _wide(text[i]):  # a word: up to a space or a wide character
            while j < n and not text[j].isspace() and not _wide(text[j]):
                j += 1
        while j < n and text[j] in NO_LINE_START:  # closing marks stay with what they close
            j += 1
        # an opening mark sticks to what follows it
        if pieces and not pieces[-1][2] and text[pieces[-1][1] - 1] in NO_LINE_END and pieces[-1][1] == i:
            start = pieces.pop()[0]
            pieces.append((start, j, False))
        else:
            pieces.append((i, j, False))
        i = j
    return pieces


def break_offsets(text: str, width: int, later_width: int | None = None) -> list[int]:
    """Offsets at which to start new lines so no line is wider than `width` cells.

    `later_width` (default `width`) is the room on every line after the first.
    """
    first, later = max(1, width), max(1, later_width or width)
    additive = "\u200d" not in text and "\ufe0f" not in text  # else Rich measures emoji sequences whole
    if additive and cell_len(text) <= first:  # the whole line fits: no break (the rule would find none)
        return []
    # every character one cell wide (as in most English prose): a piece's width is its length
    single = additive and (text.isascii() and text.isprintable() or all(cell_len(ch) == 1 for ch in set(text)))
    if single:
        found = _one_cell_breaks(text, first, later)
        if found is not None:
            return found
    return breaks_piece_by_piece(text, units(text), first, later, single)


def breaks_piece_by_piece(text: str, pieces, first: int, later: int, single: bool = False) -> list[int]:
    """The rule itself: the pieces of `text` laid out one by one, each measured (by its length when
    `single`: every character one cell wide), a new line where the next does not fit; a word wider
    than a line is broken after its hyphens, else folded. `break_offsets` takes quicker paths to
    the same offsets where it can (tests hold it to this)."""
    offsets: list[int] = []
    x, width = 0, first
    for start, end, space in pieces:
        size = end - start if single else cell_len(text[start:end])
        if space:
            x += size
            continue
        if x and x + size > width:
            offsets.append(start)
            x, width = 0, later
        if size > width:  # a word wider than the line: break after its hyphens, else fold it
            for a, b in _hyphen_pieces(text, start, end):
                piece = cell_len(text[a:b])
                if x and x + piece > width:
                    offsets.append(a)
                    x, width = 0, later
                if piece <= width:
                    x += piece
                    continue
                for k in range(a, b):
                    w = cell_len(text[k])
                    if x and x + w > width:
                        offsets.append(k)
                        x, width = 0, later
                    x += w
        else:
            x += size
    return offsets


_WORDS = re.compile(r"\S+")


def _one_cell_breaks(text: str, first: int, later: int) -> list[int] | None:
    """`break_offsets` of a text whose characters are all one cell wide (so that the width of a
    line so far is its length), or None when a word is wider than a line (the general loop cuts it)."""
    offsets, line_start, width = [], 0, first
    for start, end in [match.span() for match in _WORDS.finditer(text)]:
        if start > line_start and end - line_start > width:
            offsets.append(start)
            line_start, width = start, later
        if end - start > width:
            return None
    return offsets


def _hyphen_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`text[start:end]` cut after each hyphen between two letters ("knowledge-|acquisition")."""
    pieces, a = [], start
    for k in range(start + 1, end - 1):
        if text[k] == "-" and text[k - 1].isalpha() and text[k + 1].isalpha():
            pieces.append((a, k + 1))
            a = k + 1
    pieces.append((a, end))
    return pieces


class Paragraph:
    """A `Text` that wraps with `break_offsets` (styles kept).

    `hang` indents every wrapped line after the first by that many cells (for "label  text" rows).
    """

    def __init__(self, text: Text, hang: int = 0) -> None:
        self.text = text
        self.hang = hang

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        words = [cell_len(plain[a:b]) for a, b, space in units(plain) if not space] or [0]
        longest_line = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(max(words), options.max_width), min(longest_line, options.max_width))

    def pieces(self, width: int) -> list[tuple[int, int, int]]:
        """The lines drawn at `width`, as (start, end, indent): `plain[start:end]` (its spaces at the
        end removed) after `indent` spaces."""
        hang = self.hang if self.hang < width // 2 else 0
        plain, found, start = self.text.plain, [], 0
        for line in plain.split("\n"):
            offsets = [start + offset for offset in break_offsets(line, width, width - hang)]
            for index, (a, b) in enumerate(zip([start, *offsets], [*offsets, start + len(line)])):
                found.append((a, a + len(plain[a:b].rstrip()), hang if index else 0))
            start += len(line) + 1
        return found

    def texts(self, width: int) -> list[Text]:
        """The lines at `width` as Texts (styles kept; each cropped to the width when drawn)."""
        return [self._piece(a, b, indent) for a, b, indent in self.pieces(width)]

    def _piece(self, a: int, b: int, indent: int) -> Text:
        piece = self.text.divide((a, b))[1] if b > a else self.text.blank_copy()
        if indent:
            piece = Text(" " * indent) + piece
        piece.no_wrap = True
        piece.overflow = "crop"
        piece.end = "\n"
        return piece

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        text, plain = self.text, self.text.plain
        quick = options.justify in (None, "default")  # else a Text pads the line to the width
        for a, b, indent in self.pieces(width):
            if quick and plain_fits(plain[a:b], width - indent):  # the segments that Text would give
                if indent:
                    yield Segment(" " * indent)
                yield from text_segments(console, text, a, b)
                yield NEW_LINE
            else:
                yield self._piece(a, b, indent)
