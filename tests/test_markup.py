"""The small content markup: what it styles, and that everything else is shown literally."""

from __future__ import annotations

import io

from rich.console import Console

from llmtutor.render.markup import blocks, inline


def render(text: str, width: int = 80) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(blocks(text))
    return console.file.getvalue()


def test_bold_italic_and_code_are_styled_and_their_marks_removed():
    text = inline("**bold** then *italic* then `code`")
    assert text.plain == "bold then italic then code"
    assert {str(span.style) for span in text.spans} >= {"bold", "italic"}


def test_arithmetic_stars_and_rich_markup_stay_literal():
    assert inline("5 * 3 * 2").plain == "5 * 3 * 2"
    assert "[bold red]x[/]" in render("[bold red]x[/]")


def test_control_characters_are_made_visible():
    out = render("before \x1b[31m after \x07")
    assert "\x1b" not in out and "\x07" not in out
    assert "␛[31m" in out


def test_bullets_and_numbered_items_hang_under_their_marker():
    out = render("- first item that is long enough to wrap onto a second line here\n1. second", width=40)
    lines = out.splitlines()
    assert lines[0].lstrip().startswith("• first")
    assert lines[1].startswith(" " * (lines[0].index("first")))
    assert "1. second" in out


def test_chinese_wraps_between_characters_not_at_spaces():
    text = "这是一个很长的中文句子，里面有 1.17 亿参数这样的数字，用来检查换行是否会在数字后面留下很短的一行。"
    lines = render(text, width=30).splitlines()
    assert all(len(line.strip()) > 4 for line in lines[:-1])
    assert not any(line.lstrip().startswith(("，", "。")) for line in lines)


def test_a_list_of_words_joined_by_chinese_commas_breaks_after_each_comma():
    text = "只出这种题型：single、multiple、true_false、short、ordering、numeric、generated。"
    lines = [line.strip() for line in render(text, width=16).splitlines()]
    assert "multiple、" in lines and "true_false、" in lines  # words whole, the comma kept with its word
    assert not any(line.startswith("、") for line in lines)
