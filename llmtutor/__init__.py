"""llmtutor: a terminal tutor for how large language models work."""

__version__ = "0.1.0"
