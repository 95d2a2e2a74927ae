"""Interactive flows through a real pseudo-terminal: paging a lesson, a quiz key by key, Ctrl-C."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pexpect
import pytest

from terminal import exit_status, spawn


def progress(home) -> dict:
    env = {**os.environ, "LLMTUTOR_HOME": str(home)}
    out = subprocess.run([sys.executable, "-m", "llmtutor", "progress", "--json"], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_learn_pages_forward_back_and_resumes_after_quit(tmp_path):
    child = spawn(tmp_path, "learn", "attention", rows=120)  # every page fits: one key, one page
    child.expect("1/8")
    child.send("\r")
    child.expect("2/8")
    child.send(" ")
    child.expect("3/8")
    child.send("b")
    child.expect("2/8")
    child.send("q")
    child.expect("resumes here")
    assert exit_status(child) == 0
    again = spawn(tmp_path, "learn", "attention", rows=120)
    again.expect("Resuming at page 2 of 8")
    again.expect("2/8")
    again.sendcontrol("c")
    assert exit_status(again) == 130
    lessons = {x["id"]: x["status"] for x in progress(tmp_path)["lessons"]}
    assert lessons["attention"] == "in_progress"


def test_a_page_taller_than_the_terminal_is_shown_a_screenful_at_a_time(tmp_path):
    child = spawn(tmp_path, "learn", "attention", rows=24)
    child.expect("1/8")
    child.expect("more")
    child.send(" ")
    child.expect(r"1/8 \(continued, 2/\d\)")
    child.send("b")
    child.expect("1/8")
    child.expect("more")
    child.send("q")
    assert exit_status(child) == 0


def test_learn_to_the_end_records_the_lesson_as_done(tmp_path):
    child = spawn(tmp_path, "learn", "ai-history")
    child.expect("1/")
    for _ in range(30):
        child.send(" ")
        index = child.expect(["done", r"\d+/\d+"])
        if index == 0:
            break
    child.expect(pexpect.EOF)
    lessons = {x["id"]: x["status"] for x in progress(tmp_path)["lessons"]}
    assert lessons["ai-history"] == "done"


def test_a_quiz_answered_key_by_key_then_ctrl_c_keeps_the_answers(tmp_path):
    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "3", "--count", "4")
    child.expect("Question 1/4")
    child.expect("Your answer")
    child.sendline("maybe")  # not an answer of this kind: asked again
    child.expect("try again")
    child.sendline("true")
    child.expect("Sure\\? s = sure, u = unsure")
    child.send("s")  # one key press, no Enter
    child.expect("Right|Not quite")
    child.expect("Question 2/4")
    child.sendline("false?")  # a trailing ? says unsure: no key asked
    child.expect("Right|Not quite")
    child.expect("Question 3/4")
    child.sendcontrol("c")
    child.expect("Stopped after 2 of 4 questions")
    assert exit_status(child) == 130
    assert progress(tmp_path)["questions_answered"] == 2


@pytest.mark.parametrize("lang,heading", [("en", "Question 1/2"), ("zh", "第 1/2 题")])
def test_a_whole_quiz_in_either_language(tmp_path, lang, heading):
    child = spawn(tmp_path, "quiz", "--type", "generated", "--seed", "8", "--count", "2", lang=lang)
    child.expect(heading)
    child.sendline("")
    child.expect("2/2")
    child.sendline("")
    child.expect("0/2")
    assert exit_status(child) == 0


def test_a_closed_terminal_during_a_quiz_keeps_the_answers(tmp_path):
    import signal

    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "5", "--count", "3")
    child.expect("Your answer")
    child.sendline("true")
    child.expect("Sure")
    child.send("u")
    child.expect("Question 2/3")
    child.expect("Your answer")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert progress(tmp_path)["questions_answered"] == 1


def test_confidence_is_a_key_press_and_confident_mistakes_come_first(tmp_path):
    child = spawn(tmp_path, "quiz", "--type", "true_false", "--seed", "3", "--count", "2")
    expected = []
    for number in (1, 2):
        child.expect(f"Question {number}/2")
        child.expect("Your answer")
        child.sendline("true" if number == 1 else "false")
        child.expect("Sure\\?")
        child.send("s" if number == 1 else "u")
        child.expect("→ (sure|unsure)")
        expected.append(child.match.group(1))
        child.expect("Right|Not quite")
    child.expect("Score: ")
    assert exit_status(child) == 0
    assert expected == ["sure", "unsure"]
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path)}
    rows = json.loads(subprocess.run([sys.executable, "-m", "llmtutor", "export"], capture_output=True, text=True,
                                     env=env, check=True).stdout)
    assert [row["confidence"] for row in rows] == ["sure", "unsure"]
