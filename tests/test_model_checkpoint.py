"""Model files: saved atomically, read back exactly, and every hostile file refused with one message."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from llmtutor.errors import TutorError
from llmtutor.model import Transformer
from llmtutor.model.checkpoint import load_model, save_model
from model_files import HOSTILE_KINDS, SMALL, good_model, hostile_model


def test_a_saved_model_loads_back_exactly(tmp_path):
    model = Transformer(SMALL, seed=1)
    path = save_model(model, tmp_path / "m.npz")
    loaded = load_model(path)
    assert loaded.config.shape_dict() == model.config.shape_dict()
    assert loaded.config.meta == {"task": "reverse", "length": 8}
    for name, array in model.parameters().items():
        assert np.array_equal(loaded.parameters()[name], array), name
    tokens = np.arange(8)[None] % 10
    assert np.array_equal(loaded.forward(tokens), model.forward(tokens))


def test_saving_leaves_no_temporary_file_and_replaces_the_old_one(tmp_path):
    path = tmp_path / "m.npz"
    save_model(Transformer(SMALL, seed=1), path)
    save_model(Transformer(SMALL, seed=2), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]
    assert np.array_equal(load_model(path).parameters()["embed.W_E"],
                          Transformer(SMALL, seed=2).parameters()["embed.W_E"])


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = good_model(tmp_path / "m.npz")
    before = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full_disk)
    with pytest.raises(OSError):
        save_model(Transformer(SMALL, seed=5), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


@pytest.mark.parametrize("kind", HOSTILE_KINDS)
def test_a_hostile_model_file_is_refused_with_a_message(tmp_path, kind):
    path = hostile_model(kind, tmp_path)
    tracemalloc.start()  # NumPy reports its allocations here: refusing must cost next to nothing
    try:
        with pytest.raises(TutorError) as raised:
            load_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert raised.value.key.startswith("model_"), raised.value.key
    assert str(path) in str(raised.value)
    assert peak < 2 << 20, f"refusing {kind} allocated {peak} bytes"


def test_a_missing_model_file_is_not_found(tmp_path):
    with pytest.raises(TutorError) as raised:
        load_model(tmp_path / "nope.npz")
    assert raised.value.key == "model_file_missing" and raised.value.exit_code == 1
