"""Finding things: close suggestions only, `search` across the course, `next`."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("args", [("explain", "NLP"), ("learn", "99"), ("explain", "zzqx")])
def test_nothing_is_suggested_when_nothing_is_close(tutor, args):
    result = tutor(*args)
    assert "Did you mean" not in result.output


@pytest.mark.parametrize("args, expected", [
    (("walk", "masc"), "masks"),
    (("learn", "transfomers-and-such"), "transformer"),
    (("explain", "self-atension-thing"), "self-attention"),
    (("lesons",), "lessons"),
])
def test_close_names_are_suggested(tutor, args, expected):
    result = tutor(*args)
    assert result.exit_code in (1, 2)
    assert "Did you mean" in result.output and expected in result.output


def test_initials_find_the_term(tutor):
    from llmtutor.course.lookup import suggestions

    spellings = [("scaled dot-product attention", "sdpa-term"), ("feed-forward network", "ffn-term")]
    assert suggestions("sdpa", spellings) == ["sdpa-term"]
    assert suggestions("nsp", spellings) == []
