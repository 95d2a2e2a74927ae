"""`llmtutor validate` measures a question bank: cues a learner who knows nothing could use.

Fixture banks with a known cue; the measures are read through the validator's public function and
through the real CLI (file and line of each warning).
"""

from __future__ import annotations

import textwrap

import pytest

from packs import write_pack

HEAD = """\
lesson: pack-basics
questions:
"""


def single(qid: str, choices: list[tuple[str, str]], answer: str = "A", prompt=("Which one?", "哪一个？")) -> str:
    lines = [f"  - id: {qid}", "    type: single", "    concept: pack-term", "    section: first",
             f"    prompt: {{en: \"{prompt[0]}\", zh: \"{prompt[1]}\"}}", "    choices:"]
    lines += [f"      - {{en: \"{en}\", zh: \"{zh}\"}}" for en, zh in choices]
    lines += [f"    answer: {answer}", "    explanation: {en: Because., zh: 因为。}"]
    return "\n".join(lines) + "\n"


def true_false(qid: str, truth: bool, prompt: str) -> str:
    return textwrap.dedent(f"""\
      - id: {qid}
        type: true_false
        concept: pack-term
        section: first
        prompt: {{en: "{prompt}", zh: "{prompt}（中文）"}}
        answer: {str(truth).lower()}
        explanation: {{en: Because., zh: 因为。}}
    """).replace("\n", "\n  ").rstrip(" ").join(["  ", ""])


def short(qid: str, prompt: tuple[str, str], answers: tuple[str, str]) -> str:
    return textwrap.dedent(f"""\
      - id: {qid}
        type: short
        concept: pack-term
        section: first
        prompt: {{en: "{prompt[0]}", zh: "{prompt[1]}"}}
        answer: {{en: ["{answers[0]}"], zh: ["{answers[1]}"]}}
        explanation: {{en: Because., zh: 因为。}}
    """).replace("\n", "\n  ").rstrip(" ").join(["  ", ""])


def measure_bank(tmp_path, body: str):
    from llmtutor.course.loader import load_files, pack_files
    from llmtutor.course.measures import measure

    result = load_files(pack_files(write_pack(tmp_path / "pack", quiz=HEAD + body)))
    assert not result.errors, [p.text("en") for p in result.errors]
    problems, scores = measure(result.course)
    return problems, {score.key: score for score in scores}


def _keys(problems, question_id=None) -> list[str]:
    return [p.key for p in problems if question_id is None or f'"{question_id}"' in p.params.get("where", "")]


LONG_KEY = [("A right answer that is clearly much longer", "一个明显比其他选项长很多很多的正确答案"),
            ("A short one", "短的"), ("Another one", "另一个"), ("Third one", "第三个")]


def test_a_key_longest_by_a_clear_margin_is_warned_in_both_languages(tmp_path):
    problems, scores = measure_bank(tmp_path, single("pack-basics-01", LONG_KEY))
    found = [p for p in problems if p.key == "warn_key_longest"]
    assert [p.params["language"] for p in found] == ["lang_en", "lang_zh"]
    assert found[0].path.endswith("90-pack-basics.yaml") and found[0].line == 3
    # the only question is a longest-key one: the "always longest" learner scores 100 %, chance 25 %
    assert scores["testwise_longest"].en == 1.0 and scores["testwise_longest"].chance == 0.25


@pytest.mark.parametrize("right, warned", [
    ("x" * 20, True),        # 20 cells against 16: 25 % and 4 cells longer
    ("x" * 19, False),       # 3 cells longer: not a clear margin
    ("x" * 36 + "yyyy", True),
])
def test_the_clear_margin_is_15_percent_and_4_cells(tmp_path, right, warned):
    others = {20: "o" * 16, 19: "o" * 16, 40: "o" * 35}[len(right)]  # 40 vs 35: 14 %, but 5 cells
    choices = [(right, right), (others, others), ("o" * 8, "o" * 8)]
    problems, _ = measure_bank(tmp_path, single("pack-basics-01", choices))
    expected = warned and len(right) != 40
    assert ("warn_key_longest" in _keys(problems)) is expected


def test_a_key_shortest_by_a_clear_margin_is_warned(tmp_path):
    choices = [("Tiny", "小"), ("A much longer distractor here", "一个长得多的干扰选项在这里"),
               ("Another longer distractor", "另一个更长的干扰选项")]
    problems, _ = measure_bank(tmp_path, single("pack-basics-01", choices))
    assert _keys(problems).count("warn_key_shortest") == 2


def test_a_balanced_question_raises_no_cue(tmp_path):
    choices = [("Queries and keys", "查询与键"), ("Values and masks", "值与掩码"), ("Tokens and heads", "词元与头")]
    problems, scores = measure_bank(tmp_path, single("pack-basics-01", choices, prompt=("Pick", "选")))
    assert [p.key for p in problems if p.key.startswith("warn_key")] == []
    # three choices of equal length: the longest-choice learner splits its credit, 1/3 = chance
    assert scores["testwise_longest"].en == pytest.approx(1 / 3) == scores["testwise_longest"].chance


def test_one_sided_true_false_in_a_lesson_is_warned(tmp_path):
    body = "".join(true_false(f"pack-basics-0{i}", False, f"Statement number {i} about packs") for i in range(1, 4))
    problems, scores = measure_bank(tmp_path, body)
    balance = [p for p in problems if p.key == "warn_true_false_balance"]
    assert len(balance) == 1 and balance[0].params == {"lesson": "pack-basics", "true": 0, "count": 3,
                                                       "low": 1, "high": 2}
    assert scores["testwise_false"].en == 1.0 and scores["testwise_false"].chance == 0.5
    assert "warn_testwise" in _keys(problems)


@pytest.mark.parametrize("count, low, high", [(1, 0, 1), (2, 1, 1), (3, 1, 2), (4, 1, 3), (5, 2, 3), (10, 4, 6)])
def test_the_true_false_rule_for_small_lessons(count, low, high):
    from llmtutor.course.measures import true_range

    assert true_range(count) == (low, high)


def test_a_balanced_true_false_lesson_is_not_warned(tmp_path):
    body = (true_false("pack-basics-01", False, "Packs are written in Python code")
            + true_false("pack-basics-02", True, "Lessons carry section ids for their quizzes"))
    problems, scores = measure_bank(tmp_path, body)
    assert "warn_true_false_balance" not in _keys(problems)
    assert scores["testwise_false"].en == 0.5


def test_near_duplicate_questions_are_warned_with_both_places(tmp_path):
    body = (short("pack-basics-01", ("Which function turns attention scores into weights that sum to one?",
                                     "哪个函数把注意力分数变成和为一的权重？"), ("softmax", "softmax"))
            + short("pack-basics-02", ("Which function turns the attention scores into weights summing to one?",
                                       "哪个函数能把注意力分数变成总和为一的权重？"), ("softmax", "softmax")))
    problems, _ = measure_bank(tmp_path, body)
    dup = [p for p in problems if p.key == "warn_near_duplicate"]
    assert len(dup) == 1
    assert dup[0].params["other"] == "pack-basics-01" and dup[0].params["at"].endswith("90-pack-basics.yaml:3")


def test_different_questions_are_not_duplicates(tmp_path):
    body = (short("pack-basics-01", ("Which function turns attention scores into weights?", "哪个函数把分数变成权重？"),
                  ("softmax", "softmax"))
            + short("pack-basics-02", ("What hides future tokens from a decoder?", "什么让解码器看不到后面的词元？"),
                    ("causal mask", "因果掩码")))
    problems, _ = measure_bank(tmp_path, body)
    assert "warn_near_duplicate" not in _keys(problems)


def test_a_stem_stating_another_questions_answer_is_warned(tmp_path):
    body = (short("pack-basics-01", ("What do we call a folder of lessons?", "装着课程的文件夹叫什么？"),
                  ("content pack", "内容包"))
            + single("pack-basics-02", [("Data", "数据"), ("Code", "代码"), ("Both", "两者")],
                     prompt=("What does a content pack hold?", "内容包里装的是什么？")))
    problems, _ = measure_bank(tmp_path, body)
    given = [p for p in problems if p.key == "warn_gives_away"]
    assert [(p.params["other"], p.params["answer"], p.params["language"]) for p in given] == [
        ("pack-basics-01", "content pack", "lang_en")]
    assert 'question "pack-basics-02"' in given[0].params["where"]


def test_a_distinctive_number_in_a_stem_gives_a_key_away(tmp_path):
    body = (single("pack-basics-01", [("About 94 million", "约 9400 万"), ("About 110 million", "约 1.1 亿"),
                                      ("About 340 million", "约 3.4 亿")], answer="B",
                   prompt=("How many parameters does BERT-Base have?", "BERT-Base 有多少参数？"))
            + true_false("pack-basics-02", False, "ELMo has 340 million parameters, more than BERT's 110 million"))
    problems, _ = measure_bank(tmp_path, body)
    given = [p for p in problems if p.key == "warn_gives_away"]
    assert [(p.params["other"], p.params["answer"]) for p in given] == [("pack-basics-01", "110")]


def test_the_stem_overlap_learner_is_measured(tmp_path):
    # the key repeats the stem's words; the overlap learner finds it every time
    body = single("pack-basics-01", [("Attention weights sum to one", "注意力权重之和为一"),
                                     ("Masks are learned", "掩码可学习"), ("Heads share values", "各头共享值")],
                  prompt=("What do attention weights sum to?", "注意力权重之和是多少？"))
    problems, scores = measure_bank(tmp_path, body)
    assert scores["testwise_overlap"].en == 1.0 and scores["testwise_overlap"].zh == 1.0


def test_validate_prints_the_warnings_with_file_and_line_and_the_scores(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", quiz=HEAD + single("pack-basics-01", LONG_KEY))
    result = tutor("validate", str(pack))
    assert result.exit_code == 0, result.output  # cues are warnings
    assert ('90-pack-basics.yaml:3: question "pack-basics-01": in English the right choice is the longest by '
            'a clear margin (42 cells, the next 11)') in result.output
    assert "Test-wise learners who know nothing" in result.output
    assert "always the longest choice" in result.output and "chance 25%" in result.output
    zh = tutor("--lang", "zh", "validate", str(pack))
    assert "中文中正确选项明显最长" in zh.output and "总选最长的选项" in zh.output


def test_measures_use_both_languages(tmp_path):
    # long only in Chinese
    choices = [("Right answer", "一个明显比其他选项长很多很多的正确答案"), ("Wrong answer", "错的"), ("Other answer", "另一")]
    problems, scores = measure_bank(tmp_path, single("pack-basics-01", choices))
    assert [p.params["language"] for p in problems if p.key == "warn_key_longest"] == ["lang_zh"]
    assert scores["testwise_longest"].zh == 1.0 and scores["testwise_longest"].en == pytest.approx(1 / 3)


def test_the_shipped_bank_has_no_cues():
    from llmtutor.course.loader import load_course
    from llmtutor.course.measures import measure

    problems, scores = measure(load_course(use_cache=False).course)
    assert [p.text("en") for p in problems] == []
    for score in scores:
        assert abs(score.en - score.chance) <= 0.05 and abs(score.zh - score.chance) <= 0.05, score
