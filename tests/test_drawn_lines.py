"""Lines drawn as segments (`render/lines.py`, `render/grid.py`, `Paragraph`) give exactly the bytes
Rich's `Text` and `Table.grid` gave: same characters, same escape codes, at any width."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from llmtutor.render.grid import Fixed, Grid
from llmtutor.render.lines import BLANK, Line
from llmtutor.render.wrap import Paragraph, break_offsets

STYLES = ["", "bold", "dim", "bold cyan", "bold magenta", "italic", "red on white"]
WORDS = ["the", "cat", "attention", "softmax(QKᵀ/√d_k)", "注意力", "机制", "，", "。", "（见", "上文）", "knowledge-acquisition",
         "a", "", "  ", "llmtutor", "explain", "x" * 30, "␣word", "│"]


class Inside:
    """Yields the renderable, as the tutor's pictures yield their parts (Console.print would join
    Texts given to it directly into one, with other settings)."""

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_console__(self, console, options):
        yield self.renderable


def drawn(renderable, width: int, colour: bool = True, read_strings: bool = False) -> str:
    """The bytes printed; `read_strings`: a console that reads markup and :emoji: codes in strings."""
    console = Console(file=io.StringIO(), width=width, force_terminal=colour, color_system="truecolor" if colour else None,
                      highlight=False, markup=read_strings, emoji=read_strings)
    console.print(Inside(renderable))
    return console.file.getvalue()


class OldParagraph(Paragraph):
    """Paragraph as it was drawn before its lines became segments: one cropped Text per line."""

    def __rich_console__(self, console, options):
        width = options.max_width
        hang = self.hang if self.hang < width // 2 else 0
        for line in self.text.split("\n", allow_blank=True):
            pieces = line.divide(break_offsets(line.plain, width, width - hang))
            for index, piece in enumerate(pieces):
                piece.rstrip()
                if index and hang:
                    piece = Text(" " * hang) + piece
                piece.no_wrap = True
                piece.overflow = "crop"
                piece.end = "\n"
                yield piece


pieces = st.lists(st.tuples(st.sampled_from(WORDS + [" ", "\n"]), st.sampled_from(STYLES)), max_size=14)


def styled(parts, style: str) -> Text:
    return Text.assemble(*((text, piece_style) for text, piece_style in parts), style=style)


@settings(max_examples=300, deadline=None)
@given(parts=pieces, style=st.sampled_from(STYLES), width=st.integers(1, 90), hang=st.integers(0, 6))
def test_a_paragraph_draws_the_bytes_of_one_cropped_text_per_line(parts, style, width, hang):
    text = styled(parts, style)
    for colour in (True, False):
        assert drawn(Paragraph(text.copy(), hang=hang), width, colour) == \
            drawn(OldParagraph(text.copy(), hang=hang), width, colour)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(st.sampled_from(WORDS + ["\t", "\x07"]), st.sampled_from(STYLES)), max_size=8),
       style=st.sampled_from(STYLES), width=st.integers(1, 100), overflow=st.sampled_from([None, "crop", "fold"]))
def test_a_line_draws_the_bytes_of_its_text(parts, style, width, overflow):
    line = Line(*((text, piece_style) if piece_style else text for text, piece_style in parts), style=style,
                overflow=overflow, no_wrap=overflow == "crop" or None)
    assert drawn(line, width) == drawn(line.text(), width)


def test_a_blank_line_is_one_new_line():
    assert drawn(BLANK, 40) == drawn(Text(""), 40) == "\n"


cells = st.sampled_from(["lesson", "term", "课程", "术语", "llmtutor learn attention", "llmtutor explain softmax", "", " •",
                         " 12.", "x" * 50, "has:colon:", "[bold]"])


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(cells, cells, pieces, st.sampled_from(STYLES)), min_size=1, max_size=5),
       width=st.integers(10, 130), padding=st.integers(1, 3), justify=st.sampled_from(["left", "right"]),
       marker_style=st.sampled_from(STYLES), overflow=st.sampled_from([None, "fold"]))
def test_a_grid_draws_the_bytes_of_its_rich_table(rows, width, padding, justify, marker_style, overflow):
    grid = Grid([Fixed("dim", justify), Fixed("bold magenta")],
                [(Text(a, style=marker_style), b, Paragraph(styled(parts, style))) for a, b, parts, style in rows],
                padding=padding, overflow=overflow)
    for colour, read_strings in ((True, False), (False, False), (True, True)):
        assert drawn(grid, width, colour, read_strings) == drawn(grid.table(), width, colour, read_strings)


def test_a_grid_of_short_cells_is_drawn_without_its_table():
    console = Console(file=io.StringIO(), width=80)
    grid = Grid([Fixed("dim"), Fixed("bold magenta")],
                [("lesson", "llmtutor learn attention", Paragraph(Text("Attention, and a title long enough to wrap "
                                                                       "onto a second line of the cell")))], padding=2)
    assert grid._lines(console, console.options) is not None


PROBE = """
import sys
from llmtutor.cli.app import run
sys.argv = ["llmtutor", *sys.argv[1].split("\\n")]
try:
    run()
except SystemExit:
    pass
sys.stderr.write("MODULES " + " ".join(m for m in ("rich.table", "fractions", "rich._emoji_codes") if m in sys.modules))
"""


@pytest.mark.parametrize("args", [["walk", "self-attention", "--no-pause"], ["attention", " ".join(["word"] * 64)]])
def test_a_walkthrough_and_the_attention_picture_draw_without_rich_tables(tmp_path, args):
    # rich.table brings fractions and decimal; the emoji table comes with strings drawn in its cells
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache"),
           "COLUMNS": "80"}
    result = subprocess.run([sys.executable, "-c", PROBE, "\n".join(args)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.rsplit("MODULES ", 1)[1] == ""


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), st.sampled_from(
    [-0.0, 0.0, -0.0004, 0.0005, -0.0005, 1e7, -1e7, 9999999.9996, 1e-12, -1e-12])), min_size=1, max_size=12),
       dtype=st.sampled_from(["float64", "float32", "int64", "bool"]))
def test_matrix_cells_are_written_as_each_number_alone(values, dtype):
    import numpy as np

    from llmtutor.render.arrays import _cells, number

    with np.errstate(invalid="ignore", over="ignore"):
        array = np.nan_to_num(np.array(values), nan=0, posinf=0, neginf=0).astype(dtype) if dtype in ("int64", "bool") \
            else np.array(values).astype(dtype)
    array = array.reshape(1, -1)
    assert _cells(array) == [[number(v) for v in row] for row in array]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 70), seed=st.integers(0, 99), width=st.integers(30, 200), causal=st.booleans(),
       values=st.booleans(), zeros=st.booleans())
def test_a_heatmap_without_styles_writes_the_characters_of_the_styled_one(n, seed, width, causal, values, zeros):
    import re

    import numpy as np

    from llmtutor.render.heatmap import Heatmap

    weights = np.random.default_rng(seed).dirichlet(np.ones(n), size=n)  # (n, n)
    if zeros:
        weights[weights < 1 / n] = 0.0
    tokens = [f"t{i}" for i in range(n)]
    heatmap = Heatmap(weights, tokens, tokens, mask=np.tril(np.ones((n, n), bool)) if causal else None,
                      show_values=values, color=False)
    styled = re.sub("\x1b\\[[0-9;]*m", "", drawn(heatmap, width, colour=True))
    assert drawn(heatmap, width, colour=False) == styled


@settings(max_examples=300, deadline=None)
@given(token=st.text(max_size=8))
def test_a_cleaned_token_stays_as_it_is_when_cleaned_again(token):
    # heads of one picture share labels cleaned once; cleaning them again must change nothing
    from llmtutor.render.cells import clean_token

    assert clean_token(clean_token(token)) == clean_token(token)


def test_a_passed_check_is_marked_in_green_on_a_colour_terminal(tmp_path):
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache"),
           "COLUMNS": "80", "FORCE_COLOR": "1", "COLORTERM": "truecolor", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    result = subprocess.run([sys.executable, "-m", "llmtutor", "--lang", "en", "walk", "self-attention", "--no-pause"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b[1;32m✓\x1b[0m 6 tokens" in result.stdout  # theme.GOOD, as every check's mark
