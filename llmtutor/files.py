"""Reading and writing files without the usual traps.

- `write_atomically`: the whole new file or the old one, never a half-written or empty file (a
  full disk, SIGTERM mid-write): a fresh temporary file in the same folder, then a rename. The
  temporary file is created exclusively and a link is never followed, so a symbolic link planted
  at the file's name (or at a temporary name) is replaced, its target left untouched.
- `read_regular_file`: the bytes of a regular file; a FIFO, device or folder is refused at once
  instead of blocking forever on a read that never ends.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotARegularFile(OSError):
    """The path names a FIFO, a device or a folder."""


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` by a file holding `data`, all at once. Raises OSError (nothing changed)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def read_regular_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path` (at most `limit` + 1 of them); NotARegularFile for a FIFO or device."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)  # a FIFO opens at once instead of waiting for a writer
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read() if limit is None else handle.read(limit + 1)
    finally:
        if fd >= 0:
            os.close(fd)
