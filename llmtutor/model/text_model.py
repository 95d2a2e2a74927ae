"""A language model that reads text: a causal Transformer together with its byte-level BPE tokenizer.

`generate` and `walk forward` use it; computing only. Tokens are ids of byte strings, so a token
may hold part of a character (a Chinese character is three UTF-8 bytes): the tokenizer's
`display` shows such a token readably, and `decode` joins the bytes of several tokens before
reading them as UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmtutor.model.transformer import Transformer


@dataclass(frozen=True)
class TextModel:
    """A causal Transformer and the tokenizer it was trained with (`encode`, `decode`, `display`)."""

    name: str  # what the learner calls it ("course")
    model: Transformer
    tokenizer: object  # llmtutor.model.bpe.Tokenizer, or anything with its encode/decode/display

    @property
    def n_ctx(self) -> int:
        return self.model.config.n_ctx

    @property
    def vocab_size(self) -> int:
        return self.model.config.vocab_size

    @property
    def meta(self) -> dict:
        return self.model.config.meta

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text))

    def decode(self, ids) -> str:
        """The text of token `ids`; bytes that do not make a whole UTF-8 character become U+FFFD."""
        return self.tokenizer.decode([int(i) for i in ids])

    def token_text(self, token: int) -> str:
        """A token as a learner reads it: ␣ for a space, ⟨e6⟩ for a byte that is part of a character."""
        return self.tokenizer.display(int(token))


MODEL_NAMES = ("text", "course")  # generate's default first
DEFAULT_MODEL = "text"  # it loops far less than the course model (docs/MODEL.md, "Generating text")
_LOADED: dict[str, TextModel] = {}


def model_path(name: str):
    """The shipped file of the text model `name`: "text" (the course text alone) or "course" (with repeats)."""
    from llmtutor.model.bpe import WEIGHTS

    return WEIGHTS / {"text": "course-text.npz", "course": "course.npz"}[name]


def load_text_model(name: str = DEFAULT_MODEL) -> TextModel:
    """A shipped text model with the course tokenizer, read once per process (float16 on disk, float32 here)."""
    if name not in _LOADED:
        from llmtutor.model.bpe import course_tokenizer
        from llmtutor.model.checkpoint import load_model

        _LOADED[name] = TextModel(name, load_model(model_path(name)), course_tokenizer())
    return _LOADED[name]
