"""The question fields `section`, `why_wrong` and `unit`, as `llmtutor validate` checks them."""

from __future__ import annotations

from packs import QUIZ, write_pack


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _validate(tutor, tmp_path, quiz: str, *args: str):
    pack = write_pack(tmp_path / "pack", quiz=quiz)
    return tutor(*args, "validate", str(pack))


def test_a_section_the_lesson_lacks_is_an_error(tutor, tmp_path):
    quiz = QUIZ.replace("section: first", "section: third")
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 1
    line = _line_of(quiz, "section: third")
    assert f'90-pack-basics.yaml:{line}: question "pack-basics-01": names section "third", which lesson "pack-basics" does not have' in result.output


def test_a_question_without_section_is_a_warning_with_its_line(tutor, tmp_path):
    quiz = QUIZ.replace("    section: first\n", "")
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 0, result.output
    line = _line_of(quiz, "id: pack-basics-01")
    assert f'90-pack-basics.yaml:{line}: question "pack-basics-01": no "section"' in result.output


def test_the_section_is_on_the_question_record(tmp_path):
    from llmtutor.course.loader import load_files, pack_files

    result = load_files(pack_files(write_pack(tmp_path / "pack")))
    question = next(q for q in result.course.questions if q.id == "pack-basics-01")
    assert question.section == "first"
    assert question.why_wrong_for(1).en == "A pack holds no code."
    assert question.why_wrong_for(0) is None


def test_why_wrong_on_the_right_choice_is_an_error(tutor, tmp_path):
    quiz = QUIZ.replace("      B: {en: A pack", "      A: {en: A pack")
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 1
    line = _line_of(quiz, "      A: {en: A pack")
    assert f'90-pack-basics.yaml:{line}: question "pack-basics-01": why_wrong names "A", which is not the letter of a wrong choice' in result.output


def test_why_wrong_on_a_letter_beyond_the_choices_is_an_error(tutor, tmp_path):
    quiz = QUIZ.replace("      B: {en: A pack", "      D: {en: A pack")
    result = _validate(tutor, tmp_path, quiz, "--lang", "zh")
    assert result.exit_code == 1
    assert "why_wrong 中的“D”不是错误选项的字母" in result.output


def test_distractors_without_why_wrong_are_listed_in_a_warning(tutor, tmp_path):
    quiz = QUIZ.replace("      - {en: A binary, zh: 一个二进制文件}\n",
                        "      - {en: A binary, zh: 一个二进制文件}\n      - {en: A web page, zh: 一个网页}\n"
                        "      - {en: A database, zh: 一个数据库}\n")
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 0, result.output
    line = _line_of(quiz, "- {en: A folder of YAML")  # the line of the choices list
    assert f'90-pack-basics.yaml:{line}: question "pack-basics-01": no why_wrong text for wrong choice(s) C, D' in result.output


NUMERIC = """\
  - id: pack-basics-02
    type: numeric
    concept: pack-term
    section: second
    prompt: {en: What percentage of the pack is YAML?, zh: 内容包中 YAML 占百分之几？}
    answer: 100
    explanation: {en: All of it., zh: 全部。}
"""


def test_a_percentage_prompt_without_unit_percent_is_a_warning(tutor, tmp_path):
    quiz = QUIZ + NUMERIC
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 0, result.output
    line = _line_of(quiz, "prompt: {en: What percentage")
    assert f'90-pack-basics.yaml:{line}: question "pack-basics-02": the prompt asks for a percentage but the question has no "unit: percent"' in result.output
    fixed = _validate(tutor, tmp_path, quiz + "    unit: percent\n")
    assert "pack-basics-02" not in fixed.output, fixed.output


def test_an_unknown_unit_is_an_error(tutor, tmp_path):
    result = _validate(tutor, tmp_path, QUIZ + NUMERIC + "    unit: furlongs\n")
    assert result.exit_code == 1
    assert 'unit "furlongs" is not one of: percent,' in result.output


def test_unit_and_why_wrong_belong_to_their_types(tutor, tmp_path):
    quiz = QUIZ.replace("    answer: A\n", "    answer: A\n    unit: percent\n")
    result = _validate(tutor, tmp_path, quiz)
    assert result.exit_code == 1
    assert 'field "unit" does not belong to a single question' in result.output
