"""Finding a glossary term, lesson or walkthrough from what a learner typed.

Case, spaces, hyphens and underscores are ignored, full-width forms folded, and close typos
found with `difflib` (standard library, no extra dependency).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


_DROP_DASHES = str.maketrans("", "", "-_‐‑–—·・")


def normalise(text: str) -> str:
    """`Self-Attention`, `self attention` and `ｓｅｌｆ＿attention` all become `selfattention`."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(folded.split()).translate(_DROP_DASHES)  # split(): every kind of space


def best_match(query: str, candidates: Iterable[tuple[str, str]], cutoff: float = 0.8) -> str | None:
    """The id whose spelling equals `query` once normalised, else one close typo away, else None.

    `candidates` are (spelling, id) pairs.
    """
    wanted = normalise(query)
    if not wanted:
        return None
    table: dict[str, str] = {}
    for spelling, item_id in candidates:
        table.setdefault(normalise(spelling), item_id)
    if wanted in table:
        return table[wanted]
    close = difflib.get_close_matches(wanted, list(table), n=1, cutoff=cutoff)
    return table[close[0]] if close else None


def suggestions(query: str, candidates: Iterable[tuple[str, str]], limit: int = 3) -> list[str]:
    """Up to `limit` ids whose spellings look like `query`, nearest first."""
    wanted = normalise(query)
    table: dict[str, str] = {}
    for spelling, item_id in candidates:
        table.setdefault(normalise(spelling), item_id)
    found: list[str] = []
    for spelling in difflib.get_close_matches(wanted, list(table), n=limit * 4, cutoff=0.6):
        if table[spelling] not in found:
            found.append(table[spelling])
    for spelling, item_id in table.items():  # substring hits: "attention" → "self-attention"
        if wanted and wanted in spelling and item_id not in found:
            found.append(item_id)
    return found[:limit]
