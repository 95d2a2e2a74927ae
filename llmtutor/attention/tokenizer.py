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
from bisect import bisect_right

from llmtutor.errors import TutorError

# ESC [ params final (CSI), ESC ] text BEL|ESC\ (OSC), ESC intermediates final, ESC single;
# and the 8-bit CSI. Whatever survives of a broken sequence is dropped as control characters.
_ESCAPE_SEQUENCE = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]+[0-~]"
    r"|\x1b[@-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)

# Code-point ranges (first, last) of the characters that are a token each, sorted. A range check
# rather than a regex character class: compiling that class (astral ranges) cost 10-20 ms at
# every start of `attention` and `walk`.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々〆〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31A0, 0x31BF),  # Bopomofo extended
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # Han ideographs, extension A
    (0x4E00, 0x9FFF),  # Han ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo extended B
    (0xF900, 0xFAFF),  # Han compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0xFFA0, 0xFFDC),  # half-width Hangul
    (0x1B000, 0x1B16F),  # kana supplement and extended
    (0x20000, 0x323AF),  # Han ideographs, extensions B-H
)
_CJK_FIRSTS = tuple(first for first, _ in _CJK_RANGES)


def _is_cjk(ch: str) -> bool:
    """True when the character `ch` is Han, kana, Hangul or Bopomofo (one of _CJK_RANGES)."""
    code = ord(ch)
    index = bisect_right(_CJK_FIRSTS, code) - 1
    return index >= 0 and code <= _CJK_RANGES[index][1]


_APOSTROPHES = "'\u2019"  # ' and ’
_SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")  # first, last: compared, not a compiled regex (start-up)
_REGIONAL_INDICATORS = ("\U0001f1e6", "\U0001f1ff")
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
    text = unicodedata.normalize("NFC", text)
    if "\x1b" in text or "\x9b" in text:  # compiled only then: ~3M instructions at every start
        text = re.sub(_ESCAPE_SEQUENCE, "", text)
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            kept.append(ch)
    return "".join(kept)


def _kind(ch: str) -> str:
    """'cjk', 'word' (letter or digit), 'mark' (combining) or 'other' (a token on its own)."""
    if _is_cjk(ch):
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
    if _SKIN_TONES[0] <= ch <= _SKIN_TONES[1]:
        return True
    first, last = _REGIONAL_INDICATORS
    return first <= ch <= last and len(previous) == 1 and first <= previous <= last
