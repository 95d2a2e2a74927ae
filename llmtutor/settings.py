"""The learner's settings: a small JSON file beside the progress store (`settings.json`).

Only known keys with allowed values are read; anything else in the file is ignored, so a file
written by hand or by another program can never change more than these settings (JSON is data:
nothing in it runs). Writing is atomic: a temporary file renamed over the old one.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024
ALLOWED = {"lang": ("en", "zh")}


def learner_home() -> Path:
    """`$LLMTUTOR_HOME`, else the platform's user data dir (`paths.learner_home`)."""
    from llmtutor.paths import learner_home as home

    return home()


def settings_path() -> Path:
    return learner_home() / FILE_NAME


def read_settings() -> dict[str, str]:
    """The valid settings saved so far ({} when there is no file or it cannot be read)."""
    try:
        path = settings_path()
        if path.stat().st_size > MAX_BYTES:
            return {}
        import json  # only when there is a file: most start-ups have none

        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key in ALLOWED and value in ALLOWED[key]}


def save_setting(key: str, value: str | None) -> Path:
    """Set `key` to `value` (None removes it); OSError if the file cannot be written."""
    settings = read_settings()
    if value is None:
        settings.pop(key, None)
    else:
        settings[key] = value
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    import json

    from llmtutor.files import write_atomically

    write_atomically(path, (json.dumps(settings, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path
