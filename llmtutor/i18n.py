"""Languages: which one the learner reads, and the table of interface messages.

Content texts carry both languages themselves (`Localized`); interface strings live in
`llmtutor/messages/*.yaml`, one file per area, each key mapping to `{en: ..., zh: ...}`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

LANGUAGES = ("en", "zh")
_MESSAGES_DIR = Path(__file__).parent / "messages"
_current = {"lang": None}


class Localized(NamedTuple):
    """A text in both languages."""

    en: str
    zh: str

    def get(self, lang: str | None = None) -> str:
        return self.zh if (lang or language()) == "zh" else self.en


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """`LLMTUTOR_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG` starting with zh), else en."""
    env = os.environ if environ is None else environ
    chosen = env.get("LLMTUTOR_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None) -> str:
    """Fix the language for this run (None: decide from the environment)."""
    _current["lang"] = lang if lang in LANGUAGES else language_from_environment()
    return _current["lang"]


def language() -> str:
    if _current["lang"] is None:
        set_language(None)
    return _current["lang"]  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _messages() -> dict[str, dict[str, str]]:
    from llmtutor.course.cache import cached

    return cached("messages", sorted(_MESSAGES_DIR.glob("*.yaml")), _read_messages)


def _read_messages() -> dict[str, dict[str, str]]:
    from llmtutor.course.yaml_io import safe_load_text

    table: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.yaml")):
        data = safe_load_text(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in table:
                raise RuntimeError(f"message {key!r} defined twice ({path.name})")
            table[key] = texts
    return table


def message(key: str, /, lang: str | None = None, **params: object) -> str:
    """The interface text `key` in `lang` (default: the learner's), with `{placeholders}` filled."""
    texts = _messages().get(key)
    if texts is None:
        return key
    template = texts.get(lang or language()) or texts.get("en", key)
    if not params:
        return template
    from llmtutor.render.safe_text import shown

    # whatever fills a placeholder may come from outside: made visible and bounded, here, once
    return template.format(**{name: value if isinstance(value, (int, float)) else shown(value)
                              for name, value in params.items()})


t = message


def label(key: str) -> str:
    """A label followed by its separator: "Goal: " in English, "目标：" in Chinese (no space after ：)."""
    text = message(key)
    return text if text.endswith(("：", " ")) else text + " "
