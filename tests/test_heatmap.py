"""The attention heatmap, rendered into text consoles of fixed widths."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

from llmtutor.errors import TutorError
from llmtutor.i18n import set_language
from llmtutor.render.cells import clean_token, fit_cells
from llmtutor.render.export import export_heatmap
from llmtutor.render.head_grid import HeadGrid
from llmtutor.render.heatmap import Heatmap, pool_blocks

ENGLISH = ["The", "cat", "sat", "on", "the", "mat"]
CHINESE = ["我", "爱", "北京", "天安门", "广场", "注意力机制"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language(None)


def causal_weights(n: int, seed: int = 0) -> np.ndarray:
    """Softmax of random scores under a causal mask: (n, n), rows sum to 1."""
    scores = np.random.default_rng(seed).normal(size=(n, n)) * 2
    scores[np.triu_indices(n, 1)] = -np.inf
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def causal_mask(n: int) -> np.ndarray:
    return np.tril(np.ones((n, n), dtype=bool))


def render(renderable, width: int = 80, colour: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system="truecolor" if colour else None,
                      force_terminal=colour, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


def visible_lines(output: str) -> list[str]:
    return ANSI.sub("", output).splitlines()


def prose(output: str) -> str:
    """The output with line breaks and runs of spaces made single spaces (narrow consoles wrap notes)."""
    return " ".join(ANSI.sub("", output).split())


def grid_rows(output: str) -> list[str]:
    return [line for line in visible_lines(output) if "│" in line]


@pytest.mark.parametrize("width", [20, 40, 80, 200])
@pytest.mark.parametrize("tokens", [ENGLISH, CHINESE], ids=["english", "chinese"])
@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("show_values", [False, True], ids=["shades", "values"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_line_fits_the_console_width(width, tokens, colour, show_values, lang):
    set_language(lang)
    heatmap = Heatmap(causal_weights(6), tokens, tokens, causal_mask(6), title="head 1", show_values=show_values)
    lines = visible_lines(render(heatmap, width, colour))
    assert len(lines) > 8
    assert max(cell_len(line) for line in lines) <= width


def test_title_gives_the_shape_and_the_callers_text():
    output = render(Heatmap(causal_weights(6), ENGLISH, ENGLISH, title="layer 2, head 3"))
    assert "layer 2, head 3 (6 × 6)" in output


def test_rows_are_queries_and_columns_are_keys_labelled_with_tokens():
    output = render(Heatmap(causal_weights(6), ENGLISH, ENGLISH, causal_mask(6)))
    lines = visible_lines(output)
    assert "query ↓ / key →" in output
    assert [row.split("│")[0].strip() for row in grid_rows(output)] == ENGLISH
    header = lines[lines.index(grid_rows(output)[0]) - 1]
    assert header.split() == ENGLISH


def test_no_colour_draws_the_shade_ramp_and_names_it_in_the_legend():
    weights = np.array([[1.0, 0.0], [0.5, 0.5]])
    output = render(Heatmap(weights, ["a", "b"], ["a", "b"]))
    first, second = grid_rows(output)
    assert "██" in first and "▓▓" in second
    assert "[██] 0.75–1.00" in output and "[  ] exactly 0" in output and "[░░] above 0, up to 0.25" in output
    assert "\x1b[" not in output


def test_blank_means_exactly_zero_and_every_other_weight_is_shaded():
    # a row of small weights next to one large one: none of the small ones may look like nothing
    weights = np.array([[0.0, 0.001, 0.009, 0.99], [0.25, 0.25, 0.25, 0.25]])
    output = render(Heatmap(weights, ["a", "b"], list("wxyz")))
    first = grid_rows(output)[0].split("│")[1]
    assert first.startswith("  ") and " " not in first[2:].replace("  ", "x"), first
    assert set(first[2:].replace(" ", "")) <= set("░▒▓█") and first.count("░") >= 4
    assert "any weight above 0 gets at least ░░" in output


def test_colour_leaves_only_exact_zero_without_a_background():
    weights = np.array([[0.0, 0.001, 0.999]])
    output = render(Heatmap(weights, ["a"], list("xyz")), colour=True)
    first_row = next(line for line in output.splitlines() if "│" in line)
    assert first_row.count("48;2;") == 2
    assert "only exactly 0 is blank" in ANSI.sub("", output)


def test_masked_cells_use_a_glyph_distinct_from_zero_weight():
    weights = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    mask = np.array([[True, True, False], [True, True, False], [True, True, True]])
    output = render(Heatmap(weights, list("abc"), list("abc"), mask))
    rows = [row.split("│")[1] for row in grid_rows(output)]
    assert rows[0] == "██  ··"  # zero weight is blank, the masked key dotted
    assert "·· masked (may not attend)" in output


def test_in_colour_masked_cells_are_dotted_and_only_zero_weight_is_bare():
    weights = np.array([[1.0, 0.0, 0.0], [0.3, 0.7, 0.0]])
    mask = np.array([[True, True, False], [True, True, True]])
    output = render(Heatmap(weights, ["x", "y"], list("abc"), mask), colour=True)
    first_row, second_row = [line for line in output.splitlines() if "│" in line][:2]
    assert first_row.count("48;2;") == 1  # the weight of 1; zero is bare, the masked key dotted
    assert second_row.count("48;2;") == 2
    assert ANSI.sub("", first_row).endswith("  ··│")
    assert "masked (may not attend)" in output


def test_colour_legend_gives_min_and_max_and_their_meaning():
    output = render(Heatmap(causal_weights(6), ENGLISH, ENGLISH, causal_mask(6)), colour=True)
    text = ANSI.sub("", output)
    weights = causal_weights(6)[causal_mask(6)]
    assert f"min {weights.min():.2f}" in text and f"{weights.max():.2f} max" in text
    assert "darker = less attention, brighter = more" in text


def test_show_values_writes_each_weight_with_two_decimals():
    weights = np.array([[1.0, 0.0], [0.42, 0.58]])
    for colour in (False, True):
        text = ANSI.sub("", render(Heatmap(weights, ["a", "b"], ["a", "b"], show_values=True), colour=colour))
        assert "1.00" in text and ".42" in text and ".58" in text and ".00" in text


def test_a_long_sequence_is_pooled_and_fits():
    n = 2000
    weights, mask = causal_weights(n), causal_mask(n)
    tokens = [f"tok{i}" for i in range(n)]
    for width in (80, 200):
        output = render(Heatmap(weights, tokens, tokens, mask), width)
        lines = visible_lines(output)
        assert "(2000 × 2000)" in output
        assert re.search(r"each cell averages \d+ rows × \d+ columns", output)
        assert max(cell_len(line) for line in lines) <= width
        assert len(grid_rows(output)) <= 48


def test_pooling_averages_blocks_and_masks_only_fully_masked_blocks():
    weights = np.arange(16, dtype=float).reshape(4, 4) / 16
    mask = causal_mask(4)
    pooled, allowed = pool_blocks(weights, mask, 2, 2)
    assert allowed.tolist() == [[True, False], [True, True]]
    assert pooled[1, 0] == pytest.approx(weights[2:, :2].mean())
    assert pooled[0, 0] == pytest.approx((weights[0, 0] + weights[1, 0] + weights[1, 1]) / 4)


def test_a_window_shows_the_rows_and_columns_it_names():
    n = 300
    tokens = [f"w{i}" for i in range(n)]
    output = render(Heatmap(causal_weights(n), tokens, tokens, causal_mask(n), window=(100, 90)), 80)
    assert "showing rows 101–148 of 300" in output
    assert re.search(r"showing columns 91–\d+ of 300", output)
    assert grid_rows(output)[0].split("│")[0].strip() == "w100"


def test_a_focus_row_is_marked_and_in_view():
    n = 300
    tokens = [f"w{i}" for i in range(n)]
    output = render(Heatmap(causal_weights(n), tokens, tokens, causal_mask(n), focus=200), 80)
    marked = [row for row in grid_rows(output) if "▸" in row]
    assert len(marked) == 1 and "w200" in marked[0]


def test_a_short_sentence_too_wide_for_the_console_is_windowed_not_pooled():
    tokens = [f"word{i}" for i in range(12)]
    output = render(Heatmap(causal_weights(12), tokens, tokens, causal_mask(12)), 20)
    assert re.search(r"showing columns 1–\d+ of 12", prose(output))
    assert "averages" not in output


def test_markup_in_tokens_is_shown_literally():
    tokens = ["[bold]x[/bold]", "[red]", "\\[esc]"]
    for colour in (False, True):
        text = ANSI.sub("", render(Heatmap(np.eye(3), tokens, tokens), 80, colour))
        assert "[bold]x[/bold]" in text and "[red]" in text and "\\[esc]" in text


def test_control_characters_are_replaced_by_visible_symbols():
    assert clean_token("a\nb") == "a\u240ab"
    assert clean_token("\x1b[31m") == "\u241b[31m"
    assert clean_token("") == "␣" and clean_token("  ") == "␣␣"
    output = render(Heatmap(np.eye(2), ["\x1b[2J", "tab\there"], ["x", "y"]))
    assert "\x1b" not in output and "\t" not in output and "␛[2J" in output


def test_wide_tokens_are_cut_by_cells_with_an_ellipsis():
    assert fit_cells("注意力机制", 5) == "注意…"
    assert fit_cells("注意力机制", 6) == "注意… "
    assert fit_cells("ab", 4, "right") == "  ab"
    assert cell_len(fit_cells("深度学习模型", 7)) == 7


def test_head_grid_shows_every_head_when_they_fit():
    weights = np.stack([causal_weights(6, seed) for seed in range(4)])
    output = render(HeadGrid(weights, ENGLISH, ENGLISH, causal_mask(6)), 200)
    for k in range(1, 5):
        assert f"head {k}/4" in output
    assert "--head" not in output
    assert max(cell_len(line) for line in visible_lines(output)) <= 200


def test_head_grid_shows_one_head_and_how_to_choose_when_they_do_not_fit():
    weights = np.stack([causal_weights(6, seed) for seed in range(4)])
    output = render(HeadGrid(weights, ENGLISH, ENGLISH, causal_mask(6)), 40)
    assert "head 1 of 4; choose another with --head" in output
    assert "head 2 of 4" not in output
    output = render(HeadGrid(weights, ENGLISH, ENGLISH, causal_mask(6), head=2), 200)
    assert "head 3 of 4; choose another with --head" in output and "head 1 of 4" not in output


def test_head_grid_refuses_a_head_that_does_not_exist():
    with pytest.raises(TutorError) as error:
        HeadGrid(np.stack([np.eye(3)] * 2), list("abc"), list("abc"), head=5)
    assert error.value.key == "heatmap_no_such_head"


def test_the_heatmap_speaks_the_learners_language():
    set_language("zh")
    output = render(Heatmap(causal_weights(6), CHINESE, CHINESE, causal_mask(6)))
    assert "查询 ↓ / 键 →" in output and "已遮蔽" in output and "注意力权重" in output


def test_export_writes_svg_and_html_containing_the_tokens(tmp_path):
    heatmap = Heatmap(causal_weights(6), CHINESE, CHINESE, causal_mask(6), title="cat")
    for name in ("map.svg", "map.html"):
        path = export_heatmap(heatmap, tmp_path / name)
        text = path.read_text(encoding="utf-8")
        assert "我" in text and "cat" in text


def test_export_refuses_other_formats(tmp_path):
    with pytest.raises(TutorError) as error:
        export_heatmap(Heatmap(np.eye(2), ["a", "b"], ["a", "b"]), tmp_path / "map.png")
    assert error.value.key == "export_format"
    assert "map.png" in str(error.value)


def test_pictures_side_by_side_share_one_scale_and_the_legend_says_so():
    from llmtutor.render.arrays import SideBySide

    left = Heatmap(np.array([[0.5, 0.5], [0.5, 0.5]]), ["a", "b"], ["a", "b"], title="left")
    right = Heatmap(np.array([[1.0, 0.0], [0.0, 1.0]]), ["a", "b"], ["a", "b"], title="right")
    for width in (40, 80, 200):
        output = render(SideBySide(left, right), width)
        rows = grid_rows(output)
        # 0.5 on a shared 0–1 scale is a middle shade, never the full one it would be alone
        assert sum(len(re.findall("█+", row)) for row in rows) == 2  # the right diagonal only
        assert "▓" in "".join(rows)
        assert output.count("exactly 0") == 1 and "one scale for both pictures" in prose(output)
        assert max(cell_len(line) for line in visible_lines(output)) <= width


def test_heads_side_by_side_share_one_scale_and_the_legend_says_so():
    weights = np.stack([np.full((3, 3), 1 / 3), np.eye(3)])
    output = render(HeadGrid(weights, list("abc"), list("abc")), 80)
    assert "one scale for every head" in prose(output)
    assert output.count("exactly 0") == 1


@pytest.mark.parametrize("width", [40, 80, 200])
def test_long_column_labels_become_positions_with_a_key_not_stacked_letters(width):
    tokens = ["the", "cat", "sat", "on", "the", "mat"]
    weights = np.stack([causal_weights(6, seed) for seed in range(4)])
    output = render(HeadGrid(weights, tokens, tokens, causal_mask(6)), width)
    lines = visible_lines(output)
    assert not any(line.split() and line.split()[0] == "t" for line in lines)  # no "t/h/e" stack
    if "columns by position" in output:
        assert "1 the" in output and "6 mat" in output and output.count("columns by position") == 1
    from screens import assert_fits
    assert_fits(ANSI.sub("", output), width)
