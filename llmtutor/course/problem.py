"""One problem found in a content file, worded in the learner's language on demand."""

from typing import NamedTuple

from llmtutor.i18n import message


class Problem(NamedTuple):
    """One thing wrong in a content file."""

    path: str
    line: int
    key: str
    params: dict | None = None
    warning: bool = False

    def text(self, lang: str | None = None) -> str:
        params = dict(self.params or {})
        for name in ("kind", "language", "learner"):
            if name in params:
                params[name] = message(str(params[name]), lang)
        if not self.path:  # about the whole bank, not one place
            return message(self.key, lang, **params)
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {message(self.key, lang, **params)}"
