"""Presenting a question (shuffled choices) and grading what the learner typed, fairly.

Answer syntax, the same for typed answers, `--answers` files and `expected` in JSON:
single `B`; multiple `A,C`; true/false `true`/`false`; short answer: free text;
ordering: the shown item numbers in the right order, `3,1,2,4`; numeric `0.42`.

A grade is a score from 0 to 1: multiple-answer and ordering questions earn partial credit
(`max(0, right − wrong) / rights`, and the fraction of items in their place). Short answers are
compared after folding (case, width, hyphens, spaces, articles, plurals, traditional characters),
with the glossary's spellings of the answer's term, and forgive one typo in a long answer unless
the typed text is another term (a near miss, said so).
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass

from llmtutor.course.model import UNIT_SPELLINGS, Question

LETTERS = "ABCDEFGH"
TRUE_WORDS = {"true", "t", "yes", "y", "1", "对", "正确", "是", "真", "√", "✓", "是的", "对的", "正确的", "真的"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "错", "错误", "否", "假", "×", "✗", "不对", "不是", "不正确", "错的",
               "假的", "错误的", "不"}
# What may surround a single clear choice: "(C)", "C.", "C)", "选C", "答案是 C", "answer: C".
CHOICE_WRAPPER = re.compile(r"^(?:选择?|答案是?|答|answer)?\s*[:：]?\s*[(\[（【]?\s*([A-Za-z])\s*[)\]）】]?\s*[.。:：]?$",
                            re.IGNORECASE)
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?"
ARTICLES = re.compile(r"^(?:the|an|a)\s+")
CJK = re.compile(r"[\u3400-\u9fff]")


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
        number = format_number(q.answer)
        if q.unit == "percent":
            return number + "%"
        return f"{number} {q.unit}" if q.unit else number


@dataclass(frozen=True)
class Grade:
    """How an answer was graded: `score` 1 is full marks, 0 none, between is partial credit."""

    score: float
    picked: tuple[int, ...] = ()  # written indexes of the choices picked, or of the items in the order given
    near_miss: str = ""  # the accepted spelling when a typo was forgiven

    @property
    def correct(self) -> bool:
        return self.score >= 1.0

    @property
    def partial(self) -> bool:
        return 0.0 < self.score < 1.0


def present(question: Question, rng: random.Random) -> Presented:
    """Shuffle the choices (or the items to order) with `rng`."""
    count = len(question.choices) or len(question.items)
    order = list(range(count))
    rng.shuffle(order)
    if question.type == "ordering" and count > 1 and order == sorted(order):
        order.reverse()  # never show the items already in the right order
    return Presented(question, tuple(order))


def format_number(value: float) -> str:
    """Exact integers exactly (2097152, never 2.09715e+06); other numbers as short as they are exact."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
        return str(int(value))
    text = f"{value:.12g}"
    return text


def normalise_text(text: str) -> str:
    """Case, spacing, full-width forms and punctuation at the edges do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = re.sub(r"\s+", " ", folded)
    folded = folded.strip(" .。!！?？,，;；:：'\"“”‘’")
    return folded.replace(" ", "")


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """A short answer as compared: `normalise_text`, plus hyphens and spaces, leading articles,
    English plurals and traditional characters folded away."""
    from llmtutor.quiz.hanzi import simplified

    folded = simplified(unicodedata.normalize("NFKC", text).casefold())
    folded = re.sub(r"[-‐‑–—_/·・]+", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip(" .。!！?？,，;；:：'\"“”‘’")
    folded = ARTICLES.sub("", folded)
    return "".join(_singular(word) for word in folded.split(" "))


def _edit_distance_is_one(a: str, b: str) -> bool:
    """Exactly one insertion, deletion or substitution apart (Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:] if len(a) < len(b) else a[i + 1:] == b[i + 1:]


def _long_enough_for_a_typo(answer: str) -> bool:
    """At least 6 letters, or 4 Chinese characters."""
    chinese = len(CJK.findall(answer))
    return chinese >= 4 if chinese else len(answer) >= 6


def _letters(text: str) -> list[str] | None:
    """The letters named, or None when the text is not a clear choice of letters ("CC" is doubled)."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    wrapped = CHOICE_WRAPPER.match(cleaned)
    if wrapped:
        cleaned = wrapped.group(1)
    cleaned = cleaned.upper()
    parts = [p for p in re.split(r"[\s,，、;；/]+", cleaned) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = list(parts[0])  # "AC" means A and C
    if not parts or any(len(p) != 1 or p not in LETTERS for p in parts):
        return None
    if len(set(parts)) != len(parts):
        return None  # a doubled letter is not a clear answer
    return parts


def _strip_unit(text: str, unit: str) -> tuple[str, bool]:
    """The text without a trailing spelling of `unit` (and whether one was there)."""
    lowered = text.casefold()
    for spelling in sorted(UNIT_SPELLINGS.get(unit, ()), key=len, reverse=True):
        if lowered.endswith(spelling.casefold()) and len(lowered) > len(spelling):
            return text[: len(text) - len(spelling)].strip(), True
    return text, False


def _number(text: str, unit: str = "") -> float | None:
    """A typed number: thousands separators, `2^21`, `2.1e6`, `2.1×10^6`, `a/b`, a Unicode minus,
    `15%` (a fraction unless the unit is percent), the question's unit after the number."""
    cleaned = text.strip().translate(str.maketrans({"−": "-", "﹣": "-", "－": "-"}))
    cleaned = re.sub(r"([0-9])([⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)", lambda m: m.group(1) + "^" + m.group(2).translate(SUPERSCRIPTS),
                     cleaned)
    cleaned = unicodedata.normalize("NFKC", cleaned).strip().casefold()
    if unit:
        cleaned, _ = _strip_unit(cleaned, unit)
    scale = 1.0
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
        scale = 1.0 if unit == "percent" else 0.01
    cleaned = cleaned.replace("_", "")
    if re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"[-+]?\d{1,3}(?:[  ]\d{3})+(?:\.\d+)?", cleaned):
        cleaned = re.sub(r"[  ]", "", cleaned)
    cleaned = re.sub(r"\s+", "", cleaned)
    try:
        if re.fullmatch(NUMBER, cleaned):
            value = float(cleaned)
        elif found := re.fullmatch(rf"({NUMBER})[x×*·](10)(?:\^|\*\*)([-+]?\d+)", cleaned):
            value = float(found.group(1)) * 10.0 ** int(found.group(3))
        elif found := re.fullmatch(r"([-+]?\d+(?:\.\d+)?)(?:\^|\*\*)([-+]?\d+)", cleaned):
            exponent = int(found.group(2))
            if abs(exponent) > 400:
                return None
            value = float(found.group(1)) ** exponent
        elif found := re.fullmatch(rf"({NUMBER})/({NUMBER})", cleaned):
            value = float(found.group(1)) / float(found.group(2))
        else:
            return None
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    value *= scale
    return value if math.isfinite(value) else None


def _ordering(text: str) -> list[int] | None:
    parts = [p for p in re.split(r"[\s,，、;；>\-]+", unicodedata.normalize("NFKC", text)) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) - 1 for p in parts]


def accepted_spellings(question: Question, glossary=None) -> dict[str, str]:
    """{folded spelling: spelling as written} of a short answer, widened by the glossary: when an
    accepted answer names a term, every spelling of that term (id, names, aliases) is accepted."""
    spellings: dict[str, str] = {}
    for lang in ("en", "zh"):
        for answer in question.answer[lang]:
            spellings.setdefault(fold(answer), answer)
    if glossary is not None:
        for term_id in _terms_named(question, glossary):
            term = glossary.term(term_id)
            for spelling in term.spellings() if term else ():
                spellings.setdefault(fold(spelling), spelling)
    return spellings


def _terms_named(question: Question, glossary) -> set[str]:
    from llmtutor.course.lookup import normalise

    index = glossary.term_index
    return {index[key] for lang in ("en", "zh") for a in question.answer[lang] if (key := normalise(a)) in index}


def grade(presented: Presented, given: str, glossary=None) -> Grade:
    """Grade one answer. A blank answer is a skipped, wrong answer. `glossary` (the course) lets
    short answers use the glossary's spellings and refuse a "typo" that is another term."""
    q = presented.question
    given = (given or "").strip()
    if not given:
        return Grade(0.0)
    if q.type in ("single", "multiple"):
        letters = _letters(given)
        if letters is None or any(LETTERS.index(x) >= len(presented.order) for x in letters):
            return Grade(0.0)
        picked = tuple(presented.order[LETTERS.index(x)] for x in letters)
        if q.type == "single":
            return Grade(1.0 if len(picked) == 1 and picked[0] == q.answer[0] else 0.0, picked)
        right = sum(1 for i in picked if i in q.answer)
        wrong = len(picked) - right
        return Grade(max(0, right - wrong) / len(q.answer), picked)
    if q.type == "true_false":
        word = normalise_text(given)
        if word in TRUE_WORDS:
            return Grade(1.0 if q.answer is True else 0.0)
        if word in FALSE_WORDS:
            return Grade(1.0 if q.answer is False else 0.0)
        return Grade(0.0)
    if q.type == "short":
        return _grade_short(q, given, glossary)
    if q.type == "ordering":
        shown = _ordering(given)
        count = len(q.items)
        if shown is None or sorted(shown) != list(range(count)):
            return Grade(0.0)
        items = tuple(presented.order[i] for i in shown)
        return Grade(sum(1 for place, item in enumerate(items) if place == item) / count, items)
    value = _number(given, q.unit)
    if value is None:
        return Grade(0.0)
    close = abs(value - float(q.answer)) <= q.tolerance + 1e-12 * max(1.0, abs(q.answer))
    return Grade(1.0 if close else 0.0)


def _grade_short(q: Question, given: str, glossary) -> Grade:
    from llmtutor.course.lookup import normalise

    spellings = accepted_spellings(q, glossary)
    typed = fold(given)
    if typed in spellings:
        return Grade(1.0)
    if glossary is not None:
        other = glossary.term_index.get(normalise(given))
        if other is not None and other not in _terms_named(q, glossary):
            return Grade(0.0)  # another term, however close its spelling
    for folded, written in spellings.items():
        if _long_enough_for_a_typo(folded) and _edit_distance_is_one(typed, folded):
            return Grade(1.0, near_miss=written)
    return Grade(0.0)


def is_correct(presented: Presented, given: str, glossary=None) -> bool:
    """Full marks?"""
    return grade(presented, given, glossary).correct


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
        shown = _ordering(given)
        return shown is not None and len(shown) == len(q.items)
    if q.type == "numeric":
        return _number(given, q.unit) is not None
    return bool(given)
