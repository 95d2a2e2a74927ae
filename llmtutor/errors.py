"""The one exception type for problems a learner or content author can fix.

Raised anywhere with a message key from `llmtutor/messages/*.yaml` and its parameters; the CLI
catches it once, words it in the learner's language and exits with `exit_code`.
"""

from __future__ import annotations


class TutorError(Exception):
    """A learner-facing error: `key` names a message, `params` fill its placeholders."""

    def __init__(self, key: str, /, exit_code: int = 2, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.exit_code = exit_code
        self.params = params

    def __str__(self) -> str:  # readable in tests and notebooks, in English
        from llmtutor.i18n import message

        return message(self.key, lang="en", **self.params)
