"""A small, predictable tokenizer for the learner's own sentences, in English, Chinese or both.

Real models use learned subword vocabularies (BPE); here a token is something a learner can
point at: an English word, a single CJK character, a punctuation mark or an emoji.

    tokenize("The cat didn't sit.")  ->  ["The", "cat", "didn't", "sit", "."]
    tokenize("猫坐在垫子上。")         ->  ["猫", "坐", "在", "垫", "子", "上", "。"]
    tokenize("我爱NLP!")              ->  ["我", "爱", "NLP", "!"]

Rules, character by character after NFC normalisation:
- whitespace separates tokens and is never part of one;
- terminal escape sequences (ESC [ … m and the like) and every control or format character
  (Unicode categories Cc, Cf; lone surrogates Cs) are dropped;
- letters and digits (any script outside CJK) run together into a word; an apostrophe between
  letters stays inside the word ("don't"), a decimal point between digits stays in the number;
- each Han, Hiragana, Katakana, Hangul or Bopomofo character is a token of its own;
- every other character (punctuation, CJK punctuation such as ，。, symbols, emoji) is its own
  token; combining marks stay with the character before them, a skin-tone modifier with its
  emoji, and two regional-indicator letters form one flag. (Format characters such as the
  zero-width joiner are dropped, so a joined emoji family becomes one token per person.)
"""

from __future__ import annotations

import re
import unicodedata

from llmtutor.errors import TutorError

# ESC [ params final (CSI), ESC ] text BEL|ESC\ (OSC), ESC intermediates final, ESC single;
# and the 8-bit CSI. Whatever survives of a broken sequence is dropped as control characters.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]+[0-~]"
    r"|\x1b[@-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)

_CJK_CHARACTER = re.compile(
    "["
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b"  # radicals, 々〆〇, Hangzhou numerals
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"  # Han ideographs
    "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f\U0001b000-\U0001b16f"  # kana
    "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc"  # Hangul
    "\u3100-\u312f\u31a0-\u31bf"  # Bopomofo
    "]"
)
_APOSTROPHES = "'\u2019"  # ' and ’
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")
_REGIONAL_INDICATOR = re.compile("[\U0001f1e6-\U0001f1ff]")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}


def tokenize(text: str, max_tokens: int = 2048) -> list[str]:
    """Split learner text into tokens (see the module docstring for the rules).

    Raises TutorError "text_empty" when nothing but whitespace or control characters is left,
    and "text_too_long" (params count, limit) when there are more than `max_tokens` tokens.
    Any other str is tokenized without error.
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize needs a str, got {type(text).__name__}")
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    tokens = _split(clean_text(text))
    if not tokens:
        raise TutorError("text_empty")
    if len(tokens) > max_tokens:
        raise TutorError("text_too_long", count=len(tokens), limit=max_tokens)
    return tokens


def clean_text(text: str) -> str:
    """NFC text with escape sequences and control/format characters gone, whitespace as ' '."""
    # Normalise first, so that nothing NFC produces can escape the filter below.
    text = _ESCAPE_SEQUENCE.sub("", unicodedata.normalize("NFC", text))
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            kept.append(ch)
    return "".join(kept)


def _kind(ch: str) -> str:
    """'cjk', 'word' (letter or digit), 'mark' (combining) or 'other' (a token on its own)."""
    if _CJK_CHARACTER.match(ch):
        return "cjk"
    category = unicodedata.category(ch)[0]
    if category in "LN":
        return "word"
    if category == "M":
        return "mark"
    return "other"


def _split(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""  # the letters and digits read so far of the current word
    touching = False  # does the last token end right before this character (no space)?

    def next_is_word(i: int) -> bool:
        return i + 1 < len(text) and _kind(text[i + 1]) == "word"

    for i, ch in enumerate(text):
        if ch == " ":
            if word:
                tokens.append(word)
                word = ""
            touching = False
            continue
        kind = _kind(ch)
        if kind == "word":
            word += ch
        elif word and kind == "mark":
            word += ch
        elif word and ch in _APOSTROPHES and next_is_word(i):
            word += ch  # don't, l'été
        elif word and ch == "." and word[-1].isdecimal() and next_is_word(i) and text[i + 1].isdecimal():
            word += ch  # 3.14
        else:
            if word:
                tokens.append(word)
                word = ""
            if touching and tokens and _extends(tokens[-1], ch, kind):
                tokens[-1] += ch
            else:
                tokens.append(ch)
        touching = True
    if word:
        tokens.append(word)
    return tokens


def _extends(previous: str, ch: str, kind: str) -> bool:
    """Does `ch` belong to the token just before it (a mark, a skin tone, a flag's second half)?"""
    if kind == "mark":
        return True
    if _SKIN_TONES.match(ch):
        return True
    is_flag_half = _REGIONAL_INDICATOR.match
    return bool(is_flag_half(ch)) and len(previous) == 1 and bool(is_flag_half(previous))
