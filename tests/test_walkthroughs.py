"""`llmtutor walk`: every walkthrough runs, checks its claims, fits the screen, and its JSON recomputes."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

from llmtutor.i18n import set_language
from llmtutor.walkthroughs.bpe import END, learn_merges, tokenize_word
from llmtutor.walkthroughs.registry import REGISTRY
from llmtutor.walkthroughs.steps import BACK, NEXT, QUIT, NamedArray, Pacer

WALKS = list(REGISTRY)
QUICK = {"cost": ("--max-n", "64")}  # keep the live measurement small in tests
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run(tutor, walk_id, *args, lang="en", width=80):
    return tutor("--lang", lang, "walk", walk_id, "--no-pause", *QUICK.get(walk_id, ()), *args,
                 env={"COLUMNS": str(width)})


# ---------------------------------------------------------------- every walkthrough, both languages

@pytest.mark.parametrize("width", [80, 40])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("walk_id", WALKS)
def test_every_walkthrough_runs_to_the_end_and_fits_the_width(tutor, walk_id, lang, width):
    result = run(tutor, walk_id, lang=lang, width=width)
    assert result.exit_code == 0, result.output
    word = "step" if lang == "en" else "步骤"
    positions = re.findall(rf"{word} (\d+)/(\d+)", result.stdout)
    assert positions and positions[-1][0] == positions[-1][1] == str(len(positions))
    assert all(cell_len(line) <= width for line in result.stdout.splitlines())
    assert "Traceback" not in result.output


@pytest.mark.parametrize("walk_id", [w for w in WALKS if w != "cost"])
def test_every_check_passes(tutor, walk_id):
    result = run(tutor, walk_id)
    assert "✓" in result.stdout and "✗" not in result.stdout


def test_cost_checks_that_do_not_depend_on_timing_pass(tutor):
    text = run(tutor, "cost").stdout
    assert "✓ each doubling of n makes the matrix exactly 4× larger" in text
    assert re.search(r"✓ tiled and naive outputs agree", text)


def test_walkthrough_ends_with_lessons_and_terms_to_read_next(tutor):
    text = run(tutor, "self-attention").stdout
    last = text[text.rindex("step 10/10"):]
    assert "llmtutor learn attention" in last and "llmtutor explain softmax" in last


def test_without_a_terminal_all_steps_print_even_without_no_pause(tutor):
    result = tutor("walk", "scaling")
    assert result.exit_code == 0 and "step 4/4" in result.stdout


def test_chinese_is_the_default_text_in_chinese(tutor):
    data = tutor.json("--lang", "zh", "walk", "self-attention", "--json")
    assert data["tokens"] == list("我喜欢学习注意力")
    assert tutor.json("walk", "self-attention", "--json")["tokens"] == "the cat sat on the mat".split()


# ---------------------------------------------------------------- the list and lookup

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_walk_without_a_name_lists_every_walkthrough_with_its_description(tutor, lang):
    result = tutor("--lang", lang, "walk")
    assert result.exit_code == 0
    for walk_id in WALKS:
        assert walk_id in result.stdout
    assert ("heatmap per head" if lang == "en" else "每个头一张热力图") in result.stdout
    listed = tutor.json("--lang", lang, "walk", "--json")
    assert [item["id"] for item in listed] == WALKS and all(item["description"] for item in listed)


def test_unknown_walkthrough_suggests_close_names(tutor):
    result = tutor("walk", "masc")
    assert result.exit_code == 1
    assert "masks" in result.stderr and "Did you mean" in result.stderr


def test_a_walkthrough_is_found_by_its_title_or_a_typo(tutor):
    assert tutor.json("walk", "Multi-head attention", "--json")["walkthrough"] == "multi-head"
    assert tutor.json("walk", "self-atention", "--json")["walkthrough"] == "self-attention"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, fragment", [
    (("self-attention", "--dim", "7"), "odd"),
    (("multi-head", "--dim", "8", "--heads", "3"), "3 heads cannot share"),
    (("self-attention", "--seed", "-1"), "--seed must be between"),
    (("self-attention", "--text", "   "), "empty"),
    (("self-attention", "--text", "word " * 10_000), "10000 tokens"),
    (("bpe", "--text", "x" * 10_000), "10000 characters"),
    (("self-attention", "--dk", "0"), "--dk must be between"),
    (("bpe", "--merges", "-1"), "--merges must be between"),
    (("cost", "--max-n", "5"), "--max-n must be between"),
    (("self-attention", "--heads", "2"), "does not use --heads"),
    (("masks", "--causal"), "does not use --causal"),
    (("scaling", "--text", "hi"), "does not use --text"),
    (("positions", "--text", "alone"), "at least two tokens"),
    (("backprop", "--heads", "2"), "does not use --heads"),
    (("backprop", "--dim", "5"), "odd"),
    (("backprop", "--dk", "65"), "--dk must be between 1 and 64"),
])
def test_bad_values_give_one_line_and_exit_2(tutor, args, fragment):
    result = tutor("walk", *args, "--no-pause")
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


# ---------------------------------------------------------------- the JSON, recomputed independently

def positional_encoding(n, d):
    pe = np.zeros((n, d))
    for pos in range(n):
        for i in range(0, d, 2):
            pe[pos, i] = np.sin(pos / 10000 ** (i / d))
            pe[pos, i + 1] = np.cos(pos / 10000 ** (i / d))
    return pe


def row_softmax(scores, mask):
    exps = np.where(mask, np.exp(scores - np.where(mask, scores, -np.inf).max(-1, keepdims=True)), 0.0)
    return exps / exps.sum(-1, keepdims=True)


def arrays(data):
    return {key: np.array(value, dtype=float) for key, value in data.items()
            if key not in ("tokens", "settings", "next", "walkthrough", "mask", "masked_scores")}


@pytest.mark.parametrize("args", [(), ("--causal",),
                                  ("--text", "我爱 NLP!", "--dim", "6", "--dk", "3", "--seed", "9", "--causal")])
def test_self_attention_json_recomputes_step_by_step(tutor, args):
    data = tutor.json("walk", "self-attention", "--json", *args)
    a = arrays(data)
    n, d = a["X"].shape
    d_k = a["W_q"].shape[1]
    causal = "--causal" in args
    assert set(data) >= {"tokens", "X", "W_q", "W_k", "W_v", "Q", "K", "V", "scores", "scaled_scores", "mask",
                         "weights", "output"}
    assert len(data["tokens"]) == n and a["W_k"].shape == a["W_v"].shape == (d, d_k)
    np.testing.assert_allclose(a["PE"], positional_encoding(n, d), atol=1e-12)
    np.testing.assert_allclose(a["X"], a["E"] + a["PE"], atol=1e-12)
    q, k, v = a["X"] @ a["W_q"], a["X"] @ a["W_k"], a["X"] @ a["W_v"]
    for name, mine in (("Q", q), ("K", k), ("V", v)):
        np.testing.assert_allclose(a[name], mine, atol=1e-12)
    scores = q @ k.T
    np.testing.assert_allclose(a["scores"], scores, atol=1e-12)
    np.testing.assert_allclose(a["scaled_scores"], scores / np.sqrt(d_k), atol=1e-12)
    mask = np.array(data["mask"], dtype=bool)
    expected_mask = np.tril(np.ones((n, n), bool)) if causal else np.ones((n, n), bool)
    assert np.array_equal(mask, expected_mask)
    masked = data["masked_scores"]
    assert all((masked[i][j] is None) == (not mask[i, j]) for i in range(n) for j in range(n))
    weights = row_softmax(scores / np.sqrt(d_k), mask)
    np.testing.assert_allclose(a["weights"], weights, atol=1e-12)
    assert np.allclose(a["weights"].sum(-1), 1) and np.all(a["weights"][~mask] == 0)
    np.testing.assert_allclose(a["output"], weights @ v, atol=1e-12)


@pytest.mark.parametrize("heads, causal", [(2, False), (4, True), (1, False)])
def test_multi_head_json_recomputes_step_by_step(tutor, heads, causal):
    args = ["walk", "multi-head", "--json", "--heads", str(heads), "--dim", "8"] + (["--causal"] if causal else [])
    data = tutor.json(*args)
    a = arrays(data)
    n, d = a["X"].shape
    d_head = d // heads
    assert a["Q"].shape == a["K"].shape == a["V"].shape == (heads, n, d_head)
    assert a["weights"].shape == (heads, n, n) and a["W_o"].shape == (d, d)
    mask = np.tril(np.ones((n, n), bool)) if causal else np.ones((n, n), bool)
    assert np.array_equal(np.array(data["mask"], bool), mask)
    concat = np.zeros((n, d))
    for h in range(heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        q, k, v = a["X"] @ a["W_q"][:, cols], a["X"] @ a["W_k"][:, cols], a["X"] @ a["W_v"][:, cols]
        np.testing.assert_allclose(a["Q"][h], q, atol=1e-12)
        np.testing.assert_allclose(a["K"][h], k, atol=1e-12)
        np.testing.assert_allclose(a["V"][h], v, atol=1e-12)
        np.testing.assert_allclose(a["scores"][h], q @ k.T, atol=1e-12)
        np.testing.assert_allclose(a["scaled_scores"][h], q @ k.T / np.sqrt(d_head), atol=1e-12)
        weights = row_softmax(q @ k.T / np.sqrt(d_head), mask)
        np.testing.assert_allclose(a["weights"][h], weights, atol=1e-12)
        np.testing.assert_allclose(a["heads"][h], weights @ v, atol=1e-12)
        concat[:, cols] = weights @ v
    np.testing.assert_allclose(a["concat"], concat, atol=1e-12)
    np.testing.assert_allclose(a["output"], concat @ a["W_o"], atol=1e-12)
    assert np.all(a["weights"][:, ~mask] == 0)


BACKPROP_KEYS = ["Q", "K", "V", "weights", "output", "grad_output", "grad_V", "grad_weights", "grad_scores",
                 "grad_Q", "grad_K"]


def central_differences(loss, array, h=1e-6):
    """dL/d(array), one entry nudged up and down at a time (written here, apart from the tutor's gradcheck)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + h
        up = loss()
        array[index] = kept - h
        down = loss()
        array[index] = kept
        grad[index] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("args", [(), ("--causal",),
                                  ("--text", "我爱 NLP!", "--dim", "6", "--dk", "3", "--seed", "9", "--causal")])
def test_backprop_json_recomputes_every_gradient(tutor, args):
    data = tutor.json("walk", "backprop", "--json", *args)
    causal = "--causal" in args
    assert data["walkthrough"] == "backprop" and data["settings"]["causal"] == causal
    assert [key for key in data if key in BACKPROP_KEYS] == BACKPROP_KEYS
    a = {key: np.array(data[key], dtype=float) for key in BACKPROP_KEYS}
    n, d_k = len(data["tokens"]), int(args[args.index("--dk") + 1]) if "--dk" in args else 4
    for key in ("Q", "K", "V", "output", "grad_output", "grad_V", "grad_Q", "grad_K"):
        assert a[key].shape == (n, d_k), key
    for key in ("weights", "grad_weights", "grad_scores"):
        assert a[key].shape == (n, n), key
    q, k, v, d_o = a["Q"], a["K"], a["V"], a["grad_output"]
    mask = np.tril(np.ones((n, n), bool)) if causal else np.ones((n, n), bool)
    weights = row_softmax(q @ k.T / np.sqrt(d_k), mask)
    np.testing.assert_allclose(a["weights"], weights, atol=1e-12)
    np.testing.assert_allclose(a["output"], weights @ v, atol=1e-12)
    # the formulas, in plain NumPy
    np.testing.assert_allclose(a["grad_V"], weights.T @ d_o, atol=1e-12)
    np.testing.assert_allclose(a["grad_weights"], d_o @ v.T, atol=1e-12)
    d_a = d_o @ v.T
    d_s = weights * (d_a - (d_a * weights).sum(-1, keepdims=True))
    np.testing.assert_allclose(a["grad_scores"], d_s, atol=1e-12)
    np.testing.assert_allclose(a["grad_Q"], d_s @ k / np.sqrt(d_k), atol=1e-12)
    np.testing.assert_allclose(a["grad_K"], d_s.T @ q / np.sqrt(d_k), atol=1e-12)
    # and by central differences of L = sum(output * grad_output)
    def loss(q=q, k=k, v=v):
        return float(np.sum(row_softmax(q @ k.T / np.sqrt(d_k), mask) @ v * d_o))

    for key, array, of in (("grad_Q", q.copy(), lambda x: loss(q=x)), ("grad_K", k.copy(), lambda x: loss(k=x)),
                           ("grad_V", v.copy(), lambda x: loss(v=x))):
        np.testing.assert_allclose(central_differences(lambda: of(array), array), a[key], atol=1e-6)
    scores = q @ k.T / np.sqrt(d_k)
    numeric = central_differences(lambda: float(np.sum(row_softmax(scores, mask) @ v * d_o)), scores)
    np.testing.assert_allclose(numeric, a["grad_scores"], atol=1e-6)
    free = weights.copy()
    np.testing.assert_allclose(central_differences(lambda: float(np.sum(free @ v * d_o)), free),
                               a["grad_weights"], atol=1e-6)
    # what the steps say about them
    np.testing.assert_allclose(a["grad_scores"].sum(-1), 0, atol=1e-12)
    np.testing.assert_allclose(a["grad_K"].sum(0), 0, atol=1e-12)
    if causal:
        assert np.all(a["grad_scores"][np.triu_indices(n, 1)] == 0)
    assert all(error < 1e-6 for error in data["relative_errors"].values())


def test_backprop_seed_changes_the_upstream_gradient(tutor):
    first = tutor.json("walk", "backprop", "--json")
    assert first == tutor.json("walk", "backprop", "--json", "--seed", "0")
    other = tutor.json("walk", "backprop", "--json", "--seed", "3")
    assert not np.allclose(first["grad_output"], other["grad_output"])


@pytest.mark.parametrize("lang, words", [
    ("en", ("dV = Aᵀ·dO", "dA = dO·Vᵀ", "dS = A ⊙ (dA − rowsum(dA ⊙ A))", "dQ = dS·K", "dK = dSᵀ·Q",
            "agrees with central differences", "every row of dS sums to 0", "masked cells of dS are exactly 0")),
    ("zh", ("dV = Aᵀ·dO", "dS = A ⊙ (dA − rowsum(dA ⊙ A))", "与中心差分", "dS 每行之和都是 0", "被遮蔽的格子都恰好为")),
])
def test_backprop_prints_every_step_with_its_checks(tutor, lang, words):
    result = run(tutor, "backprop", "--causal", lang=lang, width=200)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "step 10/10" in text or "步骤 10/10" in text
    for word in words:
        assert word in text, word
    assert text.count("✓") >= 15 and "✗" not in text


def test_same_seed_same_json_other_seed_other_json(tutor):
    first = tutor.json("walk", "self-attention", "--json", "--seed", "3")
    assert first == tutor.json("walk", "self-attention", "--json", "--seed", "3")
    assert first["X"] != tutor.json("walk", "self-attention", "--json", "--seed", "4")["X"]


def test_masks_json_hides_the_future_only_under_the_causal_mask(tutor):
    data = tutor.json("walk", "masks", "--json")
    both, causal = np.array(data["weights_bidirectional"]), np.array(data["weights_causal"])
    n = len(data["tokens"])
    assert np.all(both > 0) and np.all(causal[np.triu_indices(n, 1)] == 0)
    assert data["sees_causal"][0] == data["tokens"][:1] and data["sees_bidirectional"][0] == data["tokens"]
    np.testing.assert_allclose(causal[-1], both[-1], atol=1e-12)


def test_scaling_json_measures_the_spread_and_the_saturation(tutor):
    data = tutor.json("walk", "scaling", "--json", "--seed", "1")
    std, root = np.array(data["std_dot"]), np.array(data["sqrt_d_k"])
    assert np.all(np.abs(std / root - 1) < 0.1)
    assert np.all(np.abs(np.array(data["std_scaled"]) - 1) < 0.1)
    assert np.all(np.diff(data["entropy_unscaled"]) < 0)
    assert data["max_weight_unscaled"][-1] > data["max_weight_scaled"][-1]


def test_positions_json_shows_order_blindness_without_pe(tutor):
    data = tutor.json("walk", "positions", "--json")
    order = data["permutation"]
    assert sorted(order) == list(range(len(data["tokens"]))) and order != sorted(order)
    assert data["shuffled_tokens"] == [data["tokens"][i] for i in order]
    plain, shuffled = np.array(data["output_no_pe"]), np.array(data["output_no_pe_shuffled"])
    np.testing.assert_allclose(shuffled, plain[order], atol=1e-9)
    assert np.abs(np.array(data["output_pe_shuffled"]) - np.array(data["output_pe"])[order]).max() > 1e-6
    assert data["diff_no_pe"] < 1e-9 < data["diff_pe"]


def test_positions_json_shows_rope_scores_depend_only_on_the_offset(tutor):
    data = tutor.json("walk", "positions", "--json", "--text", "dog bites man", "--seed", "3")
    q, k = np.array(data["Q"]), np.array(data["K"])
    q_rope, k_rope = np.array(data["Q_rope"]), np.array(data["K_rope"])
    assert q.shape == k.shape == q_rope.shape == k_rope.shape == (3, 8)
    np.testing.assert_allclose(q_rope[0], q[0])
    np.testing.assert_allclose(np.linalg.norm(q_rope, axis=1), np.linalg.norm(q, axis=1))
    first, second = data["rope_pair"]
    grid = np.array(data["rope_scores"])
    assert grid.shape == (len(data["rope_positions"]),) * 2
    for offset in range(-grid.shape[0] + 1, grid.shape[0]):
        diagonal = np.diagonal(grid, offset)
        np.testing.assert_allclose(diagonal, diagonal[0], atol=1e-9)
    np.testing.assert_allclose(np.diagonal(grid), float(q[first] @ k[second]))
    assert data["rope_plain_score"] == pytest.approx(float(q[first] @ k[second]))
    assert np.ptp(grid[0]) > 1e-6 and data["rope_diagonal_spread"] < 1e-9


def test_positions_walk_shows_the_rope_checks_in_both_languages(tutor):
    for lang, words in (("en", ("RoPE", "offset n − m are equal")), ("zh", ("RoPE", "相对距离 n − m 相同的打分都相等"))):
        result = tutor("walk", "positions", "--lang", lang)
        assert result.exit_code == 0, result.output
        assert all(word in result.stdout for word in words)
        assert "✗" not in result.stdout


def test_cost_json_measures_memory_and_matches_outputs_without_timing_claims(tutor):
    data = tutor.json("walk", "cost", "--json", "--max-n", "64")
    assert data["n"] == [16, 32, 64]
    assert data["weights_bytes"] == [n * n * 8 for n in data["n"]]
    assert len(data["time_ms"]) == 3 and all(t >= 0 for t in data["time_ms"])
    assert data["flops"] == [4 * n * n * 32 for n in data["n"]] and data["settings"]["timing"] == "best of repeats"
    assert all(isinstance(b, int) and b > 0 for b in data["naive_peak_bytes"] + data["tiled_peak_bytes"])
    assert data["max_abs_diff"] < 1e-10


class StepClock:
    """A clock for `walk cost`: each timed call lasts the next of `durations` (seconds)."""

    def __init__(self, durations):
        self.durations, self.now, self.calls = iter(durations), 0.0, 0

    def __call__(self) -> float:
        self.calls += 1
        if self.calls % 2 == 0:  # every second reading ends a timed call
            self.now += next(self.durations)
        return self.now


def _cost_durations(ns, seconds_for_n, repeats):
    """Durations in the order `walk cost` times them: per n, the naive runs then the tiled runs."""
    out = []
    for n in ns:
        out += [seconds_for_n(n, k) for k in range(repeats)] * 2
    return out


def _cost_text(walk) -> str:
    return "\n".join(f"{step.explanation.en if step.explanation else ''} "
                     + " ".join(("✓ " if c.passed else "✗ ") + c.description.en for c in step.checks)
                     for step in walk.steps)


def test_cost_times_are_the_best_of_n_and_fit_an_exponent_from_an_injected_clock():
    from llmtutor.walkthroughs import cost
    from llmtutor.walkthroughs.registry import WalkOptions

    ns = cost.lengths(512)
    # quadratic work, and every run but one disturbed by something else on the machine
    clock = StepClock(_cost_durations(ns, lambda n, k: 1e-9 * n * n * (1 if k == 3 else 5 + k), cost.REPEATS))
    walk = cost.build(WalkOptions(max_n=512), clock=clock)
    assert walk.json["time_ms"] == pytest.approx([1e-6 * n * n for n in ns])  # the least disturbed run
    assert walk.json["time_exponent"] == pytest.approx(2.0) and walk.json["time_fit_r2"] == pytest.approx(1.0)
    text = _cost_text(walk)
    assert "time ≈ c·n^2.0" in text and "✗" not in text
    assert "✓ each doubling of n makes the work exactly 4× more" in text
    assert walk.json["flops"] == [4 * n * n * cost.D for n in ns]


def test_cost_says_too_noisy_to_tell_when_the_times_do_not_fit_and_ticks_nothing_about_time():
    from llmtutor.walkthroughs import cost
    from llmtutor.walkthroughs.registry import WalkOptions

    ns = cost.lengths(512)
    noise = np.random.default_rng(3).uniform(0.001, 0.1, size=len(ns))  # unrelated to n
    clock = StepClock(_cost_durations(ns, lambda n, k: float(noise[ns.index(n)]), cost.REPEATS))
    walk = cost.build(WalkOptions(max_n=512), clock=clock)
    text = _cost_text(walk)
    assert "too noisy to tell" in text and "time ≈ c·n^" not in text
    assert walk.json["time_fit_r2"] < cost.MIN_R2
    checks = [c.description.en for step in walk.steps for c in step.checks]
    assert not any("time" in c for c in checks)  # ✓ judges counts, memory and outputs only


def test_cost_explains_why_tiled_memory_is_larger_within_one_tile(tutor):
    data = tutor.json("walk", "cost", "--json", "--max-n", "256")
    naive, tiled = data["naive_peak_bytes"], data["tiled_peak_bytes"]
    n = data["n"]
    assert tiled[n.index(256)] < naive[n.index(256)]
    text = run(tutor, "cost", "--max-n", "256").stdout
    assert "At n ≤ 128 one tile is the whole matrix" in " ".join(text.split())


# ---------------------------------------------------------------- bpe

SENNRICH = (("low", 5), ("lower", 2), ("newest", 6), ("widest", 3))


def test_bpe_learns_the_merges_of_sennrich_et_al():
    merges = learn_merges(5, SENNRICH)
    assert [m.pair for m in merges] == [("e", "s"), ("es", "t"), ("est", END), ("l", "o"), ("lo", "w")]
    assert [m.count for m in merges] == [9, 9, 9, 7, 7]


def test_bpe_ties_go_to_the_pair_seen_first_in_the_corpus():
    assert learn_merges(1, (("cd", 1), ("ab", 1)))[0].pair == ("c", "d")
    assert learn_merges(1, (("ab", 1), ("cd", 1)))[0].pair == ("a", "b")


def test_bpe_tokenizes_with_the_learned_merges_and_keeps_unknown_characters_single():
    merges = learn_merges(5, SENNRICH)
    assert tokenize_word("lowest", merges) == ("low", "est</w>")
    assert tokenize_word("zzz", merges) == ("z", "z", "z", END)


def test_bpe_json_grows_the_vocabulary_by_one_per_merge(tutor):
    data = tutor.json("walk", "bpe", "--json", "--merges", "5", "--text", "lowest newer")
    sizes = [m["vocab_size"] for m in data["merges"]]
    assert sizes == list(range(len(data["initial_vocab"]) + 1, len(data["initial_vocab"]) + 6))
    assert len(data["vocab"]) == sizes[-1]
    assert ["".join(t) for t in data["tokens"]] == ["lowest" + END, "newer" + END]


def test_bpe_stops_when_no_pair_is_left(tutor):
    data = tutor.json("walk", "bpe", "--json", "--merges", "500")
    assert data["settings"]["merges_learned"] < 500
    assert all(len(word) == 1 for word in data["merges"][-1]["corpus"])
    assert tutor("walk", "bpe", "--merges", "0", "--no-pause").exit_code == 0


# ---------------------------------------------------------------- rendering and pacing

@pytest.fixture
def english():
    set_language("en")
    yield
    set_language(None)


def render(renderable, width=80, colour=False) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=colour,
                      color_system="truecolor" if colour else None, no_color=not colour, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


def test_an_array_shows_its_shape_and_aligned_fixed_decimals(english):
    from llmtutor.render.arrays import ArrayView

    text = render(ArrayView(NamedArray("Q", np.array([[1.0, -0.5], [12.25, -0.0001]]), ("the", "cat")), "en"))
    lines = text.splitlines()
    assert lines[0] == "Q: (2, 2)"
    assert lines[1] == "the   1.000 -0.500" and lines[2] == "cat  12.250  0.000"


def test_a_wide_array_shows_the_columns_that_fit_and_says_so(english):
    from llmtutor.render.arrays import ArrayView

    text = render(ArrayView(NamedArray("X", np.ones((3, 50))), "en"), width=40)
    assert "showing columns 1–6 of 50" in text
    assert all(cell_len(line) <= 40 for line in text.splitlines())


@pytest.mark.parametrize("walk_id", WALKS)
def test_every_step_fits_40_columns_in_colour(walk_id, english):
    from llmtutor.cli.state import SESSION
    from llmtutor.render.walk import step_page
    from llmtutor.walkthroughs.registry import run as build

    given = {"max_n": 64} if walk_id == "cost" else {}
    walk = build(walk_id, given, "en", SESSION.course())
    for index in range(len(walk.steps)):
        text = ANSI.sub("", render(step_page(walk, index, "en"), width=40, colour=True))
        assert all(cell_len(line) <= 40 for line in text.splitlines())


@pytest.mark.parametrize("width", [40, 80])
def test_every_head_gets_a_heatmap_however_narrow_the_screen(tutor, width):
    result = run(tutor, "multi-head", "--heads", "4", "--dim", "16", width=width)
    assert all(f"head {k} of 4" in result.stdout for k in range(1, 5))
    assert "--head" not in result.stdout.replace("--heads", "")


def test_the_pacer_moves_forward_back_and_ends():
    pacer = Pacer(3)
    pacer.apply(BACK)
    assert pacer.index == 0
    pacer.apply(NEXT)
    pacer.apply(NEXT)
    assert pacer.index == 2 and not pacer.done
    pacer.apply(BACK)
    assert pacer.index == 1
    pacer.apply(QUIT)
    assert pacer.done
    last = Pacer(1)
    last.apply(NEXT)
    assert last.done


def _cells_from(line: str, start: int) -> str:
    """The part of `line` from terminal cell `start` on."""
    used, out = 0, []
    for ch in line:
        if used >= start:
            out.append(ch)
        used += cell_len(ch)
    return "".join(out)


@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bpe_never_breaks_a_token_across_lines(tutor, width, lang):
    text = "我喜欢学习注意力和 attention newest"
    tokens = {t for word in tutor.json("walk", "bpe", "--json", "--text", text)["tokens"] for t in word}
    output = run(tutor, "bpe", "--text", text, lang=lang, width=width).stdout
    lines = output[output.rindex("14/16"):].splitlines()  # "your text, tokenized"
    header = next(i for i, line in enumerate(lines) if line.startswith(("word", "词 ")))
    start = cell_len(lines[header][: lines[header].index(lines[header].split()[-1])])  # the tokens column
    shown = []
    for line in lines[header + 2:]:
        if not line.strip():
            break
        shown += _cells_from(line, start).split()
    assert shown and set(shown) <= tokens, sorted(set(shown) - tokens)


@pytest.mark.parametrize("lang,word", [("en", "none"), ("zh", "无")])
def test_bpe_says_none_in_words(tutor, lang, word):
    output = run(tutor, "bpe", "--text", "low lower", lang=lang).stdout
    assert "∅" not in output
    assert any(line.rstrip().endswith(word) for line in output.splitlines() if line.startswith("✓"))


def test_bpe_splits_the_text_with_the_shipped_course_tokenizer_too(tutor):
    from llmtutor.model.bpe import course_tokenizer

    data = tutor.json("walk", "bpe", "--json", "--text", "注意力 lowest 👍")
    course = data["course_tokens"]
    tokenizer = course_tokenizer()
    assert course["ids"] == tokenizer.encode("注意力 lowest 👍")
    assert course["tokens"] == [tokenizer.display(i) for i in course["ids"]]
    assert bytes.fromhex("".join(course["bytes"])).decode("utf-8") == "注意力 lowest 👍"
    assert course["tokens"][0] == "注意力" and "⟨f0⟩" in course["tokens"]  # a word merged; an emoji as bytes
    assert course["vocab_size"] == 2048


def test_step_records_are_immutable_and_compared_field_by_field():
    from llmtutor.course.loader import load_walk_view
    from llmtutor.walkthroughs.registry import run
    from llmtutor.walkthroughs.steps import Check, ReadNext, Step

    walk = run("self-attention", {}, "en", load_walk_view().course)
    step = walk.steps[0]
    with pytest.raises(AttributeError):
        step.title = step.explanation
    assert step.checks[0] == Check(step.checks[0].description, True) != Check(step.checks[0].description, False)
    assert Step(step.title) == Step(title=step.title, formula="") and Step(step.title).read_next is None
    assert walk.next == ReadNext(walk.next.lessons, walk.next.terms) and walk.next.terms
    with pytest.raises(TypeError):
        Check(step.checks[0].description)  # a field without a default must be given
    with pytest.raises(TypeError):
        Step(step.title, colour="red")
