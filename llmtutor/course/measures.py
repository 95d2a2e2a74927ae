"""Measures of a question bank as an assessment designer takes them: cues a learner who knows
nothing could use, and the scores of such "test-wise" learners next to chance.

Run by `llmtutor validate` only (never while loading the course): the checks compare every pair
of questions. The rules are explained to authors in docs/CONTENT.md ("Keep the cues out").
"""

from __future__ import annotations

import itertools
import math
import re
from typing import NamedTuple

from rich.cells import cell_len

from llmtutor.course.model import Course, Question
from llmtutor.course.problem import Problem

LANGS = ("en", "zh")
# The right choice is longest (shortest) by a clear margin when it is at least this much longer
# (shorter) than every other choice, both relatively and in terminal cells.
MARGIN_RATIO = 0.15
MARGIN_CELLS = 4
# Two questions are near duplicates when their stems with their keys share this much
# (Jaccard similarity of English word stems, or of Chinese character pairs).
SIMILAR_EN = 0.40
SIMILAR_ZH = 0.45
SHARED_WORDS = 4  # and at least this many words (twice as many Chinese character pairs) in common
# A test-wise score further than this (in points) from chance is a warning.
CHANCE_POINTS = 5.0

STOP_EN = frozenset("""a an the of to in on for and or is are was were be been by with as at that this
these those which what who how does do did it its from than into true false not no can each one""".split())
STOP_ZH = frozenset("的了是在和与或及一这那个中为对于其判断错")
QUOTED = re.compile(r"[\"“「][^\"”」]{30,}[\"”」]")  # a quoted passage several questions may share
MARKUP = re.compile(r"[*`]")
NUMBER = re.compile(r"(?<![\d.])\d+(?:[.,]\d+)*(?![\d])")
CJK = re.compile(r"[\u3400-\u9fff]")


class Score(NamedTuple):
    """One test-wise learner over the questions it applies to: fractions of 1."""

    key: str  # message key of the learner's strategy
    types: str  # the question types it applies to, as written in the bank
    count: int
    en: float
    zh: float
    chance: float


def _where(question: Question) -> tuple[str, int]:
    path, _, line = question.path.rpartition(":")
    return (path, int(line)) if line.isdigit() else (question.path, 0)


def _plain(text: str) -> str:
    return MARKUP.sub("", text).strip()


def _problem(question: Question, message_key: str, **params: object) -> Problem:
    path, line = _where(question)
    return Problem(path, line, message_key, {"where": f'question "{question.id}": ', **params}, warning=True)


def measure(course: Course) -> tuple[list[Problem], list[Score]]:
    """Warnings about cues in the bank, and the scores of test-wise learners."""
    questions = [q for q in course.questions if q.path]  # generated exercises have no file
    problems: list[Problem] = []
    problems += _length_cues(questions)
    problems += _true_false_balance(course, questions)
    problems += _near_duplicates(questions)
    problems += _give_aways(questions)
    scores = scores_of(questions)
    for score in scores:
        for lang in LANGS:
            value = getattr(score, lang)
            if score.count and abs(value - score.chance) * 100 > CHANCE_POINTS:
                problems.append(Problem("", 0, "warn_testwise", {
                    "learner": score.key, "language": f"lang_{lang}", "score": f"{100 * value:.0f}",
                    "chance": f"{100 * score.chance:.0f}", "limit": f"{CHANCE_POINTS:g}"}, warning=True))
    return problems, scores


# --- the length of the right choice ---------------------------------------------------------

def _cells(text: str) -> int:
    return cell_len(_plain(text))


def _length_cues(questions: list[Question]) -> list[Problem]:
    found = []
    for q in questions:
        if q.type != "single" or len(q.choices) < 2:
            continue
        key = q.answer[0]
        for lang in LANGS:
            lengths = [_cells(choice.get(lang)) for choice in q.choices]
            mine = lengths[key]
            others = [n for i, n in enumerate(lengths) if i != key]
            longest, shortest = max(others), min(others)
            if mine >= longest * (1 + MARGIN_RATIO) and mine - longest >= MARGIN_CELLS:
                found.append(_problem(q, "warn_key_longest", language=f"lang_{lang}", right=mine, other=longest))
            elif shortest >= mine * (1 + MARGIN_RATIO) and shortest - mine >= MARGIN_CELLS:
                found.append(_problem(q, "warn_key_shortest", language=f"lang_{lang}", right=mine, other=shortest))
    return found


# --- true/false balance per lesson ------------------------------------------------------------

def true_range(count: int) -> tuple[int, int]:
    """How many of a lesson's `count` true/false questions should be true: 40–60 %, rounded
    outwards, and at least one of each kind once there are two."""
    low, high = math.floor(0.4 * count), math.ceil(0.6 * count)
    if count >= 2:
        low, high = max(low, 1), min(high, count - 1)
    return low, high


def _true_false_balance(course: Course, questions: list[Question]) -> list[Problem]:
    found = []
    by_lesson: dict[str, list[Question]] = {}
    for q in questions:
        if q.type == "true_false":
            by_lesson.setdefault(q.lesson, []).append(q)
    for lesson, items in by_lesson.items():
        true = sum(1 for q in items if q.answer is True)
        low, high = true_range(len(items))
        if not low <= true <= high:
            path, _ = _where(items[0])
            found.append(Problem(path, 0, "warn_true_false_balance",
                                 {"lesson": lesson, "true": true, "count": len(items), "low": low, "high": high},
                                 warning=True))
    return found


# --- near duplicates and give-aways ------------------------------------------------------------

def key_text(q: Question, lang: str) -> str:
    """The right answer as words: the key choices, the first accepted short answer, the number."""
    if q.type in ("single", "multiple"):
        return " ".join(q.choices[i].get(lang) for i in q.answer)
    if q.type == "short":
        return q.answer[lang][0]
    if q.type == "numeric":
        return f"{q.answer:g}"
    return ""


def words(text: str, lang: str) -> set[str]:
    """Content words: English word stems (first five letters), or Chinese characters and Latin words."""
    text = _plain(text).lower()
    latin = {w[:5] for w in re.findall(r"[a-z0-9]+(?:[.'][a-z0-9]+)*", text) if w not in STOP_EN}
    if lang == "en":
        return latin
    return latin | {ch for ch in CJK.findall(text) if ch not in STOP_ZH}


def _pairs(text: str) -> set[str]:
    """Chinese text as overlapping pairs of characters (letters and digits kept)."""
    kept = re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", _plain(text).lower())
    return {kept[i:i + 2] for i in range(len(kept) - 1)}


def _jaccard(a: set, b: set, least: int) -> float:
    """Shared over all; 0 when fewer than `least` are shared (short stems say little)."""
    shared = len(a & b)
    return shared / len(a | b) if shared >= least else 0.0


def similarity(a: Question, b: Question) -> float:
    """How alike two questions are (stem and key), 0 to 1: the larger of the two languages."""
    def stem(q: Question, lang: str) -> str:
        return QUOTED.sub(" ", q.prompt.get(lang)) + " " + key_text(q, lang)

    en = _jaccard(words(stem(a, "en"), "en"), words(stem(b, "en"), "en"), SHARED_WORDS)
    zh = _jaccard(_pairs(stem(a, "zh")), _pairs(stem(b, "zh")), 2 * SHARED_WORDS)
    return max(en, zh * SIMILAR_EN / SIMILAR_ZH)


def _near_duplicates(questions: list[Question]) -> list[Problem]:
    found = []
    for a, b in itertools.combinations(questions, 2):
        share = similarity(a, b)
        if share >= SIMILAR_EN:
            path, line = _where(a)
            found.append(_problem(b, "warn_near_duplicate", other=a.id, at=f"{path}:{line}",
                                  share=f"{100 * share:.0f}"))
    return found


def _answer_spellings(q: Question, lang: str) -> list[str]:
    """What a stem must not say for `q` to stay a question: short answers, distinctive numbers."""
    if q.type == "short":
        minimum = 2 if lang == "zh" else 4
        return [a for a in q.answer[lang] if len(a.strip()) >= minimum]
    if q.type == "numeric":
        text = f"{q.answer:g}"
        return [text] if _distinctive(text) else []
    if q.type == "single":
        return [n for n in NUMBER.findall(_plain(key_text(q, lang))) if _distinctive(n)]
    return []


def _distinctive(number: str) -> bool:
    """A number rare enough to give an answer away: three digits or more, or a decimal point."""
    digits = re.sub(r"\D", "", number)
    return len(digits) >= 3 or "." in number


def _mentions(stem: str, spelling: str) -> bool:
    stem, spelling = _plain(stem).casefold(), spelling.casefold().strip()
    if NUMBER.fullmatch(spelling):
        return spelling in NUMBER.findall(stem)
    if CJK.search(spelling):
        return spelling in stem
    return re.search(r"(?<![a-z0-9])" + re.escape(spelling) + r"(?![a-z0-9])", stem) is not None


def _give_aways(questions: list[Question]) -> list[Problem]:
    """A stem that states the answer of another question of the same lesson (asked together)."""
    found = []
    for q in questions:
        spellings = {lang: _answer_spellings(q, lang) for lang in LANGS}
        if not any(spellings.values()):
            continue
        for other in questions:
            if other is q or other.lesson != q.lesson:
                continue
            for lang in LANGS:
                hit = next((s for s in spellings[lang] if _mentions(other.prompt.get(lang), s)), None)
                if hit:
                    found.append(_problem(other, "warn_gives_away", other=q.id, answer=hit,
                                          language=f"lang_{lang}"))
                    break
    return found


# --- test-wise learners -------------------------------------------------------------------------

def _split_credit(values: list[float], key: tuple[int, ...], best=max) -> float:
    """Credit of picking at random among the choices with the best value."""
    top = best(values)
    tied = [i for i, v in enumerate(values) if v == top]
    return sum(1 for i in tied if i in key) / len(tied)


def _overlap(stem: str, choice: str, lang: str) -> int:
    return len(words(stem, lang) & words(choice, lang))


def scores_of(questions: list[Question]) -> list[Score]:
    single = [q for q in questions if q.type == "single" and q.choices]
    true_false = [q for q in questions if q.type == "true_false"]
    scores = []

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    chance = mean([1 / len(q.choices) for q in single])
    longest = {lang: mean([_split_credit([_cells(c.get(lang)) for c in q.choices], q.answer) for q in single])
               for lang in LANGS}
    scores.append(Score("testwise_longest", "single", len(single), longest["en"], longest["zh"], chance))
    false = mean([1.0 if q.answer is False else 0.0 for q in true_false])
    scores.append(Score("testwise_false", "true_false", len(true_false), false, false, 0.5 if true_false else 0.0))
    overlap = {lang: mean([_split_credit([_overlap(q.prompt.get(lang), c.get(lang), lang) for c in q.choices],
                                         q.answer) for q in single])
               for lang in LANGS}
    scores.append(Score("testwise_overlap", "single", len(single), overlap["en"], overlap["zh"], chance))
    return scores
