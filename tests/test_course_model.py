"""The shipped course model: it loads, its measured figures are the model card's, and `attention` shows its real heads."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len

from llmtutor.model.bpe import COURSE_TOKENIZER
from llmtutor.model.corpus import HELDOUT_FILE, TRAIN_FILE, read_split, sha256_of
from llmtutor.model.course import (COURSE_MODEL, GOAL, RECIPE, head_behaviour, heldout_loss, input_scores,
                                   load_course_model, train_course_model)

CARD = Path(__file__).resolve().parent.parent / "docs" / "MODEL.md"


@pytest.fixture(scope="module")
def course():
    return load_course_model()


@pytest.fixture(scope="module")
def card():
    return CARD.read_text(encoding="utf-8")


def card_heads(card: str) -> dict[tuple[int, int], tuple[float, float, float]]:
    rows = re.findall(r"^\| (\d) \| (\d) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", card, flags=re.M)
    return {(int(l), int(h)): (float(p), float(f), float(i)) for l, h, p, f, i in rows}


def test_the_shipped_model_loads_small_and_shaped_as_the_recipe(course):
    model, tokenizer = course
    config = model.config
    assert (config.n_layers, config.n_heads, config.d_model, config.d_mlp, config.n_ctx) == (2, 4, 64, 256, 128)
    assert config.causal and config.tie_embeddings and config.vocab_size == tokenizer.vocab_size == 2048
    assert COURSE_MODEL.stat().st_size <= 3 << 20
    assert model.parameters()["embed.W_E"].dtype == np.float32  # stored as float16, computed in float32
    assert config.meta["meets_goal"] is True


def test_the_corpus_and_tokenizer_are_the_ones_the_card_and_the_file_name(course, card):
    meta = course[0].config.meta
    for path, key in ((TRAIN_FILE, "train_sha256"), (HELDOUT_FILE, "heldout_sha256"), (COURSE_TOKENIZER, "tokenizer_sha256")):
        digest = sha256_of(path)
        assert meta[key] == digest
        assert digest in card, f"{path.name}: its SHA-256 is not in docs/MODEL.md"


def test_heldout_loss_is_what_the_model_card_says(course, card):
    model, tokenizer = course
    _, heldout = read_split()
    loss = heldout_loss(model, np.array(tokenizer.encode(heldout)), len(heldout))
    per_token, per_char = (float(x) for x in
                           re.search(r"Held-out loss: ([\d.]+) bits per token, ([\d.]+) bits per character", card).groups())
    assert loss["bits_per_token"] == pytest.approx(per_token, abs=0.005)
    assert loss["bits_per_char"] == pytest.approx(per_char, abs=0.005)
    assert loss["bits_per_token"] == pytest.approx(model.config.meta["heldout"]["bits_per_token"], rel=1e-4)


def test_head_scores_are_what_the_model_card_says_and_meet_the_goal(course, card):
    model, _ = course
    measured = head_behaviour(model)
    written = card_heads(card)
    assert len(written) == len(measured) == 8
    for h in measured:
        assert (h.previous_token, h.first_token, h.induction) == pytest.approx(written[(h.layer, h.head)], abs=0.006)
    assert max(h.previous_token for h in measured) >= GOAL["previous_token"]
    assert max(h.induction for h in measured) >= GOAL["induction"]


def test_attention_json_is_the_engines_forward_pass(tutor, course):
    model, tokenizer = course
    text = "注意力让模型看向别的词元。Attention lets a model look back."
    ids = tokenizer.encode(text)
    model.forward(np.array(ids)[None])
    engine = [w[0] for w in model.attention_weights()]
    for layer in (1, 2):
        data = tutor.json("attention", text, "--layer", str(layer), "--json")
        assert data["model"] == "course" and data["ids"] == ids
        assert data["tokens"] == [tokenizer.display(i) for i in ids]
        np.testing.assert_allclose(np.array(data["weights"]), engine[layer - 1], atol=2e-6)
        assert np.allclose(np.array(data["weights"]).sum(-1), 1, atol=1e-5)


def test_the_engine_attention_equals_the_formula_written_out(course):
    """Layer 1's weights from the parameters by hand: LayerNorm, then softmax(QKᵀ/√d_k) under the causal mask."""
    model, tokenizer = course
    ids = tokenizer.encode("the cat sat on the mat")
    model.forward(np.array(ids)[None])
    p = {k: v.astype(np.float64) for k, v in model.parameters().items()}
    x = p["embed.W_E"][ids] + p["positions.W_P"][: len(ids)]
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    h = (x - mu) / np.sqrt(var + 1e-5) * p["blocks.0.ln_1.gamma"] + p["blocks.0.ln_1.beta"]
    q, k = h @ p["blocks.0.attn.W_Q"], h @ p["blocks.0.attn.W_K"]
    n, d_k = len(ids), 64 // 4
    for head in range(4):
        s = q[:, head * d_k:(head + 1) * d_k] @ k[:, head * d_k:(head + 1) * d_k].T / math.sqrt(d_k)
        s[np.triu_indices(n, 1)] = -np.inf
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        np.testing.assert_allclose(model.attention_weights()[0][0, head], a, atol=1e-5)


def test_a_sentence_typed_twice_shows_the_induction_stripe(tutor):
    sentence = "Attention weights show where a model looks, not why."
    data = tutor.json("attention", sentence + " " + sentence, "--layer", "2", "--json")
    best = max(s["on_input"]["induction"] for s in data["head_scores"] if s["layer"] == 2)
    assert best >= 0.3
    chinese = "注意力权重显示模型在看哪里。"
    data = tutor.json("attention", chinese + chinese, "--layer", "2", "--json")
    assert max(s["on_input"]["induction"] for s in data["head_scores"] if s["layer"] == 2) >= 0.3


def test_json_head_scores_are_measured_beside_each_head(tutor, course):
    data = tutor.json("attention", "the cat sat on the mat", "--json")
    measured = {(h.layer, h.head): h for h in head_behaviour(course[0])}
    assert len(data["head_scores"]) == 8
    for row in data["head_scores"]:
        h = measured[(row["layer"], row["head"])]
        assert row["previous_token"] == pytest.approx(h.previous_token, abs=1e-6)
        assert row["induction"] == pytest.approx(h.induction, abs=1e-6)
        assert set(row["on_input"]) == {"previous_token", "first_token", "induction"}
    assert data["settings"]["heldout_bits_per_token"] == course[0].config.meta["heldout"]["bits_per_token"]


def test_input_scores_follow_their_definitions():
    weights = np.tril(np.ones((5, 5)))
    weights /= weights.sum(-1, keepdims=True)
    previous, first, induction = input_scores(weights, [7, 8, 9, 7, 8])
    assert previous == pytest.approx(np.mean([1 / 2, 1 / 3, 1 / 4, 1 / 5]))
    assert first == pytest.approx(previous)
    assert induction == pytest.approx(np.mean([1 / 4, 1 / 5]))  # 7 → the 8 after it, 8 → the 9 after it
    assert input_scores(weights, [1, 2, 3, 4, 5])[2] is None


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_picture_and_its_note_fit_and_stay_honest(tutor, lang, width):
    result = tutor("--lang", lang, "attention", "我们 study attention every day 👍", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert "GPT-2" in result.output
    assert all(cell_len(line) <= width for line in result.output.splitlines())


def test_long_text_names_the_window_it_shows(tutor):
    result = tutor("attention", " ".join(["word"] * 300), "--json")  # "word", then 299 × "␣word"
    assert result.exit_code == 0
    assert "showing tokens 1–128" in result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["window"] == {"shown": 128, "total": 300, "context": 128}
    assert len(data["tokens"]) == 128


@pytest.mark.parametrize("args, fragment", [
    (("",), "The text is empty"),
    (("a b", "--layer", "0"), "--layer must be between 1 and 2"),
    (("a b", "--layer", "3"), "--layer must be between 1 and 2"),
    (("a b", "--head", "5"), "--head must be between 1 and 4"),
    (("a b", "--causal"), "own mask decides"),
    (("a b", "--heads", "2"), "--heads applies to --model random only"),
    (("a b", "--model", "cours"), "Did you mean: course"),
])
def test_course_model_bad_input_is_one_line(tutor, args, fragment):
    result = tutor("attention", *args)
    assert result.exit_code in (1, 2), result.output
    assert fragment in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_training_resumes_from_its_checkpoint_to_the_same_weights(tmp_path):
    recipe = {**RECIPE, "vocab_size": 300, "n_ctx": 16, "d_model": 16, "n_heads": 2, "d_mlp": 32, "batch": 4,
              "steps": 6, "warmup": 2, "course_spans_from": 3, "span_max": 8}
    ids = np.random.default_rng(0).integers(0, 300, size=2000)
    quiet = lambda line: None  # noqa: E731
    straight, _ = train_course_model(0, ids, log=quiet, recipe=recipe, folder=tmp_path / "a")
    train_course_model(0, ids, log=quiet, recipe=recipe, folder=tmp_path / "b", stop_after=3)
    resumed, _ = train_course_model(0, ids, resume=True, log=quiet, recipe=recipe, folder=tmp_path / "b")
    for name, array in straight.parameters().items():
        np.testing.assert_array_equal(resumed.parameters()[name], array)
