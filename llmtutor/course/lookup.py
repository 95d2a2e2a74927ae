"""Finding a glossary term, lesson or walkthrough from what a learner typed.

Case, spaces, hyphens and underscores are ignored, full-width forms folded, and close typos
found with `difflib` (standard library, no extra dependency); suggestions are only offered when
they are close by edit distance, initials or a part of the query (`suggestions`).
"""

from __future__ import annotations

import difflib
import re
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


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(text: str) -> int:
    """How many typos a spelling this long may hold and still be "close": none under four letters."""
    return 0 if len(text) < 4 else (1 if len(text) < 6 else (2 if len(text) < 10 else 3))


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s\-_‐‑–—·・/]+", unicodedata.normalize("NFKC", str(text)).casefold()) if word]


def _initials(text: str) -> str:
    words = _words(text)
    return "".join(word[0] for word in words) if len(words) > 1 else ""


def suggestions(query: str, candidates: Iterable[tuple[str, str]], limit: int = 3) -> list[str]:
    """Up to `limit` ids whose spellings are close to `query`, nearest first; often none.

    Close means: a few typos away (none under four letters, one under six, two under ten),
    a start typed with a typo ("masc" → masks), the initials of a spelling ("sdpa"), or a few typos from some run of the
    query's words ("self atension thing" → self-attention). A number is never close to anything.
    """
    wanted = normalise(query)
    if not wanted or wanted.isdigit():
        return []
    words = _words(query)
    runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1)}
    runs.discard(wanted)
    scored: dict[str, float] = {}
    allowed = _allowed_edits(wanted)
    for spelling, item_id in candidates:
        target = normalise(spelling)
        if not target:
            continue
        score = None
        if allowed and abs(len(target) - len(wanted)) <= allowed:
            distance = edit_distance(wanted, target)
            if distance <= allowed:
                score = distance
        if score is None and allowed and len(target) > len(wanted):  # a start typed with a typo: "masc"
            distance = edit_distance(wanted, target[:len(wanted)])
            if distance <= 1:
                score = distance + 1
        if score is None and len(wanted) >= 2 and _initials(spelling) == wanted:
            score = 0.5
        if score is None:
            for run in sorted(runs, key=len, reverse=True):  # the longest part that is close wins
                run_allowed = _allowed_edits(run)
                if run_allowed and abs(len(target) - len(run)) <= run_allowed:
                    distance = edit_distance(run, target)
                    if distance <= run_allowed:
                        score = 3 + distance - len(run) / 100
                        break
        if score is not None and score < scored.get(item_id, float("inf")):
            scored[item_id] = score
    return sorted(scored, key=lambda item_id: scored[item_id])[:limit]
