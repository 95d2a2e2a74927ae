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
