"""The shipped text model (generate's default): what its file says about it is what it measures."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from llmtutor.model.text_model import load_text_model, model_path

MODEL_CARD = Path(__file__).resolve().parent.parent / "docs" / "MODEL.md"


@pytest.fixture(scope="module")
def text():
    return load_text_model("text")


def test_it_is_the_course_recipe_without_repeats(text):
    from llmtutor.model.course import RECIPE

    meta = text.meta
    assert meta["recipe"] == {**RECIPE, "synthetic_share": 0.0}
    config = text.model.config
    assert (config.vocab_size, config.n_ctx, config.d_model, config.n_heads, config.n_layers, config.d_mlp) == \
        (RECIPE["vocab_size"], RECIPE["n_ctx"], RECIPE["d_model"], RECIPE["n_heads"], RECIPE["n_layers"],
         RECIPE["d_mlp"])
    assert config.causal and config.tie_embeddings
    assert model_path("text").stat().st_size < 600_000


def test_it_was_trained_on_the_corpus_and_tokenizer_in_the_repo(text):
    from llmtutor.model.bpe import COURSE_TOKENIZER
    from llmtutor.model.corpus import HELDOUT_FILE, TRAIN_FILE, sha256_of

    assert text.meta["train_sha256"] == sha256_of(TRAIN_FILE)
    assert text.meta["heldout_sha256"] == sha256_of(HELDOUT_FILE)
    assert text.meta["tokenizer_sha256"] == sha256_of(COURSE_TOKENIZER)


def test_its_heldout_loss_and_head_scores_are_what_its_file_and_the_model_card_say(text):
    from llmtutor.model.corpus import read_split
    from llmtutor.model.course import head_behaviour, heldout_loss

    _, heldout_text = read_split()
    ids = np.array(text.tokenizer.encode(heldout_text), dtype=np.int64)
    loss = heldout_loss(text.model, ids, len(heldout_text))
    assert loss["bits_per_token"] == pytest.approx(text.meta["heldout"]["bits_per_token"], abs=1e-4)
    assert loss["bits_per_char"] == pytest.approx(text.meta["heldout"]["bits_per_char"], abs=1e-4)
    scores = [h.as_dict() for h in head_behaviour(text.model)]
    for measured, stored in zip(scores, text.meta["head_scores"]):
        assert measured == pytest.approx(stored, abs=1e-4)
    card = MODEL_CARD.read_text(encoding="utf-8")
    row = re.search(r"\| held-out loss \|[^|]*\| ([\d.]+) bits/token, ([\d.]+) bits/char \|", card)
    assert row, "the model card's table of the two models"
    assert float(row.group(1)) == round(loss["bits_per_token"], 2)
    assert float(row.group(2)) == round(loss["bits_per_char"], 2)
