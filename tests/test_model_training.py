"""The training loop, the tasks and the head measures, through the `llmtutor.model` API."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model import TASKS, TrainSettings, build_model, evaluate, head_scores, train


def _run(settings):
    model = build_model(settings)
    log = list(train(model, settings))
    return model, log


def test_training_is_deterministic_for_a_seed():
    settings = TrainSettings.defaults("copy", steps=30)
    first, first_log = _run(settings)
    second, second_log = _run(settings)
    assert [p.loss for p in first_log[1:]] == [p.loss for p in second_log[1:]]
    for name, array in first.parameters().items():
        assert np.array_equal(array, second.parameters()[name]), name
    other, _ = _run(TrainSettings.defaults("copy", steps=30, seed=1))
    assert not np.array_equal(other.parameters()["embed.W_E"], first.parameters()["embed.W_E"])


def test_reverse_reaches_95_percent_within_300_steps():
    settings = TrainSettings.defaults("reverse", steps=300)
    model, log = _run(settings)
    evaluation = evaluate(model, TASKS["reverse"], settings.length)
    assert evaluation.count == 1000
    assert evaluation.token_accuracy >= 0.95, evaluation
    # and its attention learned the anti-diagonal, measured from the weights
    (score,) = head_scores(model, TASKS["reverse"], settings.length)
    assert score.pattern >= 0.8 and score.entropy < 0.5, score


def test_the_loop_yields_progress_and_snapshots_and_prints_nothing(capsys):
    settings = TrainSettings.defaults("induction", steps=20, log_every=5, snapshot_every=10)
    _, log = _run(settings)
    assert [p.step for p in log] == [0, 5, 10, 15, 20]
    assert [p.step for p in log if p.snapshot is not None] == [0, 10, 20]
    n = TASKS["induction"].n_ctx(settings.length)
    assert [w.shape for w in log[-1].snapshot] == [(2, n, n), (2, n, n)]  # 2 layers, 2 heads
    assert np.allclose(log[-1].snapshot[0].sum(axis=-1), 1)
    assert capsys.readouterr() == ("", "")


def test_an_untrained_model_attends_almost_uniformly():
    settings = TrainSettings.defaults("reverse")
    (score,) = head_scores(build_model(settings), TASKS["reverse"], settings.length)
    assert score.entropy > 0.99
    assert score.pattern == pytest.approx(1 / settings.length, abs=0.01)


@pytest.mark.parametrize("name", ["reverse", "copy", "sort", "induction"])
def test_sampled_targets_are_what_a_correct_model_outputs(name):
    task = TASKS[name]
    batch = task.sample(np.random.default_rng(7), 50, 6)
    x, y, mask = batch.inputs, batch.targets, batch.loss_mask
    if name == "reverse":
        assert np.array_equal(y, x[:, ::-1])
    if name == "sort":
        assert np.array_equal(y, np.sort(x, axis=1))
    if name == "copy":
        separator = task.symbols.index("|")
        assert np.all(x[:, 6] == separator) and mask[:, 6:].all() and not mask[:, :6].any()
        assert np.array_equal(y[:, 6:], x[:, :6])  # after the separator: the first copy again
    if name == "induction":
        for row in range(50):  # every counted target is the token after the current token's earlier occurrence
            for position in np.flatnonzero(mask[row]):
                earlier = np.flatnonzero(x[row, :position] == x[row, position])
                assert len(earlier) == 1
                assert y[row, position] == x[row, earlier[0] + 1]


@pytest.mark.parametrize("name", ["reverse", "copy", "induction"])
def test_the_expected_key_holds_what_the_query_must_output(name):
    """The pattern a learner is told to expect is the one that carries the answer."""
    task = TASKS[name]
    batch = task.sample(np.random.default_rng(8), 40, 8)
    keys = task.expected_keys(batch.inputs, 8, task.n_layers)[-1]  # the last layer reads the answer
    for row in range(40):
        for query in np.flatnonzero(batch.loss_mask[row]):
            key = keys[row, query]
            assert key >= 0
            assert batch.inputs[row, key] == batch.targets[row, query]  # the key's own token is the answer
            if task.causal:
                assert key <= query


def test_sort_expects_no_particular_key():
    assert TASKS["sort"].expected_keys(np.zeros((2, 8), dtype=int), 8, 1) == [None]
