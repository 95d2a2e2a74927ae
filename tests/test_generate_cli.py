"""`llmtutor generate` through the real CLI, with the shipped course model."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model.generation import Sampling, next_token_probabilities
from llmtutor.model.text_model import load_text_model

STEP_KEYS = {"token", "top"}


def test_json_has_exactly_the_documented_keys(tutor):
    data = tutor.json("generate", "attention is", "--tokens", "4", "--json")
    assert set(data) == {"prompt", "settings", "text", "steps"}
    assert data["settings"]["model"] == "text" and data["settings"]["temperature"] == 0.8
    assert data["prompt"] == "attention is"
    assert len(data["steps"]) == 4
    for step in data["steps"]:
        assert set(step) == STEP_KEYS
        assert [set(entry) for entry in step["top"]] == [{"token", "probability"}] * 5
        probabilities = [entry["probability"] for entry in step["top"]]
        assert probabilities == sorted(probabilities, reverse=True)
    assert data["settings"]["greedy"] is False and data["settings"]["tokens"] == 4


@pytest.mark.parametrize("name", ["text", "course"])
def test_greedy_generation_writes_the_argmax_of_the_models_own_logits(tutor, name):
    course = load_text_model(name)
    data = tutor.json("generate", "the model", "--tokens", "6", "--temperature", "0", "--model", name, "--json")
    assert data["settings"]["model"] == name and data["settings"]["greedy"] is True
    ids = course.encode("the model")
    for step in data["steps"]:
        logits = course.model.forward(np.asarray(ids))[-1]
        best = int(np.argmax(logits))
        assert step["token"] == course.token_text(best) == step["top"][0]["token"]
        expected = next_token_probabilities(logits, Sampling(temperature=0))[best]
        assert step["top"][0]["probability"] == pytest.approx(expected, abs=1e-6)
        ids.append(best)
    assert data["text"] == course.decode(ids)


def test_the_same_seed_and_settings_give_the_same_text_and_another_seed_another(tutor):
    args = ("generate", "注意力", "--tokens", "25", "--temperature", "1.2", "--top-k", "50", "--json")
    first = tutor.json(*args, "--seed", "4")
    again = tutor.json(*args, "--seed", "4")
    other = tutor.json(*args, "--seed", "5")
    assert first == again
    assert first["text"] != other["text"]
    assert first["settings"]["seed"] == 4 and first["settings"]["top_k"] == 50


def test_top_k_one_is_greedy_whatever_the_temperature(tutor):
    greedy = tutor.json("generate", "softmax", "--tokens", "8", "--temperature", "0", "--json")
    top_1 = tutor.json("generate", "softmax", "--tokens", "8", "--temperature", "3", "--top-k", "1", "--seed", "9",
                       "--json")
    assert top_1["text"] == greedy["text"]
    assert all(step["top"][0]["probability"] == 1.0 for step in top_1["steps"])


def test_a_repetition_penalty_breaks_the_course_models_greedy_loop(tutor):
    from llmtutor.cli.generate_commands import repeats

    course = load_text_model("course")
    args = ("generate", "注意力", "--tokens", "40", "--temperature", "0", "--model", "course", "--json")
    plain = tutor.json(*args)
    penalised = tutor.json(*args, "--repetition-penalty", "1.5")
    assert repeats(course.encode(plain["text"]), 4)
    assert plain["text"] != penalised["text"]


def test_the_note_under_the_output_names_the_model_that_wrote(tutor):
    text = tutor("generate", "the model", "--tokens", "2").stdout
    course = tutor("generate", "the model", "--tokens", "2", "--model", "course").stdout
    assert "Written by the text model" in text and "formed no induction heads" in text
    assert "Written by the course model" in course and "50 % of each training batch were synthetic repeats" in course


def test_an_unknown_model_is_named_with_the_close_ones(tutor):
    result = tutor("generate", "hi", "--model", "curse")
    assert result.exit_code == 1
    assert "Did you mean: course" in result.stderr


def test_the_steps_show_bars_the_pick_and_the_whole_text(tutor):
    result = tutor("generate", "attention is", "--tokens", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.count("◀ picked") == 3
    assert "Step 1/3" in out and "Step 3/3" in out
    assert "The whole text" in out
    assert "Written by the text model" in out
    assert "%" in out and "█" in out


def test_chinese_interface(tutor):
    result = tutor("--lang", "zh", "generate", "注意力", "--tokens", "2")
    assert result.exit_code == 0, result.output
    assert "选中" in result.stdout and "完整文本" in result.stdout and "课程" in result.stdout


@pytest.mark.parametrize("columns", ["40", "200"])
def test_narrow_and_wide_terminals(tutor, columns):
    result = tutor("generate", "the model", "--tokens", "2", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    widest = max(len(line) for line in result.stdout.splitlines())
    assert widest <= int(columns)


@pytest.mark.parametrize("args", [("generate", "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e [bold]x", "--tokens", "2"),
                                  ("generate", "\x1b[2J\x07\u202e", "--tokens", "2", "--json"),
                                  ("walk", "forward", "--text", "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e", "--no-pause")])
def test_the_prompt_is_shown_as_text_never_as_control_sequences(tutor, args):
    result = tutor(*args)
    assert result.exit_code == 0, result.output
    assert not any(code in result.output for code in ("\x1b", "\x07", "\x9b", "\u202e"))


@pytest.mark.parametrize("args,fragment", [
    (("",), "The prompt is empty"),
    (("   ",), "The prompt is empty"),
    (("word " * 200,), "reads at most 128"),
    (("hi", "--temperature", "-0.5"), "--temperature must be a number from 0"),
    (("hi", "--temperature", "nan"), "--temperature must be a number from 0"),
    (("hi", "--top-k", "0"), "--top-k must be at least 1"),
    (("hi", "--top-k", "2049"), "--top-k must be between 1 and 2048"),
    (("hi", "--tokens", "0"), "--tokens must be between 1 and 500"),
    (("hi", "--tokens", "100000000"), "--tokens must be between 1 and 500"),
    (("hi", "--repetition-penalty", "0.5"), "--repetition-penalty must be a number from 1"),
    (("hi", "--seed", "-1"), "--seed must be between 0 and"),
])
def test_bad_input_is_one_line_and_exit_2(tutor, args, fragment):
    result = tutor("generate", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_bad_input_is_worded_in_chinese(tutor):
    result = tutor("--lang", "zh", "generate", "hi", "--top-k", "0")
    assert result.exit_code == 2
    assert "至少为 1" in result.stderr


def test_ctrl_c_during_generation_keeps_the_text_written_and_exits_130(tmp_path):
    from terminal import exit_status, spawn

    child = spawn(tmp_path, "generate", "attention is", "--tokens", "500")
    child.expect("Step 3/500")  # the terminal is not read from here on, so the tutor soon waits to write
    child.sendcontrol("c")
    child.expect("The whole text")
    child.expect("attention is")
    child.expect(r"Stopped after (\d+) of 500 tokens")
    assert 3 <= int(child.match.group(1)) < 500
    assert exit_status(child) == 130


def test_a_reader_that_closes_the_pipe_ends_generation_quietly(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(["bash", "-c", f'set -o pipefail; "{sys.executable}" -m llmtutor generate "attention is" '
                             '--tokens 300 | head -1'], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0  # the tutor's own exit status, through pipefail
    assert result.stdout.startswith("The text model reads your prompt")
    assert result.stderr == ""
