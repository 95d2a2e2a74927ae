"""`llmtutor attention "TEXT"`: the heatmap, its JSON, and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
from rich.cells import cell_len


# The random model (--model random): seeded, untrained weights on words and single characters.

def test_json_has_tokens_weights_and_settings(tutor):
    data = tutor.json("attention", "--model", "random", "the cat sat on the mat", "--json")
    assert data["tokens"] == ["the", "cat", "sat", "on", "the", "mat"]
    weights = np.array(data["weights"])
    assert weights.shape == (6, 6)
    assert np.allclose(weights.sum(axis=-1), 1, atol=1e-5)
    assert data["settings"]["seed"] == 0 and data["settings"]["positions"] is True


def test_json_says_it_rounds_the_weights_to_6_decimals(tutor):
    data = tutor.json("attention", "--model", "random", "the cat sat on the mat", "--json")
    assert data["settings"]["decimals"] == 6
    weights = np.array(data["weights"])
    np.testing.assert_array_equal(weights, weights.round(6))
    assert "6" in tutor("attention", "--help").stdout


def test_json_with_heads_is_per_head_and_causal_hides_the_future(tutor):
    data = tutor.json("attention", "--model", "random", "a b c d", "--heads", "2", "--dim", "8", "--causal", "--json")
    weights = np.array(data["weights"])
    assert weights.shape == (2, 4, 4)
    assert np.all(weights[:, np.triu_indices(4, 1)[0], np.triu_indices(4, 1)[1]] == 0)


def test_same_seed_same_weights_other_seed_other_weights(tutor):
    first = tutor.json("attention", "--model", "random", "one two three", "--seed", "5", "--json")["weights"]
    again = tutor.json("attention", "--model", "random", "one two three", "--seed", "5", "--json")["weights"]
    other = tutor.json("attention", "--model", "random", "one two three", "--seed", "6", "--json")["weights"]
    assert first == again and first != other


def test_chinese_is_one_token_per_character_and_mixed_text_works(tutor):
    data = tutor.json("attention", "--model", "random", "我爱 NLP!", "--json")
    assert data["tokens"] == ["我", "爱", "NLP", "!"]


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_picture_fits_the_terminal(tutor, width, lang):
    result = tutor("--lang", lang, "attention", "--model", "random", "我们 study attention every day", "--values", "--causal",
                   env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert all(cell_len(line) <= width for line in result.output.splitlines())


def test_output_states_that_weights_are_untrained(tutor):
    result = tutor("attention", "--model", "random", "hello world")
    assert "not trained" in result.output
    assert "not trained" not in tutor("attention", "--model", "random", "hello world", "--json").stdout


def test_without_colour_a_shade_ramp_is_drawn(tutor):
    result = tutor("attention", "--model", "random", "the cat sat on the mat", "--causal", env={"NO_COLOR": "1"})
    assert any(ch in result.output for ch in "░▒▓█")
    assert "\x1b[" not in result.output


@pytest.mark.parametrize("model", ["random", "course"])
def test_markup_and_escape_sequences_are_shown_not_run(tutor, model):
    result = tutor("attention", "--model", model, "[bold]x[/bold] \x1b[31mred")
    assert result.exit_code == 0
    assert "\x1b[31m" not in result.output
    if model == "random":
        assert "bold" in result.output
    else:  # BPE pieces, the brackets kept and ESC drawn as ␛
        tokens = tutor.json("attention", "[bold]x[/bold] \x1b[31mred", "--json")["tokens"]
        assert "".join(tokens) == "[bold]x[/bold]␣␛[31mred"
        assert all(token in result.output for token in tokens)


@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_export_writes_the_picture(tutor, tmp_path, suffix):
    path = tmp_path / f"attention{suffix}"
    result = tutor("attention", "--model", "random", "the cat sat", "--export", str(path))
    assert result.exit_code == 0
    assert "sat" in path.read_text(encoding="utf-8")


def test_trained_weights_can_be_supplied(tutor, tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "w.npz"
    np.savez(path, w_q=rng.normal(size=(8, 8)), w_k=rng.normal(size=(8, 8)), w_v=rng.normal(size=(8, 8)))
    data = tutor.json("attention", "--model", "random", "a b c", "--weights", str(path), "--json")
    assert data["settings"]["trained"] is True and data["settings"]["dim"] == 8
    assert "from" in tutor("attention", "--model", "random", "a b c", "--weights", str(path)).output


@pytest.mark.parametrize("args", [
    ("",), ("   ",), ("\x01\x02\x1b",), ("a " * 10_000,),
    ("a b", "--dim", "6", "--heads", "4"), ("a b", "--dim", "7"), ("a b", "--dim", "-2"),
    ("a b", "--dim", "100000"), ("a b", "--heads", "0"), ("a b", "--seed", "-1"),
    ("a b", "--heads", "2", "--dim", "8", "--head", "3"), ("a b", "--export", "x.png"),
    ("a b", "--weights", "/no/such.npz"),
])
def test_bad_input_is_one_line_and_exit_2(tutor, args):
    result = tutor("attention", "--model", "random", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_weights_file_of_the_wrong_shape_is_refused(tutor, tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, w_q=np.eye(4), w_k=np.eye(3), w_v=np.eye(4))
    result = tutor("attention", "--model", "random", "a b", "--weights", str(path))
    assert result.exit_code == 2
    assert "w_k" in result.output
