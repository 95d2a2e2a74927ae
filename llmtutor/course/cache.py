"""Parsed data pickled in the user cache dir; it only ever saves time.

Two kinds of entry:
- `cached`: a value built from several files (the course, its catalog, the interface messages),
  stored with their identity (path, size, modification time) and the llmtutor version; any edit
  or upgrade rebuilds it.
- `ParsedFiles`: the YAML of each content file, kept with the bytes it came from, so an edit of
  any kind (even one that keeps size and time) parses that file again while the others are reused.
  What is built from the parsed values (typed records, every check) is computed on every load.
A cache that cannot be read or written is ignored.

No cache file can run code: pickles are read by `_RecordUnpickler`, which admits only the
course's own record types (`ALLOWED`: NamedTuples, the located YAML values, `Course`) and
refuses every other global (`os.system`, `builtins.eval`, ...) before it is looked up, so a file
planted in the cache folder is at worst a value to rebuild, never a program. Files are written
through a fresh temporary file (never following a link) and renamed into place.
"""

from __future__ import annotations

import gc
import os
import pickle
import stat
from contextlib import contextmanager
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


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a large acyclic structure is built (pickle, YAML).

    CPython would otherwise walk the young objects again each time enough new containers appear,
    and none of them is garbage: about 5% of the course's loading time here.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# The only globals a cache file may name: the course's own records. Nothing callable beyond them.
ALLOWED = {
    "llmtutor.i18n": {"Localized"},
    "llmtutor.course.model": {"TimelineEntry", "Figure", "Correction", "Section", "Source", "Lesson", "Term",
                              "WalkthroughInfo", "Question", "Course"},
    "llmtutor.course.located": {"LocatedMap", "LocatedList"},
    "llmtutor.course.loader": {"LoadResult"},
    "llmtutor.course.problem": {"Problem"},
}


class _RecordUnpickler(pickle.Unpickler):
    """An unpickler that builds course records and plain values, and refuses anything else."""

    def find_class(self, module: str, name: str):
        if name in ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a course record")


def load_records(data: bytes):
    """Unpickle `data` admitting only course records (UnpicklingError otherwise)."""
    import io

    return _RecordUnpickler(io.BytesIO(data)).load()


def _read(target: Path):
    try:
        # non-blocking: a FIFO planted at the name would block a plain open (harmless for a file)
        with open(os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle, gc_paused():
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return _RecordUnpickler(handle).load()
    except Exception:  # missing, truncated, foreign, not a file or refused: rebuild
        return None


def _write(target: Path, value: object) -> None:
    from llmtutor.files import write_atomically

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), mode=0o600)
    except OSError:
        pass


def cached(name: str, paths: list[Path], build: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
    """`build()`, or its cached result when none of `paths` changed since it was cached."""
    wanted = identity(paths)
    target = cache_dir() / f"{name}.pickle"
    if wanted is not None:
        stored = _read(target)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == wanted:
            return stored[1]
    value = build()
    if wanted is not None and keep(value):
        _write(target, (wanted, value))
    return value


class ParsedFiles:
    """The parsed YAML of content files, reused while a file's bytes stay the same.

    One pickle (`parsed.pickle`) holds an entry per file path: the bytes that were parsed (compared
    whole: cheaper than hashing them, and exact) and the parsed value, itself pickled so that
    nothing done to a value later can change what is kept. `code` is the parser's source: a
    changed parser never meets an old entry. Use `parse` for each file, then `save` once.
    """

    def __init__(self, code: list[Path]) -> None:
        self.stamp = identity(code)
        self.target = cache_dir() / "parsed.pickle"
        stored = _read(self.target) if self.stamp is not None else None
        valid = isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.stamp
        self.kept: dict[str, tuple[bytes, bytes]] = stored[1] if valid else {}  # path → (bytes, pickle)
        self.changed = False

    def parse(self, source: Path, raw: bytes, parse: Callable[[bytes], T]) -> T:
        """`parse(raw)`, or what it returned when `source` last held exactly these bytes.

        Whatever `parse` raises is raised again and nothing is kept for the file.
        """
        key = os.path.abspath(source)
        entry = self.kept.get(key)
        if entry is not None and entry[0] == raw:
            try:
                return load_records(entry[1])
            except Exception:  # a damaged entry: parse again
                pass
        value = parse(raw)
        self.kept[key] = (raw, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self.changed = True
        return value

    def save(self) -> None:
        """Keep what changed; entries of files that no longer exist are dropped."""
        if self.changed and self.stamp is not None:
            kept = {path: entry for path, entry in self.kept.items() if os.path.exists(path)}
            _write(self.target, (self.stamp, kept))
