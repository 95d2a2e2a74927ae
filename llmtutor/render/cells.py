"""Text measured in terminal cells: tokens made printable and fitted to a width.

Used by the heatmap and the walkthrough arrays; wide (Chinese) characters count as two cells.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, split_graphemes


def clean_token(token: object) -> str:
    """The token as literal, printable text: control characters become their ␀–␟ pictures,
    invisible format characters are dropped, and a blank token shows as ␣."""
    if type(token) is str and token.isascii() and token.isprintable():  # the usual case, quickly
        return token if token.strip() else "␣" * max(1, len(token))
    return _cleaned(str(token))


@lru_cache(maxsize=4096)
def _cleaned(token: str) -> str:
    """`clean_token` of any other text (cached: a picture cleans each label many times)."""
    out = []
    for ch in token:
        code = ord(ch)
        if code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif ch in "\u200d\ufe0f":  # joiners of emoji sequences are kept
            out.append(ch)
        else:
            category = unicodedata.category(ch)
            if category in ("Cc", "Cs", "Zl", "Zp"):
                out.append("\ufffd")
            elif category != "Cf":  # bidi overrides and zero-width marks would mislead the eye
                out.append(ch)
    text = "".join(out)
    return text if text.strip() else "␣" * max(1, len(text))


def graphemes(text: str) -> list[tuple[str, int]]:
    """The text as (grapheme, cells) pairs."""
    spans, _ = split_graphemes(text)
    return [(text[start:end], width) for start, end, width in spans]


def fit_cells(text: str, width: int, align: str = "left", ellipsis: str = "…") -> str:
    """`text` cut to `width` terminal cells (ending in `ellipsis` when cut), padded to exactly `width`."""
    if width <= 0:
        return ""
    used = cell_len(text)
    if used > width:
        kept, used = [], 0
        for grapheme, cells in graphemes(text):
            if used + cells > width - 1:
                break
            kept.append(grapheme)
            used += cells
        text, used = "".join(kept) + ellipsis, used + 1
    pad = " " * (width - used)
    return pad + text if align == "right" else text + pad


def shortened(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` characters between two words, ending in `ellipsis` when cut
    (inside a word only when its first word alone is longer than `limit`)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip() + ellipsis
