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


def _svg_text(path) -> str:
    """The text of an SVG figure line by line, each piece put back at its cell (12.2 pixels a cell)."""
    import html
    import re

    lines: dict[float, dict[int, str]] = {}
    for x, y, text in re.findall(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>',
                                 path.read_text(encoding="utf-8")):
        lines.setdefault(float(y), {})[round(float(x) / 12.2)] = html.unescape(text).replace("\xa0", " ")
    out = []
    for y in sorted(lines):
        line = ""
        for cell in sorted(lines[y]):
            line += " " * max(0, cell - cell_len(line)) + lines[y][cell]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_svg_keeps_the_whole_title_the_note_and_the_legend_and_no_window_frame(tutor, tmp_path, lang):
    path = tmp_path / "attention.svg"
    sentence = "the cat sat on the mat because it was finished reading"
    result = tutor("--lang", lang, "attention", sentence, "--model", "random", "--heads", "4", "--export", str(path))
    assert result.exit_code == 0, result.output
    words = " ".join(_svg_text(path).split())
    assert sentence in words  # the whole title, not the terminal's cut one
    assert ("not trained" if lang == "en" else "未经训练") in words  # the note on the weights
    assert ("exactly 0" if lang == "en" else "恰好为 0") in words  # the legend
    assert ("one scale for every head" if lang == "en" else "所有头共用一个刻度") in words
    assert "finished" in words.split() and "because" in words.split()  # column labels written across
    svg = path.read_text(encoding="utf-8")
    assert "<circle" not in svg and "cdnjs" not in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_the_svg_is_cut_to_its_text(tutor, tmp_path):
    import re

    path = tmp_path / "attention.svg"
    assert tutor("attention", "the cat sat", "--export", str(path)).exit_code == 0
    svg = path.read_text(encoding="utf-8")
    width = float(re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', svg).group(1))
    xs = [float(x) for x in re.findall(r'<text[^>]* x="([\d.]+)"', svg)]
    assert max(xs) > 0.5 * width  # the text reaches across the picture: no empty half


def test_json_with_export_prints_the_json_and_writes_the_file(tutor, tmp_path):
    path = tmp_path / "attention.html"
    data = tutor.json("attention", "the cat sat", "--model", "random", "--json", "--export", str(path))
    assert data["tokens"] == ["the", "cat", "sat"]
    assert "attention-data" in path.read_text(encoding="utf-8")
    path = tmp_path / "trained.svg"
    data = tutor.json("attention", "3 1 4 1 5 9 2 6", "--model", "reverse", "--json", "--export", str(path))
    assert data["model"] == "reverse" and "reverse" in _svg_text(path)


def test_the_html_export_is_one_self_contained_page(tutor, tmp_path):
    path = tmp_path / "attention.html"
    assert tutor("attention", "a </script><b> c", "--model", "random", "--heads", "2", "--export", str(path)).exit_code == 0
    page = path.read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "https://" not in page
    assert page.count("</script>") == 2  # a token cannot end the data element
    assert "default-src 'none'" in page


@pytest.mark.parametrize("width", [40, 80, 200])
def test_cols_pages_through_the_values_until_every_column_was_seen(tutor, width):
    words = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    seen, args = set(), ()
    for _ in range(16):
        result = tutor("attention", words, "--model", "random", "--values", *args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        header = next(line for line in result.output.splitlines() if "query" in line)
        lines = result.output.splitlines()
        columns = lines[lines.index(header) + 1].split()
        seen.update(c.rstrip("…") for c in columns)
        hint = [line for line in result.output.splitlines() if "the next part: --cols" in line]
        if not hint:
            break
        args = ("--cols", hint[0].split("--cols")[1].strip())
        if args[1].startswith("1-"):
            break
    assert len(seen) == 16, seen


def test_rows_and_cols_show_that_part_of_the_picture(tutor):
    result = tutor("attention", "a b c d e f", "--model", "random", "--rows", "2-3", "--cols", "4-", env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    grid = [line for line in result.output.splitlines() if "│" in line]
    assert [line.split("│")[0].strip() for line in grid] == ["b", "c"]
    assert "showing rows 2–3 of 6" in result.output and "showing columns 4–6 of 6" in result.output


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
    ("a b", "--weights", "/no/such.npz"), ("a b c", "--cols", "two"), ("a b c", "--cols", "5-9"),
    ("a b c", "--rows", "3-1"), ("a b c", "--rows", "0"), ("a b", "--json", "--export", "x.png"),
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


def test_the_html_page_never_turns_a_small_weight_into_a_blank_zero(tutor, tmp_path):
    import json
    import re

    path = tmp_path / "attention.html"
    assert tutor("attention", "h e a d c b g f", "--model", "induction", "--export", str(path)).exit_code == 0
    page = path.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="attention-data">(.*?)</script>', page, re.S).group(1))
    shown = np.array(data["weights"])  # (layers, heads, n, n)
    for layer in (1, 2):
        exact = np.array(tutor.json("attention", "h e a d c b g f", "--model", "induction", "--layer", str(layer),
                                    "--json")["weights"])  # (heads, n, n), 6 decimals
        assert not np.any((shown[layer - 1] == 0) & (exact != 0))
        np.testing.assert_allclose(shown[layer - 1], exact, rtol=1e-3, atol=1e-6)


def test_the_course_model_exports_its_note_and_pages_through_rows(tutor, tmp_path):
    path = tmp_path / "course.svg"
    data = tutor.json("attention", "the cat sat on the mat", "--json", "--export", str(path))
    assert data["model"] == "course" and path.exists()
    words = " ".join(_svg_text(path).split())
    assert "trained by llmtutor on this course" in words and "exactly 0" in words  # the note and the legend
    page = tmp_path / "course.html"
    assert tutor("attention", "the cat sat on the mat", "--export", str(page)).exit_code == 0
    assert "attention-data" in page.read_text(encoding="utf-8")
    result = tutor("attention", "a b c d e f", "--head", "1", "--rows", "2-3", env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "showing rows 2–3 of" in result.output
