"""Presenting a question (shuffled choices) and grading what the learner typed.

Answer syntax, the same for typed answers, `--answers` files and `expected` in JSON:
single `B`; multiple `A,C`; true/false `true`/`false`; short answer: free text;
ordering: the shown item numbers in the right order, `3,1,2,4`; numeric `0.42`.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from llmtutor.course.model import Question

LETTERS = "ABCDEFGH"
TRUE_WORDS = {"true", "t", "yes", "y", "1", "对", "正确", "是", "真", "√", "✓"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "错", "错误", "否", "假", "×", "✗"}


@dataclass(frozen=True)
class Presented:
    """A question as shown: `order[i]` is the written index of the i-th shown choice or item."""

    question: Question
    order: tuple[int, ...] = ()

    def expected(self, lang: str) -> str:
        """The right answer, in the syntax a learner types."""
        q = self.question
        if q.type == "single":
            return LETTERS[self.order.index(q.answer[0])]
        if q.type == "multiple":
            return ",".join(sorted(LETTERS[self.order.index(i)] for i in q.answer))
        if q.type == "true_false":
            return "true" if q.answer else "false"
        if q.type == "short":
            return q.answer[lang][0]
        if q.type == "ordering":
            return ",".join(str(self.order.index(i) + 1) for i in range(len(q.items)))
        return format_number(q.answer)


def present(question: Question, rng: random.Random) -> Presented:
    """Shuffle the choices (or the items to order) with `rng`."""
    count = len(question.choices) or len(question.items)
    order = list(range(count))
    rng.shuffle(order)
    if question.type == "ordering" and count > 1 and order == sorted(order):
        order.reverse()  # never show the items already in the right order
    return Presented(question, tuple(order))


def format_number(value: float) -> str:
    text = f"{value:.6g}"
    return text


def normalise_text(text: str) -> str:
    """Case, spacing, full-width forms and punctuation at the edges do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = re.sub(r"\s+", " ", folded)
    folded = folded.strip(" .。!！?？,，;；:：'\"“”‘’")
    return folded.replace(" ", "")


def _letters(text: str) -> list[str] | None:
    cleaned = unicodedata.normalize("NFKC", text).upper()
    parts = [p for p in re.split(r"[\s,，、;；/]+", cleaned) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = list(parts[0])  # "AC" means A and C
    if not parts or any(len(p) != 1 or p not in LETTERS for p in parts):
        return None
    return parts


def _number(text: str) -> float | None:
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("_", "")
    try:
        if cleaned.endswith("%"):
            return float(cleaned[:-1]) / 100
        if "/" in cleaned:
            top, bottom = cleaned.split("/", 1)
            return float(top) / float(bottom)
        return float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None


def is_correct(presented: Presented, given: str) -> bool:
    """Grade one answer. A blank answer is a skipped, wrong answer."""
    q = presented.question
    given = (given or "").strip()
    if not given:
        return False
    if q.type in ("single", "multiple"):
        letters = _letters(given)
        if letters is None or any(LETTERS.index(x) >= len(presented.order) for x in letters):
            return False
        chosen = sorted({presented.order[LETTERS.index(x)] for x in letters})
        if q.type == "single" and len(chosen) != 1:
            return False
        return tuple(chosen) == tuple(q.answer)
    if q.type == "true_false":
        word = normalise_text(given)
        if word in TRUE_WORDS:
            return q.answer is True
        if word in FALSE_WORDS:
            return q.answer is False
        return False
    if q.type == "short":
        wanted = normalise_text(given)
        accepted = {normalise_text(a) for lang in ("en", "zh") for a in q.answer[lang]}
        return wanted in accepted
    if q.type == "ordering":
        parts = [p for p in re.split(r"[\s,，、;；>\-]+", unicodedata.normalize("NFKC", given)) if p]
        if len(parts) != len(q.items) or not all(p.isdigit() for p in parts):
            return False
        shown = [int(p) - 1 for p in parts]
        if sorted(shown) != list(range(len(q.items))):
            return False
        return [presented.order[i] for i in shown] == list(range(len(q.items)))
    value = _number(given)
    return value is not None and abs(value - float(q.answer)) <= q.tolerance + 1e-12 * max(1.0, abs(q.answer))


def is_valid_syntax(presented: Presented, given: str) -> bool:
    """Whether the text is an answer of the right form (used to re-ask in interactive quizzes)."""
    q = presented.question
    given = (given or "").strip()
    if q.type in ("single", "multiple"):
        letters = _letters(given)
        return letters is not None and all(LETTERS.index(x) < len(presented.order) for x in letters)
    if q.type == "true_false":
        return normalise_text(given) in TRUE_WORDS | FALSE_WORDS
    if q.type == "ordering":
        parts = [p for p in re.split(r"[\s,，、;；>\-]+", unicodedata.normalize("NFKC", given)) if p]
        return len(parts) == len(q.items) and all(p.isdigit() for p in parts)
    if q.type == "numeric":
        return _number(given) is not None
    return bool(given)
