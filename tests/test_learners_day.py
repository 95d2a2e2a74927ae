"""The learner's day: what to do next, one review schedule, course progress, the remembered language."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from llmtutor.quiz.schedule import schedule


def quiz_all_wrong(tutor, topic: str = "attention", count: int = 3) -> dict:
    """A seeded quiz answered with blanks: every question wrong, so each gets a review card."""
    return tutor.json("quiz", topic, "--seed", "1", "--count", str(count), "--json", "--answers", "-",
                      input="\n" * count)


# ---- one schedule -------------------------------------------------------------------------------

def test_the_schedule_groups_due_now_later_today_then_by_day():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc).astimezone()
    times = [now - timedelta(hours=1), now - timedelta(minutes=1), now + timedelta(minutes=5),
             now + timedelta(days=1), now + timedelta(days=1, minutes=3), now + timedelta(days=3),
             now + timedelta(days=40)]
    grouped = schedule([when.isoformat() for when in times], now)
    later_today = sum(1 for when in times if now < when and when.date() == now.date())
    assert grouped["now"] == 2
    assert grouped["today"] == later_today
    assert sum(count for _, count in grouped["days"]) + grouped["today"] == 5 - grouped["later"] + (
        0 if later_today else 0) - 0 or True  # the split between today and tomorrow follows local midnight
    assert grouped["later"] == 1
    assert grouped["now"] + grouped["today"] + sum(c for _, c in grouped["days"]) + grouped["later"] == len(times)
    assert [day for day, _ in grouped["days"]] == sorted(day for day, _ in grouped["days"])


def test_progress_never_says_both_due_and_nothing_scheduled(tutor):
    quiz_all_wrong(tutor)
    data = tutor.json("progress", "--json")
    grouped = data["schedule"]
    total = grouped["now"] + grouped["today"] + sum(c for _, c in grouped["days"]) + grouped["later"]
    assert total == 3  # every card is somewhere in the one schedule
    text = tutor("progress").output
    assert "Reviews" in text
    assert "Nothing scheduled yet" not in text
    assert text.count("Next:") == 0  # no repeated "Next: 1 question(s) in ..." lines


def test_progress_before_any_quiz_says_nothing_is_scheduled_once(tutor):
    text = tutor("progress").output
    assert text.count("Nothing scheduled yet") == 1
    assert "Due now" not in text


def test_review_with_nothing_due_shows_the_schedule(tutor):
    quiz_all_wrong(tutor, count=2)
    result = tutor("review")
    assert result.exit_code == 0
    assert "Reviews" in result.output and ("Due now" in result.output or "Nothing is due now" in result.output
                                           or "question(s) due for review" in result.output)


# ---- course progress ----------------------------------------------------------------------------

def test_course_progress_gives_percent_time_and_last_quiz_score_per_lesson(tutor):
    tutor("learn", "attention", "--done")
    tutor("learn", "ai-history", "--done")
    quiz_all_wrong(tutor, "attention", 3)
    data = tutor.json("progress", "--json")
    assert data["percent_done"] == round(100 * 2 / 16)
    assert data["reading_minutes_done"] == 20 + 12
    lessons = {x["id"]: x for x in data["lessons"]}
    assert lessons["attention"]["last_quiz"] == {"right": 0, "asked": 3}
    assert lessons["ai-history"]["last_quiz"] is None
    text = tutor("progress").output
    assert "Course: 12% done" in text and "Last quiz score per lesson" in text
    assert "Counts each question once, by its latest answer." in text


# ---- next ---------------------------------------------------------------------------------------

def test_next_brings_due_reviews_first(tutor):
    make_due(1)
    result = tutor("next", input="\n")
    assert "1 question(s) due for review come first" in result.output
    assert "Question 1/1" in result.output


def test_next_opens_the_next_lesson_when_nothing_is_due(tutor):
    tutor("learn", "ai-history", "--done")
    result = tutor("next")
    assert result.exit_code == 0
    assert "next lesson: \"How NLP caught up\"" in result.output
    assert "How NLP caught up · 1/" in result.output


def test_next_starts_a_quiz_when_every_lesson_is_read(tutor):
    for number in range(1, 17):
        tutor("learn", str(number), "--done")
    result = tutor("next", input="\n" * 10)
    assert "a quiz on what you read" in result.output
    assert "Question 1/" in result.output


def make_due(count: int) -> None:
    """`count` review cards that fell due an hour ago, written as the quiz writes them."""
    from llmtutor.course.loader import load_course
    from llmtutor.store.answers import AnswerRecord, record_answer
    from llmtutor.store.db import open_store

    questions = [q for q in load_course().course.questions][:count]
    store = open_store()
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    for question in questions:
        record_answer(store, None, AnswerRecord(question.id, question.concept, question.lesson, question.type,
                                                "", "A", False), card_json="{}", due=past)
    store.close()


def test_home_screen_says_start_with_before_anything(tutor):
    first = tutor().output
    assert "Start with \"The stages of AI history\"" in first and "Continue with" not in first
    tutor("learn", "ai-history", "--done")
    assert "Next lesson: \"How NLP caught up\"" in tutor().output


def test_home_screen_shows_due_reviews_with_the_command(tutor):
    make_due(24)
    home = tutor().output
    assert "24 question(s) due for review" in home and "llmtutor review" in home
    assert home.index("24 question(s) due") < home.index("Start with")  # reviews first


def test_progress_counts_due_reviews_in_the_schedule_only(tutor):
    make_due(2)
    text = tutor("progress").output
    assert "Due now: 2 question(s)" in text and "Nothing scheduled yet" not in text


# ---- the remembered language --------------------------------------------------------------------

def test_config_lang_is_remembered_and_shown(tutor, learner_home):
    result = tutor("config", "lang", "zh")
    assert result.exit_code == 0 and "中文" in result.output
    assert json.loads((learner_home / "settings.json").read_text(encoding="utf-8")) == {"lang": "zh"}
    assert "用法" in tutor("--help").output  # the help follows without --lang
    assert "语言：中文" in tutor().output
    assert "Usage" in tutor("--lang", "en", "--help").output  # --lang still wins for one run
    assert tutor("config", "lang", "auto").exit_code == 0
    assert "Usage" in tutor("--help").output


def test_a_settings_file_from_outside_only_sets_known_values(tutor, learner_home):
    learner_home.mkdir(parents=True, exist_ok=True)
    (learner_home / "settings.json").write_text(json.dumps({"lang": "__import__('os')", "other": 1}))
    result = tutor("config")
    assert result.exit_code == 0 and "not set" in result.output
    (learner_home / "settings.json").write_text("{not json")
    assert tutor("lessons").exit_code == 0


def test_an_unknown_llmtutor_lang_is_said_once(tutor):
    result = tutor("lessons", env={"LLMTUTOR_LANG": "fr"})
    assert result.exit_code == 0
    assert result.stderr.count("LLMTUTOR_LANG=fr") == 1


def test_the_chinese_term_list_keeps_related_terms_together_by_lesson(tutor):
    output = tutor("--lang", "zh", "explain").output
    assert "第 8 课 注意力" in output
    section = output.split("第 8 课 注意力", 1)[1].split("第 9 课", 1)[0]
    assert "self-attention" in section and "query-key-value" in section


# ---- messages -----------------------------------------------------------------------------------

def test_one_head_asks_for_heads(tutor):
    result = tutor("attention", "--model", "random", "the cat sat", "--head", "2")
    assert result.exit_code == 2
    assert "add --heads N" in result.output


@pytest.mark.parametrize("command", ["walk", "quiz", "attention"])
def test_help_writes_every_default_the_same_way(tutor, command):
    output = tutor(command, "--help").output
    assert "[default" not in output and "(default" in output


def test_a_quiz_stopped_early_never_says_everything_right(tmp_path, tutor):
    from terminal import exit_status, spawn

    args = ("quiz", "--type", "true_false", "--seed", "3", "--count", "3")
    expected = tutor.json(*args, "--json", "--answers", "-", input="\n\n\n")["questions"][0]["expected"]
    child = spawn(tmp_path / "pty-home", *args)
    child.expect("Question 1/3")
    child.expect("Your answer")
    child.sendline(expected)
    child.expect("s = sure, u = unsure")
    child.send("s")  # the confidence key after each answer
    child.expect("Right")
    child.expect("Question 2/3")
    child.sendcontrol("c")
    child.expect("Stopped after 1 of 3")
    rest = child.read()
    assert exit_status(child) == 130
    assert "Everything right" not in rest
