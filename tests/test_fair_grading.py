"""Fair grading, as a table: what a learner types, and the credit it earns.

Short answers are graded with a glossary (written as a small pack, loaded as the tutor loads one),
so its aliases count and a "typo" that is another term does not.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from llmtutor.course.model import Question
from llmtutor.i18n import Localized as L
from llmtutor.quiz.grading import Presented, format_number, grade, is_valid_syntax
from packs import LESSON, QUIZ, write_pack

GLOSSARY = """\
- id: softmax
  name: {en: softmax, zh: softmax 函数}
  aliases: {en: [softmax function], zh: [软最大值函数, 归一化指数函数]}
  definition: {en: Turns scores into weights., zh: 把分数变成权重。}
  lessons: [pack-basics]
- id: softmix
  name: {en: softmix, zh: softmix 混合}
  definition: {en: A made-up term one letter from softmax., zh: 一个与 softmax 只差一个字母的虚构术语。}
  lessons: [pack-basics]
- id: expert-system
  name: {en: expert system, zh: 专家系统}
  definition: {en: Rules from experts., zh: 来自专家的规则。}
  lessons: [pack-basics]
- id: residual-connection
  name: {en: residual connection, zh: 残差连接}
  aliases: {en: [skip connection], zh: [跳跃连接]}
  definition: {en: Adds the input back., zh: 把输入加回来。}
  lessons: [pack-basics]
- id: self-supervised-learning
  name: {en: self-supervised learning, zh: 自监督学习}
  definition: {en: Labels from the data itself., zh: 标签来自数据本身。}
  lessons: [pack-basics]
- id: pack-term
  name: {en: pack term, zh: 包术语}
  definition: {en: A term., zh: 一个术语。}
  lessons: [pack-basics]
"""


@pytest.fixture(scope="module")
def glossary(tmp_path_factory):
    from llmtutor.course.loader import load_files, pack_files

    pack = write_pack(tmp_path_factory.mktemp("glossary"), lesson=LESSON.replace("terms: [pack-term]", "terms: []"),
                      glossary=GLOSSARY, quiz=QUIZ)
    result = load_files(pack_files(pack))
    assert not result.errors, [p.text("en") for p in result.errors]
    return result.course


def q(qtype: str, **fields) -> Question:
    return Question(id="q", type=qtype, lesson="pack-basics", concept="pack-term", prompt=L("p", "p"),
                    explanation=L("e", "e"), **fields)


def short(*en: str, zh: tuple[str, ...] = ("答案",)) -> Presented:
    return Presented(q("short", answer={"en": en, "zh": zh}))


FOUR = tuple(L(x, x) for x in ("zero", "one", "two", "three"))
QUESTIONS = {
    "percent": Presented(q("numeric", answer=15.0, unit="percent")),
    "percent-decimals": Presented(q("numeric", answer=1.27, tolerance=0.005, unit="percent")),
    "fraction": Presented(q("numeric", answer=0.15, tolerance=0.001)),
    "big": Presented(q("numeric", answer=2097152.0)),
    "negative": Presented(q("numeric", answer=-3.0)),
    "million": Presented(q("numeric", answer=3.15e23, tolerance=0.01e23)),
    "megabytes": Presented(q("numeric", answer=12.0, unit="MB")),
    "softmax": short("softmax", zh=("softmax",)),
    "expert": short("expert system", zh=("专家系统",)),
    "self-supervised": short("self-supervised", zh=("自监督",)),
    "residual": short("residual connection", zh=("残差连接",)),
    "attention": short("attention", zh=("注意力",)),
    "single": Presented(q("single", choices=FOUR, answer=(2,)), order=(0, 1, 2, 3)),
    "multiple": Presented(q("multiple", choices=FOUR, answer=(0, 2, 3)), order=(0, 1, 2, 3)),
    "ordering": Presented(q("ordering", items=FOUR, answer=(0, 1, 2, 3)), order=(0, 1, 2, 3)),
    "true": Presented(q("true_false", answer=True)),
    "false": Presented(q("true_false", answer=False)),
}

# (question, typed, score, near miss accepted as) – every case of the issue, and the refusals that keep it fair
CASES = [
    ("percent", "15%", 1, ""), ("percent", "15 %", 1, ""), ("percent", "15", 1, ""), ("percent", "15 percent", 1, ""),
    ("percent", "0.15", 0, ""), ("percent-decimals", "1.27%", 1, ""), ("percent-decimals", "1.27", 1, ""),
    ("fraction", "15%", 1, ""), ("fraction", "0.15", 1, ""),
    ("big", "2097152", 1, ""), ("big", "2,097,152", 1, ""), ("big", "2 097 152", 1, ""), ("big", "2^21", 1, ""),
    ("big", "2**21", 1, ""), ("big", "2²¹", 1, ""), ("big", "2.097152e6", 1, ""), ("big", "2.097152 × 10^6", 1, ""),
    ("big", "2.09715e+06", 0, ""), ("big", "2,09,7152", 0, ""),
    ("negative", "−3", 1, ""), ("negative", "-3", 1, ""), ("negative", "3", 0, ""),
    ("million", "3.15e23", 1, ""), ("million", "3.15×10²³", 1, ""), ("million", "3.15E+23", 1, ""),
    ("megabytes", "12 MB", 1, ""), ("megabytes", "12MB", 1, ""), ("megabytes", "12 兆字节", 1, ""), ("megabytes", "12", 1, ""),
    ("megabytes", "12 GB", 0, ""),
    ("softmax", "软最大值函数", 1, ""), ("softmax", "softmax function", 1, ""), ("softmax", "Softmax", 1, ""),
    ("softmax", "sofmax", 1, "softmax"), ("softmax", "softmaxx", 1, "softmax"), ("softmax", "softmix", 0, ""),
    ("softmax", "sftmx", 0, ""),
    ("expert", "expert-system", 1, ""), ("expert", "an expert system", 1, ""), ("expert", "expert systems", 1, ""),
    ("expert", "the expert systems", 1, ""), ("expert", "Expert Systems.", 1, ""), ("expert", "expert sistem", 1, "expert system"),
    ("self-supervised", "self supervised", 1, ""), ("self-supervised", "selfsupervised", 1, ""),
    ("residual", "殘差連接", 1, ""), ("residual", "残差連接", 1, ""), ("residual", "skip connection", 1, ""),
    ("residual", "跳跃连接", 1, ""), ("residual", "残差连", 1, "残差连接"), ("residual", "残差", 0, ""), ("residual", "残差链接", 1, "残差连接"),
    ("attention", "attentoin", 0, ""), ("attention", "atention", 1, "attention"), ("attention", "注意", 0, ""),
    ("true", "不对", 0, ""), ("false", "不对", 1, ""), ("false", "不是", 1, ""), ("false", "不正确", 1, ""),
    ("true", "是的", 1, ""), ("true", "正确", 1, ""), ("false", "是的", 0, ""),
    ("single", "C", 1, ""), ("single", "c", 1, ""), ("single", "C.", 1, ""), ("single", "(C)", 1, ""),
    ("single", "C)", 1, ""), ("single", "选C", 1, ""), ("single", "选 C", 1, ""), ("single", "答案是C", 1, ""), ("single", "答案：C", 1, ""), ("single", "answer: c", 1, ""),
    ("single", "Ｃ", 1, ""), ("single", "[C]", 1, ""),
    ("single", "CC", 0, ""), ("single", "C,C", 0, ""), ("single", "B,C", 0, ""), ("single", "B", 0, ""),
    ("multiple", "A,C,D", 1, ""), ("multiple", "ACD", 1, ""), ("multiple", "A,C", 2 / 3, ""),
    ("multiple", "A,B,C", 1 / 3, ""), ("multiple", "A,B", 0, ""), ("multiple", "A,B,C,D", 2 / 3, ""),
    ("multiple", "AAC", 0, ""),
    ("ordering", "1,2,3,4", 1, ""), ("ordering", "2,1,3,4", 0.5, ""), ("ordering", "4,3,2,1", 0, ""),
    ("ordering", "1,3,2,4", 0.5, ""), ("ordering", "1,2,4,3", 0.5, ""),
]


@pytest.mark.parametrize("name, typed, score, near", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_grading_table(glossary, name, typed, score, near):
    result = grade(QUESTIONS[name], typed, glossary)
    assert result.score == pytest.approx(score), (name, typed, result)
    assert result.near_miss == near


def test_a_typo_that_is_another_term_is_refused_even_when_close(glossary):
    # "softmix" is one edit from softmax but a glossary term: refused; "softmux" is no term: forgiven
    assert grade(QUESTIONS["softmax"], "softmix", glossary).score == 0
    assert grade(QUESTIONS["softmax"], "softmix").near_miss == "softmax"  # without the glossary it is a typo
    assert grade(QUESTIONS["softmax"], "softmux", glossary).near_miss == "softmax"


def test_without_a_glossary_only_the_written_answers_and_their_folds_count():
    assert grade(QUESTIONS["softmax"], "软最大值函数").score == 0
    assert grade(QUESTIONS["expert"], "expert-systems").score == 1


@pytest.mark.parametrize("value, text", [(2097152.0, "2097152"), (3.15, "3.15"), (0.665, "0.665"), (-3.0, "-3"),
                                         (1e20, "1e+20"), (12.5, "12.5")])
def test_exact_numbers_are_printed_exactly(value, text):
    assert format_number(value) == text


def test_the_shown_key_is_what_a_learner_may_type():
    assert QUESTIONS["big"].expected("en") == "2097152"
    assert QUESTIONS["percent"].expected("en") == "15%"
    assert QUESTIONS["megabytes"].expected("zh") == "12 MB"
    for name in ("big", "percent", "megabytes", "percent-decimals"):
        assert grade(QUESTIONS[name], QUESTIONS[name].expected("en")).correct


@pytest.mark.parametrize("typed, valid", [("CC", False), ("(C)", True), ("选C", True), ("C.", True), ("Z", False)])
def test_doubled_letters_are_asked_again(typed, valid):
    assert is_valid_syntax(QUESTIONS["single"], typed) is valid



@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_grading_never_raises_and_stays_between_0_and_1(text):
    for presented in QUESTIONS.values():
        result = grade(presented, text)
        assert 0.0 <= result.score <= 1.0
        assert is_valid_syntax(presented, text) in (True, False)


@pytest.mark.parametrize("typed", ["2^99999", "10**400", "1e999", "9" * 400, "1/0", "−", "^", "2^-3"])
def test_huge_or_broken_numbers_are_just_wrong(typed):
    assert grade(QUESTIONS["big"], typed).score == 0
