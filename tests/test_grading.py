"""Grading every question type, through the same answer syntax `--answers` accepts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, strategies as st

from llmtutor.course.model import Question
from llmtutor.i18n import Localized
from llmtutor.quiz.grading import Presented, is_correct, normalise_text, present

L = Localized


def question(qtype: str, **fields) -> Question:
    return Question(id="q", type=qtype, lesson="attention", concept="softmax", prompt=L("p", "p"),
                    explanation=L("e", "e"), **fields)


CHOICES = tuple(L(x, x) for x in ("zero", "one", "two", "three"))


def test_single_choice_is_graded_on_the_shown_letters():
    shown = Presented(question("single", choices=CHOICES, answer=(2,)), order=(3, 2, 1, 0))
    assert shown.expected("en") == "B"
    assert is_correct(shown, "B") and is_correct(shown, " b ")
    assert not is_correct(shown, "C") and not is_correct(shown, "B,C") and not is_correct(shown, "")


def test_multiple_choice_needs_exactly_the_right_set():
    shown = Presented(question("multiple", choices=CHOICES, answer=(0, 2)), order=(0, 1, 2, 3))
    assert shown.expected("en") == "A,C"
    for text in ("A,C", "c,a", "A C", "AC", "Ａ，Ｃ"):
        assert is_correct(shown, text), text
    assert not is_correct(shown, "A") and not is_correct(shown, "A,B,C") and not is_correct(shown, "A,Z")


@pytest.mark.parametrize("text,truth", [("true", True), ("T", True), ("对", True), ("yes", True),
                                        ("false", False), ("错", False), ("F", False), ("否", False)])
def test_true_false_accepts_words_in_both_languages(text, truth):
    shown = Presented(question("true_false", answer=truth))
    assert is_correct(shown, text)
    assert not is_correct(Presented(question("true_false", answer=not truth)), text)


def test_short_answer_ignores_case_spacing_and_full_width_forms():
    shown = Presented(question("short", answer={"en": ("Layer Normalization", "LN"), "zh": ("层归一化",)}))
    for text in ("layer normalization", "  LAYER   normalization ", "ｌａｙｅｒ ｎｏｒｍａｌｉｚａｔｉｏｎ", "ln",
                 "层归一化", "层归一化。"):
        assert is_correct(shown, text), text
    assert not is_correct(shown, "batch normalization")
    assert shown.expected("zh") == "层归一化"


def test_ordering_is_graded_on_the_shown_numbers():
    items = tuple(L(x, x) for x in ("project", "scores", "scale", "softmax"))
    shown = Presented(question("ordering", items=items, answer=(0, 1, 2, 3)), order=(2, 0, 3, 1))
    # shown: 1=scale 2=project 3=softmax 4=scores; right order: project, scores, scale, softmax
    assert shown.expected("en") == "2,4,1,3"
    assert is_correct(shown, "2,4,1,3") and is_correct(shown, "2 4 1 3")
    assert not is_correct(shown, "1,2,3,4") and not is_correct(shown, "2,4,1") and not is_correct(shown, "2,2,1,3")


def test_numeric_answers_use_the_tolerance():
    shown = Presented(question("numeric", answer=0.42, tolerance=0.01))
    assert is_correct(shown, "0.42") and is_correct(shown, "0.415") and is_correct(shown, "42%")
    assert not is_correct(shown, "0.44") and not is_correct(shown, "abc")
    exact = Presented(question("numeric", answer=64.0))
    assert is_correct(exact, "64") and is_correct(exact, "６４") and not is_correct(exact, "64.5")


def test_choices_are_shuffled_and_the_answer_follows_them():
    q = question("single", choices=CHOICES, answer=(1,))
    positions = {present(q, random.Random(seed)).expected("en") for seed in range(40)}
    assert len(positions) > 1


@given(st.text(max_size=40))
def test_grading_never_raises_for_any_text(text):
    for shown in (Presented(question("single", choices=CHOICES, answer=(0,)), order=(0, 1, 2, 3)),
                  Presented(question("numeric", answer=1.0)),
                  Presented(question("ordering", items=CHOICES, answer=(0, 1, 2, 3)), order=(1, 0, 2, 3)),
                  Presented(question("short", answer={"en": ("x",), "zh": ("x",)})),
                  Presented(question("true_false", answer=True))):
        assert is_correct(shown, text) in (True, False)
    assert isinstance(normalise_text(text), str)
