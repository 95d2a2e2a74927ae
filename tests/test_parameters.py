"""Seeded embeddings and projection weights: the same numbers every run for the same seed."""

import os
import subprocess
import sys
from statistics import NormalDist

import numpy as np
import pytest

from llmtutor.attention import embed_tokens, projection_weights
from llmtutor.attention.seeded import words
from llmtutor.errors import TutorError


def test_the_same_token_gets_the_same_vector_wherever_it_stands():
    embeddings = embed_tokens(["the", "cat", "saw", "the", "dog"], d_model=8, seed=0)
    np.testing.assert_array_equal(embeddings[0], embeddings[3])


def test_different_tokens_get_different_vectors():
    embeddings = embed_tokens(["cat", "dog", "猫"], d_model=8, seed=0)
    assert not np.allclose(embeddings[0], embeddings[1])
    assert not np.allclose(embeddings[0], embeddings[2])


def test_a_token_gets_the_same_vector_whatever_its_neighbours():
    alone = embed_tokens(["cat"], d_model=8, seed=3)
    in_a_sentence = embed_tokens(["a", "black", "cat"], d_model=8, seed=3)
    np.testing.assert_array_equal(alone[0], in_a_sentence[2])


def test_the_same_seed_gives_the_same_embeddings_and_another_seed_others():
    tokens = ["the", "cat", "sat"]
    np.testing.assert_array_equal(embed_tokens(tokens, 6, seed=1), embed_tokens(tokens, 6, seed=1))
    assert not np.allclose(embed_tokens(tokens, 6, seed=1), embed_tokens(tokens, 6, seed=2))


def _documented_normals(seed: int, stream: int, name: str, count: int) -> list[float]:
    """The numbers `llmtutor.attention.seeded` documents, computed independently: Python ints for
    FNV-1a and SplitMix64, the standard library's inverse normal CDF (AS241) for the normals."""
    mask = 2**64 - 1

    def finalised(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    def fnv1a(data):
        h = 0xCBF29CE484222325
        for byte in data:
            h = ((h ^ byte) * 0x100000001B3) & mask
        return h

    parts = [seed.to_bytes(seed.bit_length() // 8 + 1, "little", signed=True),
             stream.to_bytes(stream.bit_length() // 8 + 1, "little", signed=True), name.encode()]
    key = 0
    for part in parts:
        key = finalised(((key + 0x9E3779B97F4A7C15) & mask) ^ fnv1a(part))
    words = [finalised((key + (i + 1) * 0x9E3779B97F4A7C15) & mask) for i in range(count)]
    return [NormalDist().inv_cdf((2 * (word >> 12) + 1) / 2**53) for word in words]


@pytest.mark.parametrize("seed, token", [(0, "cat"), (7, "猫"), (-1, "the"), (2**70 + 3, "mat")])
def test_embeddings_are_the_documented_stream(seed, token):
    # The scheme, not copied numbers: a change of the generator fails here, whatever its new values.
    expected = _documented_normals(seed, 1, token, 6)
    np.testing.assert_allclose(embed_tokens([token], 6, seed=seed)[0], expected, rtol=1e-14, atol=1e-14)


def test_projection_weights_are_the_documented_stream_glorot_scaled():
    expected = np.array(_documented_normals(3, 2, "w_q", 6)).reshape(2, 3) * np.sqrt(2 / (2 + 3))
    np.testing.assert_allclose(projection_weights(2, 3, seed=3, name="w_q"), expected, rtol=1e-14, atol=1e-14)


def test_the_generator_is_splitmix64():
    # Published first outputs of SplitMix64 seeded with 1234567 (Vigna's reference splitmix64.c)
    assert words(1234567, 3).tolist() == [6457827717110365317, 3203168211198807973, 9817491932198370423]


def test_a_smaller_dimension_gives_the_first_entries_of_the_same_vectors():
    np.testing.assert_array_equal(embed_tokens(["cat", "dog"], 4, seed=2), embed_tokens(["cat", "dog"], 9, seed=2)[:, :4])


def test_embeddings_do_not_depend_on_the_python_hash_seed():
    code = "from llmtutor.attention import embed_tokens; print(embed_tokens(['cat', '猫'], 4, 7).tolist())"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for salt in ("1", "2")
    }
    assert len(outputs) == 1


def test_embeddings_are_n_by_d_model_float64_with_standard_normal_entries():
    embeddings = embed_tokens([f"token{i}" for i in range(200)], d_model=64, seed=0)
    assert embeddings.shape == (200, 64) and embeddings.dtype == np.float64
    assert abs(embeddings.mean()) < 0.05
    assert embeddings.std() == pytest.approx(1.0, abs=0.05)


def test_no_tokens_give_an_empty_table():
    assert embed_tokens([], d_model=4, seed=0).shape == (0, 4)


def test_projection_weights_are_fixed_by_seed_and_name():
    first, again = (projection_weights(4, 4, seed=0, name="w_q") for _ in range(2))
    np.testing.assert_array_equal(first, again)


def test_each_name_gets_its_own_matrix():
    w_q, w_k, w_v, w_o = (projection_weights(8, 8, 0, name) for name in ("w_q", "w_k", "w_v", "w_o"))
    for a, b in [(w_q, w_k), (w_q, w_v), (w_k, w_v), (w_v, w_o)]:
        assert not np.allclose(a, b)


def test_another_seed_gives_another_matrix():
    seed_0, seed_1 = (projection_weights(4, 4, seed=seed, name="w_q") for seed in (0, 1))
    assert not np.allclose(seed_0, seed_1)


def test_projection_weights_have_the_glorot_scale():
    weights = projection_weights(200, 100, seed=0, name="w")
    assert weights.shape == (200, 100) and weights.dtype == np.float64
    assert weights.std() == pytest.approx(np.sqrt(2 / (200 + 100)), rel=0.05)


def test_a_negative_seed_is_a_seed_like_any_other():
    np.testing.assert_array_equal(embed_tokens(["cat"], 4, seed=-1), embed_tokens(["cat"], 4, seed=-1))
    assert not np.allclose(embed_tokens(["cat"], 4, seed=-1), embed_tokens(["cat"], 4, seed=1))


def test_every_int_is_its_own_seed_even_beyond_64_bits():
    # -1 and 2**64 - 1 share their 64-bit pattern, 2**64 and 0 their low word: each is still its own seed
    seeds = [0, 1, -1, 2**63, 2**64 - 1, 2**64, -(2**64), 10**30, -(10**30), 10**30 + 2**64]
    vectors = [embed_tokens(["cat"], 16, seed=seed)[0] for seed in seeds]
    for i, seed in enumerate(seeds):
        np.testing.assert_array_equal(vectors[i], embed_tokens(["cat"], 16, seed=seed)[0])
        assert np.isfinite(vectors[i]).all()
        for j in range(i):
            assert not np.allclose(vectors[i], vectors[j]), (seeds[j], seed)


def test_many_draws_are_standard_normal():
    values = np.concatenate([projection_weights(100, 100, seed=seed, name="w").ravel() / np.sqrt(2 / 200)
                             for seed in range(10)])  # 100,000 entries, Glorot scale undone
    assert abs(values.mean()) < 0.01 and values.std() == pytest.approx(1.0, abs=0.01)
    assert np.mean(np.abs(values) > 1.959964) == pytest.approx(0.05, abs=0.003)  # the two 2.5 % tails
    assert np.mean(values < -1) == pytest.approx(0.158655, abs=0.004)
    assert np.mean(values ** 4) == pytest.approx(3.0, abs=0.1)  # normal kurtosis, not uniform's 1.8
    assert np.unique(values).size == values.size


def test_streams_of_tokens_names_and_seeds_are_uncorrelated():
    d = 4000
    rows = np.vstack([embed_tokens(["cat", "dog", "cats", "猫"], d, seed=0),   # other tokens
                      embed_tokens(["cat"], d, seed=1),                         # another seed
                      projection_weights(1, d, seed=0, name="w_q") * np.sqrt((1 + d) / 2),  # matrices
                      projection_weights(1, d, seed=0, name="w_k") * np.sqrt((1 + d) / 2)])
    correlation = np.corrcoef(rows)
    off_diagonal = correlation[~np.eye(len(rows), dtype=bool)]
    assert np.abs(off_diagonal).max() < 4 / np.sqrt(d)  # 4 standard errors of a correlation of 0
    # within a stream, neighbouring entries are uncorrelated too
    assert abs(np.corrcoef(rows[0, :-1], rows[0, 1:])[0, 1]) < 4 / np.sqrt(d)


def test_a_dimension_below_one_raises_dim_must_be_positive():
    with pytest.raises(TutorError) as raised:
        embed_tokens(["cat"], 0, seed=0)
    assert raised.value.key == "dim_must_be_positive"
    with pytest.raises(TutorError):
        projection_weights(0, 4, seed=0, name="w_q")
