"""`llmtutor train`: the task list, a run as JSON and as plain lines, Ctrl-C, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model.checkpoint import load_model
from terminal import exit_status, spawn


def test_without_a_task_it_lists_the_tasks(tutor):
    result = tutor("train")
    assert result.exit_code == 0
    for name in ("reverse", "copy", "sort", "induction"):
        assert name in result.stdout
    assert "anti-diagonal" in result.stdout and "llmtutor train reverse" in result.stdout


def test_the_task_list_in_chinese(tutor):
    result = tutor("--lang", "zh", "train")
    assert result.exit_code == 0
    assert "反对角线" in result.stdout and "计数" in result.stdout


def test_the_task_list_as_json(tutor):
    tasks = tutor.json("train", "--json")
    assert [task["task"] for task in tasks] == ["reverse", "copy", "sort", "induction"]


def test_a_run_as_json_has_every_key_and_saves_a_model(tutor, tmp_path):
    out = tmp_path / "rev.npz"
    data = tutor.json("train", "reverse", "--steps", "60", "--out", str(out), "--json")
    assert set(data) >= {"task", "settings", "seconds", "loss", "accuracy", "snapshots", "final_accuracy", "saved"}
    assert data["task"] == "reverse" and data["settings"]["steps"] == 60
    assert len(data["loss"]) == len(data["accuracy"]) == 6  # one per logged step (every 10)
    assert [s["step"] for s in data["snapshots"]] == [0, 50, 60]
    first = np.array(data["snapshots"][0]["weights"])  # (layers, heads, n, n)
    assert first.shape == (1, 1, 8, 8) and np.allclose(first.sum(-1), 1, atol=1e-5)
    assert 0 <= data["final_accuracy"] <= 1
    assert data["saved"] == str(out)
    model = load_model(out)
    assert model.config.meta["task"] == "reverse" and model.config.meta["final_accuracy"] == data["final_accuracy"]


def test_the_same_seed_gives_the_same_run(tutor, tmp_path):
    runs = [tutor.json("train", "copy", "--steps", "20", "--seed", "3", "--out", str(tmp_path / f"{i}.npz"), "--json")
            for i in range(2)]
    assert runs[0]["loss"] == runs[1]["loss"] and runs[0]["snapshots"] == runs[1]["snapshots"]


def test_not_a_terminal_prints_plain_progress_lines_and_the_measured_heads(tutor, tmp_path):
    result = tutor("train", "reverse", "--steps", "50", "--out", str(tmp_path / "m.npz"))
    assert result.exit_code == 0, result.output
    assert "step 50/50" in result.stdout and "loss" in result.stdout
    assert "Held-out accuracy on 1000 fresh sequences" in result.stdout
    assert "layer 1 · head 1" in result.stdout
    assert "llmtutor attention" in result.stdout and "--model" in result.stdout
    assert "\x1b[" not in result.stdout


def test_a_run_in_chinese(tutor, tmp_path):
    result = tutor("--lang", "zh", "train", "sort", "--steps", "20", "--out", str(tmp_path / "m.npz"))
    assert result.exit_code == 0
    assert "留出集准确率" in result.stdout and "计数解法读取所有键" in result.stdout and "熵" in result.stdout


def test_the_model_goes_to_the_data_folder_by_default(tutor, learner_home):
    tutor("train", "reverse", "--steps", "5")
    assert (learner_home / "models" / "reverse.npz").is_file()


@pytest.mark.parametrize("args, message", [
    (["train", "revers"], "Did you mean: reverse"),
    (["train", "zzz"], "There is no task \"zzz\"."),
])
def test_an_unknown_task_names_the_tasks(tutor, args, message):
    result = tutor(*args)
    assert result.exit_code == 1
    assert message in result.stderr and "reverse, copy, sort, induction" in result.stderr
    if "zzz" in args:
        assert "Did you mean" not in result.stderr


def test_a_bad_out_is_refused_before_training(tutor, tmp_path):
    result = tutor("train", "induction", "--out", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.stderr
    result = tutor("train", "induction", "--out", str(tmp_path / "no" / "m.npz"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_ctrl_c_keeps_the_model_trained_so_far(tmp_path):
    out = tmp_path / "stopped.npz"
    child = spawn(tmp_path / "home", "train", "induction", "--steps", "5000", "--out", str(out))
    child.expect("step [1-9][0-9]*/5000")  # the live view is drawing
    child.sendintr()
    child.expect("Stopped at step")
    child.expect("saved in")
    assert exit_status(child) == 130
    model = load_model(out)
    assert model.config.meta["stopped"] is True and 0 < model.config.meta["steps"] < 5000


def test_the_live_view_draws_the_attention_and_the_curves(tmp_path):
    child = spawn(tmp_path / "home", "train", "reverse", "--steps", "150", "--out", str(tmp_path / "m.npz"))
    child.expect("Training on reverse")
    child.expect("accuracy")
    child.expect("Attention on 3 1 4 1 5 9 2 6 at step")
    child.expect("Held-out accuracy")
    assert exit_status(child) == 0
