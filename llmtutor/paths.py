"""Where llmtutor keeps the learner's data and its cache.

`LLMTUTOR_HOME` / `LLMTUTOR_CACHE` win. Otherwise platformdirs decides, except on Linux and
the BSDs, where the XDG rule it applies is two lines and importing platformdirs would cost
~4 ms on every start (a look-up takes ~150 ms in all).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "llmtutor"


def _xdg(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable, "").strip()
    return Path(base if os.path.isabs(base) else os.path.expanduser(fallback)) / APP


def _uses_xdg() -> bool:
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def user_data_dir() -> Path:
    if _uses_xdg():
        return _xdg("XDG_DATA_HOME", "~/.local/share")
    from platformdirs import user_data_dir as platform_data_dir

    return Path(platform_data_dir(APP, appauthor=False))


def user_cache_dir() -> Path:
    if _uses_xdg():
        return _xdg("XDG_CACHE_HOME", "~/.cache")
    from platformdirs import user_cache_dir as platform_cache_dir

    return Path(platform_cache_dir(APP, appauthor=False))


def learner_home() -> Path:
    """`$LLMTUTOR_HOME`, else the user data dir: where the progress store, settings and models live."""
    home = os.environ.get("LLMTUTOR_HOME", "").strip()
    return Path(home).expanduser() if home else user_data_dir()
