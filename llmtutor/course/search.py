"""Searching the course: lesson pages, glossary terms and questions, in both languages.

Matching is on folded text (case, full-width forms), so "Self-Attention" finds "self-attention"
and a Chinese query finds Chinese text that has no spaces. A Chinese run that is not found whole
is looked for by its two-character pieces. Hits are ranked: titles and names weigh more than
body text, and a document holding every word of the query comes first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from llmtutor.course.model import Course, Lesson, Section

TITLE_WEIGHT = 5
_WIDE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class Hit(NamedTuple):
    """One place that matches: what it is, where, the command that opens it, and a snippet."""

    kind: str  # "lesson", "term" or "question"
    title: str  # in the language asked for
    where: str  # lesson id, term id or question id
    page: int  # 1-based page of a lesson section; 0 otherwise
    command: str
    snippet: str
    score: float


class _Document(NamedTuple):
    kind: str
    where: str
    page: int
    command: str
    titles: dict  # lang → title (searched, weighted)
    texts: dict  # lang → body text
    labels: dict | None = None  # lang → what the hit is called, when not its title


def fold(text: str) -> str:
    """Case and width folded, spaces kept (for finding and for snippets)."""
    return unicodedata.normalize("NFKC", str(text)).casefold()


def query_terms(query: str) -> list[str]:
    """The pieces a document must hold: words (plural s dropped) and runs of Chinese characters."""
    folded = fold(query)
    terms: list[str] = []
    for run in _WIDE.findall(folded):
        terms.append(run)
    for word in _WORD.findall(_WIDE.sub(" ", folded)):
        terms.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return list(dict.fromkeys(term for term in terms if term))


def _section_text(section: Section, lang: str) -> str:
    parts = [section.body.get(lang)]
    for extra in (section.example, section.misconception):
        if extra is not None:
            parts.append(extra.get(lang))
    for correction in section.corrections:
        parts += [correction.source_says.get(lang), correction.in_fact.get(lang)]
    figure = section.figure
    if figure is not None:
        if figure.caption is not None:
            parts.append(figure.caption.get(lang))
        parts += [entry.label.get(lang) + " " + (entry.text.get(lang) if entry.text else "")
                  for entry in figure.timeline]
        parts += [cell.get(lang) for row in figure.rows for cell in row]
        if figure.diagram is not None:
            parts.append(figure.diagram.get(lang))
    return "\n".join(parts)


def _lesson_documents(lesson: Lesson) -> list[_Document]:
    documents = []
    for number, section in enumerate(lesson.sections, start=1):
        documents.append(_Document(
            "lesson", lesson.id, number, f"llmtutor learn {lesson.id} --page {number}",
            {lang: f"{lesson.title.get(lang)} › {section.title.get(lang)}" for lang in ("en", "zh")},
            {lang: _section_text(section, lang) for lang in ("en", "zh")}))
    last = len(lesson.sections) + 1
    documents.append(_Document(
        "lesson", lesson.id, last, f"llmtutor learn {lesson.id} --page {last}",
        {lang: lesson.title.get(lang) for lang in ("en", "zh")},
        {lang: "\n".join([lesson.summary.get(lang), lesson.objective.get(lang)]
                         + [point.get(lang) for point in lesson.key_points]) for lang in ("en", "zh")}))
    return documents


def documents(course: Course) -> list[_Document]:
    """Everything a search looks through, in course order."""
    found: list[_Document] = []
    for lesson in course.lessons:
        found += _lesson_documents(lesson)
    for term in course.terms:
        found.append(_Document(
            "term", term.id, 0, f"llmtutor explain {term.id}",
            {"en": " · ".join([term.name.en, *term.aliases_en]), "zh": " · ".join([term.name.zh, *term.aliases_zh])},
            {lang: "\n".join([term.definition.get(lang), term.example.get(lang) if term.example else "",
                              term.formula]) for lang in ("en", "zh")},
            {lang: term.name.get(lang) for lang in ("en", "zh")}))
    lesson_titles = {lesson.id: lesson.title for lesson in course.lessons}
    for question in course.questions:
        # the prompt and the choices, not the explanation: a search must not give answers away
        texts = {lang: "\n".join([question.prompt.get(lang)] + [choice.get(lang) for choice in question.choices])
                 for lang in ("en", "zh")}
        lesson_title = lesson_titles.get(question.lesson)
        found.append(_Document("question", question.id, 0, f"llmtutor quiz {question.lesson}",
                               {"en": "", "zh": ""}, texts,
                               {lang: lesson_title.get(lang) if lesson_title else question.lesson for lang in ("en", "zh")}))
    return found


def _pieces(term: str, title: str, text: str) -> list[str]:
    """`term` itself, or for a Chinese run found nowhere whole, its two-character pieces."""
    if not _WIDE.fullmatch(term) or len(term) <= 2 or term in title or term in text:
        return [term]
    return [term[i:i + 2] for i in range(len(term) - 1)]


def _score(terms: list[str], title: str, text: str) -> tuple[float, int]:
    """(score, how many of the query's terms were found) for one document in one language."""
    score, found = 0.0, 0
    for term in terms:
        pieces = _pieces(term, title, text)
        hits = [(title.count(piece), text.count(piece)) for piece in pieces]
        present = sum(1 for in_title, in_text in hits if in_title or in_text)
        if present * 3 >= len(pieces) * 2:  # a Chinese run: two thirds of its pieces at least
            found += 1
            score += sum(TITLE_WEIGHT * min(in_title, 3) + min(in_text, 5) for in_title, in_text in hits) / len(pieces)
    return score, found


_MARKUP = re.compile(r"\*\*|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")


def snippet(text: str, terms: list[str], width: int = 90) -> str:
    """The line around the first place that holds a term, about `width` characters, markup removed."""
    flat = _MARKUP.sub("", " ".join(text.split()))
    folded = fold(flat)
    starts = [folded.find(piece) for term in terms for piece in _pieces(term, "", folded) if piece in folded]
    at = min(starts) if starts else 0
    begin = at
    room = width // 3  # cells of text before the match
    while begin > 0 and room > 0:
        begin -= 1
        room -= _cells(flat[begin])
    end, room = begin, width
    while end < len(flat) and room > 0:
        room -= _cells(flat[end])
        end += 1
    # never a piece of a word at either end
    while 0 < begin < at and _in_word(flat, begin):
        begin += 1
    while end < len(flat) and end > at + 1 and _in_word(flat, end):
        end -= 1
    return ("…" if begin else "") + flat[begin:end] + ("…" if end < len(flat) else "")


def _in_word(text: str, index: int) -> bool:
    """True when `index` falls between two letters or digits of one Latin word."""
    before, after = text[index - 1], text[index]
    return before.isalnum() and after.isalnum() and _cells(before) == _cells(after) == 1


def _cells(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def search(course: Course, query: str, lang: str, limit: int = 10) -> list[Hit]:
    """The best `limit` places for `query`, best first; both languages are searched.

    Each hit is worded in `lang` when that language matches, else in the one that does.
    """
    terms = query_terms(query)
    if not terms:
        return []
    ranked: list[Hit] = []
    other = "zh" if lang == "en" else "en"
    exact = " ".join(fold(query).split())
    for document in documents(course):
        best = None
        names = fold(document.titles["en"]).split(" · ") + fold(document.titles["zh"]).split(" · ")
        for text_lang in (lang, other):
            title, text = fold(document.titles[text_lang]), fold(document.texts[text_lang])
            score, found = _score(terms, title, text)
            if not found or found * 2 < len(terms):
                continue
            score += 100 * (found == len(terms))
            if exact in names:
                score += 50  # the query is this term's name or alias (in either language)
            if best is None or score > best[0]:
                best = (score, text_lang)
            if found == len(terms):
                break  # the learner's language holds it all: show it in that language
        if best is None:
            continue
        score, text_lang = best
        label = (document.labels or document.titles)[text_lang]
        ranked.append(Hit(document.kind, label, document.where, document.page,
                          document.command, snippet(document.texts[text_lang], terms), score))
    ranked.sort(key=lambda hit: -hit.score)
    return ranked[:limit]
