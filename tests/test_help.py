"""`--help` pages: every word in the chosen language, and every help text shown whole."""

from __future__ import annotations

import re

import pytest

COMMANDS = ["", "lessons", "learn", "explain", "attention", "walk", "quiz", "review", "progress", "export",
            "validate", "generate"]
FRAME_WORDS_EN = ("Usage", "Options", "Arguments", "Commands", "Show this", "default:", "required",
                  "completion for")


def _help(tutor, lang: str, command: str, columns: int) -> str:
    args = ["--lang", lang, *([command] if command else []), "--help"]
    result = tutor(*args, env={"COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


def _squeezed(text: str) -> str:
    """The text without box drawing, spaces and line breaks, so wrapped lines read as one."""
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def _help_texts(lang: str, command: str) -> list[str]:
    """The help of each option and argument, as the app defines it in `lang`."""
    import typer

    from llmtutor.cli.app import create_app
    from llmtutor.cli.help import BUILT_IN_OPTION_HELP
    from llmtutor.i18n import set_language, t

    set_language(lang)
    try:
        group = typer.main.get_command(create_app())
        target = group.commands[command] if command else group
        ctx = target.make_context("llmtutor", [], resilient_parsing=True)
        set_language(lang)  # making the context ran the --lang callback with no value
        texts = []
        for param in target.get_params(ctx):  # with the options Click and Typer add
            key = BUILT_IN_OPTION_HELP.get(param.name or "")
            texts.append(t(key) if key else param.help)
        return [text for text in texts if text]
    finally:
        set_language(None)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("columns", [80, 40])
def test_chinese_help_has_no_english_frame_and_nothing_cut(tutor, command, columns):
    output = _help(tutor, "zh", command, columns)
    assert "用法：llmtutor" in output
    for word in FRAME_WORDS_EN:
        assert word not in output, (command, word)
    assert "…" not in output
    for text in _help_texts("zh", command):
        assert _squeezed(text) in _squeezed(output), (command, text)
    for line in output.splitlines():
        from rich.cells import cell_len

        assert cell_len(line) <= columns, line


@pytest.mark.parametrize("command", COMMANDS)
def test_english_help_shows_every_text_whole(tutor, command):
    output = _help(tutor, "en", command, 80)
    assert "Usage: llmtutor" in output
    assert "…" not in output
    for text in _help_texts("en", command):
        assert _squeezed(text) in _squeezed(output), (command, text)


def test_help_shows_usage_defaults_and_required_values(tutor):
    quiz = _help(tutor, "en", "quiz", 80)
    assert "Usage: llmtutor quiz [OPTIONS] [TOPIC]..." in quiz
    assert re.search(r"--count +-n +<int> +How many questions\. \(default 10\)", quiz), quiz
    attention = _help(tutor, "zh", "attention", 80)
    assert "用法：llmtutor attention [选项] TEXT" in attention
    assert "（必填）" in attention and "（默认 16）" in attention
    assert "--[no-]positions" in attention
    main = _help(tutor, "zh", "", 80)
    assert "[选项] 命令 [参数]..." in main
    for panel in ("学习", "动手看计算", "练习与复习", "内容作者"):
        assert f"─ {panel} ─" in main


def test_help_is_plain_without_colour(tutor):
    result = tutor("quiz", "--help", env={"NO_COLOR": "1", "FORCE_COLOR": None})
    assert "\x1b[" not in result.output
