"""Parsed data (the course, the interface messages) pickled in the user cache dir.

Each cached value is stored with the identity of the files it was built from (path, size,
modification time) and the llmtutor version; any edit or upgrade rebuilds it. A cache that
cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from llmtutor import __version__

FORMAT = 2
T = TypeVar("T")


def cache_dir() -> Path:
    configured = os.environ.get("LLMTUTOR_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    from llmtutor.paths import user_cache_dir

    return user_cache_dir()


def identity(paths: list[Path]) -> str | None:
    """What the value depends on, as text; None if a file cannot be looked at."""
    parts = [f"{__version__}:{FORMAT}"]
    try:
        for path in paths:
            info = path.stat()
            parts.append(f"{os.path.abspath(path)}\0{info.st_size}\0{info.st_mtime_ns}")
    except OSError:
        return None
    return "\n".join(parts)


def cached(name: str, paths: list[Path], build: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """`build()`, or its cached result when none of `paths` changed since it was cached."""
    wanted = identity(paths)
    target = cache_dir() / f"{name}.pickle"
    if wanted is not None:
        try:
            with open(target, "rb") as handle:
                stored, value = pickle.load(handle)
            if stored == wanted:
                return value
        except Exception:  # missing, stale, truncated or foreign: rebuild
            pass
    value = build()
    if wanted is not None and keep(value):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f"{name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump((wanted, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except OSError:
            pass
    return value
