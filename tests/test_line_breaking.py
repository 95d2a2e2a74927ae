"""Line breaking: the quick path for ASCII text breaks exactly where the general rules do."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from llmtutor.render.wrap import _units_any, units

ASCII_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=200)
PROSE = st.lists(st.sampled_from(["the", "cat", "(sat)", "on", "mat.", "self-attention", " ", "  ", "\n", "\t",
                                  "x,", "[1]", "99 %", "\x1c", "\x1f"]), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ASCII_TEXT, PROSE))
def test_ascii_pieces_are_those_of_the_general_rules(text):
    assert units(text) == _units_any(text)


NARROW_TEXT = st.lists(st.sampled_from(["the", "Q·Kᵀ", "√d_k", "×", "—", "…", "“quoted”", "‘a’", "(n, d)", " ", "\n",
                                        "é", "ß", "→", "·", "x,", "±1"]), max_size=60).map("".join)
ANY_TEXT = st.lists(st.sampled_from(["注意力", "，", "。", "（见", "上文）", "“", "”", "word", " ", "Q·Kᵀ", "…"]),
                    max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(NARROW_TEXT, ANY_TEXT))
def test_pieces_of_text_without_wide_characters_are_those_of_the_general_rules(text):
    assert units(text) == _units_any(text)


def reference_break_offsets(text: str, width: int, later_width: int | None = None) -> list[int]:
    """`break_offsets` without its quick paths: the general pieces, every one measured by Rich."""
    from llmtutor.render.wrap import breaks_piece_by_piece

    return breaks_piece_by_piece(text, _units_any(text), max(1, width), max(1, later_width or width))


EMOJI_TEXT = st.lists(st.sampled_from(["👨\u200d👩\u200d👧", "❤\ufe0f", "👍", "ok", " ", "注意", "x" * 12, "a-b-c"]),
                      max_size=20).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ASCII_TEXT, PROSE, NARROW_TEXT, ANY_TEXT, EMOJI_TEXT), st.integers(1, 60), st.integers(1, 60))
def test_the_quick_paths_break_where_the_rule_does_piece_by_piece(text, width, later):
    from llmtutor.render.wrap import break_offsets

    assert break_offsets(text, width, later) == reference_break_offsets(text, width, later)
