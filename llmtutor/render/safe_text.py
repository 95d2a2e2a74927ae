"""Text from content or learners made safe to print: control characters become visible symbols.

Its own module, without the markup's regular expressions, so that screens printing only plain
names (the lessons table) import little.
"""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """Replace control characters (ESC, BEL, C1 codes, bidi overrides) by visible symbols."""
    text = str(text)
    if text.isprintable():  # the common case, at C speed: no control or format character at all
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            out.append(ch)
        elif code < 0x20:
            out.append(chr(0x2400 + code))  # ␛ for ESC, ␇ for BEL, ...
        elif code == 0x7F:
            out.append("␡")
        elif 0x80 <= code < 0xA0 or unicodedata.category(ch) == "Cf" and ch not in "\u200d":
            out.append("�")
        else:
            out.append(ch)
    return "".join(out)


def shown(text: object, limit: int = 240) -> str:
    """`visible(text)`, cut to `limit` characters with "…": outside text echoed in a message."""
    text = str(text)
    return visible(text) if len(text) <= limit else visible(text[:limit - 1]) + "…"
