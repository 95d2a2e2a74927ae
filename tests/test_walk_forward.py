"""`llmtutor walk forward`: one forward pass of the shipped course model, every array with its shape, checked."""

from __future__ import annotations

import numpy as np
import pytest

from llmtutor.model.text_model import load_text_model

KEYS = {"walkthrough", "model", "text", "tokens", "token_ids", "embeddings", "positions", "x0", "layers", "final",
        "logits", "probabilities", "top", "residual_norms", "checks", "settings", "next"}
LAYER_KEYS = {"ln_1", "Q", "K", "V", "weights", "attention_out", "after_attention", "ln_2", "mlp_hidden", "mlp_out",
              "after_mlp"}


@pytest.fixture(scope="module")
def course():
    return load_text_model()


def test_json_keys_and_shapes(tutor, course):
    data = tutor.json("walk", "forward", "--text", "the attention head", "--json")
    assert set(data) == KEYS
    config = course.model.config
    n, d, h = len(data["token_ids"]), config.d_model, config.n_heads
    assert data["token_ids"] == course.encode("the attention head")
    assert data["tokens"] == [course.token_text(i) for i in data["token_ids"]]
    assert np.shape(data["x0"]) == (n, d)
    assert len(data["layers"]) == config.n_layers
    for layer in data["layers"]:
        assert set(layer) == LAYER_KEYS
        assert np.shape(layer["weights"]) == (h, n, n)
        assert np.shape(layer["Q"]) == (h, n, d // h)
        assert np.shape(layer["mlp_hidden"]) == (n, config.d_mlp)
    assert np.shape(data["logits"]) == np.shape(data["probabilities"]) == (config.vocab_size,)
    assert len(data["top"]) == 5


def test_the_arrays_are_the_engines_forward_pass(tutor, course):
    data = tutor.json("walk", "forward", "--text", "注意力机制", "--json")
    ids = np.asarray(data["token_ids"])
    logits = course.model.forward(ids)  # (n, V)
    np.testing.assert_allclose(data["logits"], logits[-1], rtol=1e-4, atol=1e-4)
    for layer, weights in zip(data["layers"], course.model.attention_weights()):
        np.testing.assert_allclose(layer["weights"], weights[0], atol=1e-5)
        np.testing.assert_allclose(np.sum(layer["weights"], axis=-1), 1.0, atol=1e-5)
    assert data["checks"]["matches_engine_forward"] is True


def test_the_top_five_are_generates_first_step(tutor):
    walk = tutor.json("walk", "forward", "--text", "the model", "--json")
    generated = tutor.json("generate", "the model", "--tokens", "1", "--temperature", "0", "--json")
    assert [entry["token"] for entry in walk["top"]] == [entry["token"] for entry in generated["steps"][0]["top"]]
    assert generated["steps"][0]["token"] == walk["top"][0]["token"]
    for mine, theirs in zip(walk["top"], generated["steps"][0]["top"]):
        assert mine["probability"] == pytest.approx(theirs["probability"], abs=1e-6)
    assert walk["checks"]["matches_generate_first_step"] is True


@pytest.mark.parametrize("lang,words", [("en", ("BPE tokens", "a KV cache", "Layer 2: attention in every head",
                                                "head 4/4")),
                                        ("zh", ("BPE 词元", "KV 缓存", "第 2 层：每个头的注意力", "头 4/4"))])
def test_every_step_is_shown_with_its_checks(tutor, lang, words):
    result = tutor("--lang", lang, "walk", "forward", "--no-pause", "--text", "self-attention 注意力")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for word in words:
        assert word in out
    assert "✓" in out and "✗" not in out


@pytest.mark.parametrize("args,fragment", [
    (("--text", ""), "The text is empty"),
    (("--text", "word " * 100), "walk forward shows at most 64"),
    (("--heads", "2"), "does not use --heads"),
])
def test_bad_input(tutor, args, fragment):
    result = tutor("walk", "forward", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
