"""The trained toy models shipped in the package: what their files say is what they do."""

from __future__ import annotations

import json

import numpy as np
import pytest

from llmtutor.model import TASKS, evaluate, head_scores
from llmtutor.model.checkpoint import load_model
from llmtutor.model.shipped import SHIPPED, WEIGHTS, meets_goal, shipped_path


@pytest.mark.parametrize("task", list(SHIPPED))
def test_a_shipped_model_does_what_its_file_says(task):
    model = load_model(shipped_path(task))
    meta = model.config.meta
    assert meta["task"] == task and meta["shipped"] is True
    length = meta["length"]
    evaluation = evaluate(model, TASKS[task], length, meta["seed"])
    assert evaluation.token_accuracy == pytest.approx(meta["final_accuracy"], abs=2e-3)
    scores = head_scores(model, TASKS[task], length, meta["seed"])
    for score, stored in zip(scores, meta["head_scores"]):
        assert [score.layer, score.head] == stored[:2]
        if score.pattern is None:
            assert stored[2] is None
        else:
            assert score.pattern == pytest.approx(stored[2], abs=0.02)
        assert score.entropy == pytest.approx(stored[3], abs=0.02)
    assert meets_goal(task, evaluation.token_accuracy, scores)


def test_the_shipped_models_are_small():
    # the four toy models, the course model and generate's text model: within the 3 MB the course model may take
    assert sum(path.stat().st_size for path in WEIGHTS.glob("*.npz")) <= 3 << 20


def test_attention_shows_the_reverse_models_anti_diagonal(tutor):
    data = tutor.json("attention", "3 1 4 1 5 9 2 6", "--model", "reverse", "--json")
    weights = np.array(data["weights"])  # (heads, n, n)
    assert weights.shape == (1, 8, 8)
    assert np.all(weights[0].argmax(axis=1) == np.arange(8)[::-1])
    assert data["output"] == list("62951413") and data["output"] == data["expected_output"]
    assert data["model"] == "reverse" and data["layer"] == 1 and data["settings"]["trained"] is True
    assert data["head_scores"][0]["pattern_on_input"] > 0.9


def test_attention_of_the_induction_model_has_its_stripe_in_layer_2(tutor):
    data = tutor.json("attention", "h e a d c b g f", "--model", "induction", "--layer", "2", "--json")
    best = max(data["head_scores"], key=lambda s: s["pattern_on_input"] or 0)
    assert best["layer"] == 2 and best["pattern_on_input"] > 0.6
    assert data["output"] == data["expected_output"]


def test_attention_with_a_trained_model_names_what_it_is(tutor):
    result = tutor("attention", "3 1 4 1 5 9 2 6", "--model", "sort")
    assert result.exit_code == 0
    assert "Model output: 1 1 2 3 4 5 6 9" in result.stdout
    assert "not why it answers" in result.stdout
    zh = tutor("--lang", "zh", "attention", "3 1 4 1 5 9 2 6", "--model", "sort")
    assert "模型输出" in zh.stdout and "真实的注意力权重" in zh.stdout


def test_a_model_file_saved_by_train_is_shown_too(tutor, tmp_path):
    out = tmp_path / "mine.npz"
    tutor("train", "copy", "--steps", "30", "--out", str(out))
    result = tutor("attention", "3 1 4 1 5 9", "--model", str(out), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["task"] == "copy"


@pytest.mark.parametrize("args, code, message", [
    (["--model", "reverse", "--heads", "2"], 2, "--heads applies to --model random only"),
    (["--model", "reverse", "--dim", "8"], 2, "--dim applies to --model random only"),
    (["--model", "reverse", "--causal"], 2, "own mask decides"),
    (["--model", "reverse", "--layer", "2"], 2, "--layer must be between 1 and 1"),
    (["--model", "induction", "--head", "3"], 2, "--head must be between 1 and 2"),
    (["--model", "revrse"], 1, "Did you mean: reverse"),
])
def test_options_that_do_not_apply_are_refused(tutor, args, code, message):
    result = tutor("attention", "3 1 4 1 5 9 2 6", *args)
    assert result.exit_code == code
    assert message in result.stderr


@pytest.mark.parametrize("text", ["1 2", "a b c d e f g h", "3 1 4 1 5 9 2 6 5"])
def test_input_outside_the_tasks_vocabulary_or_length_is_refused(tutor, text):
    result = tutor("attention", text, "--model", "reverse")
    assert result.exit_code == 2
    assert "digits 0–9, 8 of them" in result.stderr


def test_a_hostile_model_file_is_refused(tutor, tmp_path):
    from model_files import hostile_model

    result = tutor("attention", "1 2", "--model", str(hostile_model("pickled", tmp_path)))
    assert result.exit_code == 2 and "is not a usable model" in result.stderr


@pytest.mark.parametrize("seed", range(6))
def test_a_question_on_a_shipped_model_is_graded_from_its_weights(tutor, seed):
    from llmtutor.quiz.generated import generate

    question = generate("trained", seed)
    model = question.prompt.en.split("The shipped ")[1].split(" model")[0]
    tokens = question.prompt.en.split('reads "')[1].split('"')[0].split()
    layer = int(question.prompt.en.split("In layer ")[1].split(",")[0])
    head = int(question.prompt.en.split("head ")[1].split(",")[0])
    query = int(question.prompt.en.split("query at position ")[1].split(" ")[0]) - 1
    # what the learner types: the model frames it itself (copy adds "| x", induction repeats it)
    typed = {"reverse": tokens, "copy": tokens[: tokens.index("|")] if "|" in tokens else tokens,
             "induction": tokens[: len(tokens) // 2]}[model]
    typed = " ".join(typed)
    data = tutor.json("attention", typed, "--model", model, "--layer", str(layer), "--head", str(head), "--json")
    row = np.array(data["weights"])[query]
    keyed = question.choices[question.answer[0]].en
    assert int(keyed.split(":")[0]) - 1 == int(row.argmax())


@pytest.mark.parametrize("task", ["reverse", "copy"])  # the quick ones; induction takes ~14 s
def test_the_build_command_reproduces_a_shipped_model_from_its_seed(task):
    from threadpoolctl import threadpool_limits

    from llmtutor.model import TrainSettings, build_model, train

    shipped = load_model(shipped_path(task))
    settings = TrainSettings.defaults(task, **{**SHIPPED[task], "seed": shipped.config.meta["seed"]})
    model = build_model(settings)
    with threadpool_limits(limits=1, user_api="blas"):  # as python -m llmtutor.model.shipped trains
        for _ in train(model, settings):
            pass
    for name, array in shipped.parameters().items():
        # bit for bit here; the margin only allows another BLAS kernel's rounding
        assert np.allclose(model.parameters()[name].astype(np.float32), array, rtol=0, atol=1e-4), name
