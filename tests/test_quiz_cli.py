"""Quiz sessions through the CLI: seeded, answered from a file, stored, reviewed, exported."""

from __future__ import annotations

import csv
import io

import pytest


def _expected_answers(tutor, *args) -> list[str]:
    """The right answers of a seeded quiz, read from its --json (blank answers, all wrong)."""
    blank = tutor.json("quiz", *args, "--json", "--answers", "-", input="\n" * _count(args))
    return [q["expected"] for q in blank["questions"]]


def _count(args) -> int:
    return int(args[args.index("--count") + 1]) if "--count" in args else 10


def test_same_seed_gives_the_same_quiz(tutor):
    first = tutor.json("quiz", "attention", "--seed", "7", "--count", "6", "--json", "--answers", "-", input="\n" * 6)
    second = tutor.json("quiz", "attention", "--seed", "7", "--count", "6", "--json", "--answers", "-", input="\n" * 6)
    assert [q["id"] for q in first["questions"]] == [q["id"] for q in second["questions"]]
    assert [q["expected"] for q in first["questions"]] == [q["expected"] for q in second["questions"]]


def test_json_shape_and_blank_answers_are_wrong(tutor):
    result = tutor.json("quiz", "transformer", "--seed", "1", "--count", "4", "--json", "--answers", "-",
                        input="\n" * 4)
    assert set(result) >= {"score", "total", "questions"}
    assert result["score"] == 0 and result["total"] == 4
    assert all(set(q) >= {"id", "type", "given", "expected", "correct"} for q in result["questions"])


def test_a_full_seeded_session_answered_right_scores_full_marks(tutor):
    args = ("attention", "--seed", "3", "--count", "8")
    answers = _expected_answers(tutor, *args)
    result = tutor.json("quiz", *args, "--json", "--answers", "-", input="\n".join(answers) + "\n")
    assert result["score"] == result["total"] == 8


def test_answers_file_in_the_order_asked(tutor, tmp_path):
    args = ("gpt-vs-bert", "--seed", "11", "--count", "5")
    answers = _expected_answers(tutor, *args)
    answers[0] = ""  # a blank line is a skipped (wrong) answer
    path = tmp_path / "answers.txt"
    path.write_text("\n".join(answers) + "\n", encoding="utf-8")
    result = tutor.json("quiz", *args, "--json", "--answers", str(path))
    assert result["score"] == 4
    assert result["questions"][0]["correct"] is False and result["questions"][0]["given"] == ""


def test_answers_file_of_the_wrong_length_is_refused(tutor):
    result = tutor("quiz", "attention", "--seed", "1", "--count", "3", "--answers", "-", input="A\nB\n")
    assert result.exit_code == 2
    assert "one line per question" in result.output
    assert tutor.json("progress", "--json")["questions_answered"] == 0


def test_answers_are_stored_and_progress_counts_them(tutor):
    tutor("quiz", "attention", "--seed", "2", "--count", "5", "--answers", "-", input="\n" * 5)
    progress = tutor.json("progress", "--json")
    assert progress["questions_answered"] == 5
    assert progress["correct"] == 0
    assert {"lessons", "questions_answered", "correct", "due_reviews"} <= set(progress)
    chinese = tutor("--lang", "zh", "progress").output
    assert "测验" in chinese and " quiz " not in chinese  # the session's kind, translated


def test_every_question_type_can_be_asked_alone(tutor):
    for qtype in ("single", "multiple", "true_false", "short", "ordering", "numeric", "generated"):
        result = tutor.json("quiz", "--type", qtype, "--seed", "5", "--count", "2", "--json", "--answers", "-",
                            input="\n\n")
        if qtype != "generated":
            assert {q["type"] for q in result["questions"]} == {qtype}
        assert len(result["questions"]) == 2


def test_generated_exercises_are_graded_exactly(tutor):
    args = ("--type", "generated", "--seed", "9", "--count", "12")
    answers = _expected_answers(tutor, *args)
    result = tutor.json("quiz", *args, "--json", "--answers", "-", input="\n".join(answers) + "\n")
    assert result["score"] == 12
    assert all(q["id"].startswith("gen-") for q in result["questions"])


def test_repeated_quiz_prefers_unseen_questions(tutor):
    first = tutor.json("quiz", "transformer", "--count", "5", "--json", "--answers", "-", input="\n" * 5)
    second = tutor.json("quiz", "transformer", "--count", "5", "--json", "--answers", "-", input="\n" * 5)
    assert not {q["id"] for q in first["questions"]} & {q["id"] for q in second["questions"]}


def test_topic_may_be_a_glossary_term(tutor):
    result = tutor.json("quiz", "causal mask", "--seed", "1", "--count", "3", "--json", "--answers", "-",
                        input="\n" * 3)
    assert len(result["questions"]) == 3


@pytest.mark.parametrize("args,code", [(("quiz", "no-such-topic-at-all"), 1), (("quiz", "--count", "0"), 2),
                                       (("quiz", "--type", "essay"), 2), (("quiz", "--answers", "/no/such/file"), 2)])
def test_bad_quiz_input_is_one_clear_line(tutor, args, code):
    result = tutor(*args)
    assert result.exit_code == code
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def test_wrong_answers_come_back_in_review(tutor):
    quiz = tutor.json("quiz", "attention", "--seed", "4", "--count", "3", "--json", "--answers", "-", input="\n" * 3)
    assert tutor.json("progress", "--json")["due_reviews"] == 0  # Again is due in about a minute
    from datetime import datetime, timedelta, timezone

    from llmtutor.quiz.review import due_question_ids
    from llmtutor.store.db import open_store

    store = open_store()
    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    assert set(due_question_ids(store, later)) == {q["id"] for q in quiz["questions"]}
    store.close()


def test_review_with_nothing_due_says_when_the_next_come(tutor):
    tutor("quiz", "attention", "--seed", "4", "--count", "2", "--answers", "-", input="\n\n")
    result = tutor("review")
    assert result.exit_code == 0
    assert "Nothing is due" in result.output
    assert "minute" in result.output


def test_review_answers_due_questions(tutor, monkeypatch):
    tutor("quiz", "attention", "--seed", "4", "--count", "2", "--answers", "-", input="\n\n")
    from datetime import datetime, timedelta, timezone

    import llmtutor.quiz.review as review

    later = datetime.now(timezone.utc) + timedelta(minutes=5)
    original = review.due_question_ids
    monkeypatch.setattr(review, "due_question_ids",
                        lambda store, when=None, askable=None: original(store, later, askable))
    result = tutor.json("review", "--json", "--answers", "-", input="\n\n")
    assert result["total"] == 2


def test_export_json_and_csv(tutor, tmp_path):
    tutor("quiz", "attention", "--seed", "4", "--count", "3", "--answers", "-", input="\n" * 3)
    rows = tutor.json("export")
    assert len(rows) == 3 and {"question_id", "given", "expected", "correct"} <= set(rows[0])
    out = tmp_path / "attempts.csv"
    assert tutor("export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))) == 3


def test_reset_asks_for_confirmation(tutor):
    tutor("quiz", "attention", "--seed", "4", "--count", "3", "--answers", "-", input="\n" * 3)
    refused = tutor("progress", "--reset", input="n\n")
    assert refused.exit_code == 1
    assert tutor.json("progress", "--json")["questions_answered"] == 3
    assert tutor("progress", "--reset", "--yes").exit_code == 0
    assert tutor.json("progress", "--json")["questions_answered"] == 0


def test_reset_one_lesson_keeps_the_others(tutor):
    tutor("learn", "ai-history", "--done")
    tutor("learn", "attention", "--done")
    assert tutor("progress", "--reset", "attention", "--yes").exit_code == 0
    lessons = {x["id"]: x["status"] for x in tutor.json("progress", "--json")["lessons"]}
    assert lessons["ai-history"] == "done" and lessons["attention"] == "new"


def test_quiz_screens_in_chinese(tutor):
    result = tutor("--lang", "zh", "quiz", "attention", "--seed", "1", "--count", "2", "--answers", "-",
                   input="\n\n")
    assert "第 1/2 题" in result.output
    assert "得分" in result.output


def test_a_quiz_without_topic_prefers_what_the_learner_studied(tutor):
    tutor("learn", "gpt-vs-bert", "--done")
    result = tutor.json("quiz", "--count", "5", "--json", "--answers", "-", input="\n" * 5)
    assert {q["id"].rsplit("-", 1)[0] for q in result["questions"]} == {"gpt-vs-bert"}
