"""The parsed course, pickled in the user cache dir so look-ups start instantly.

The key covers every content file's path, size and modification time plus the llmtutor
version, so any edit (or an upgrade) reads the YAML afresh. Only a course without errors is
cached; a cache that cannot be read or written is simply ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from llmtutor import __version__

FORMAT = 1


def cache_dir() -> Path:
    configured = os.environ.get("LLMTUTOR_CACHE", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("llmtutor", appauthor=False))


def course_key(paths: list[Path]) -> str | None:
    """A digest of the files' identities, or None if one cannot be read."""
    digest = hashlib.sha256(f"{__version__}:{FORMAT}".encode())
    try:
        for path in paths:
            info = path.stat()
            digest.update(f"{path.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
    except OSError:
        return None
    return digest.hexdigest()[:32]


def read(key: str):
    try:
        with open(cache_dir() / f"course-{key}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a stale, truncated or foreign cache is never fatal
        return None


def write(key: str, course) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("course-*.pickle"):
            old.unlink(missing_ok=True)
        temporary = folder / f"course-{key}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(course, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"course-{key}.pickle")
    except OSError:
        pass
