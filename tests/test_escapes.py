"""Outside text never reaches the terminal as a control sequence, through any command.

An escape (clear screen, set the window title, a C1 CSI, a bidi override) is fed through every
argument, option, file name, content pack and stored answer; the output of each command must
hold none of it, only its visible stand-in (␛ for ESC).
"""

from __future__ import annotations

import json

import pytest

from packs import GLOSSARY, LESSON, write_pack

ESCAPE = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_inert(output: str) -> None:
    assert not any(code in output for code in RAW), repr(output[:500])


@pytest.fixture
def escaped_pack(tmp_path):
    """A pack whose lesson title, term name, definition and one file name carry escapes."""
    lesson = LESSON.replace("title: {en: Pack basics, zh: 内容包基础}",
                            'title: {en: "Pack \\e[2J basics", zh: "内容包\\e]0;pwned\\a基础"}')
    glossary = GLOSSARY.replace("definition: {en: A term defined by a pack., zh: 内容包定义的术语。}",
                                'definition: {en: "A term \\e[31m defined", zh: "术语\\u202e定义"}')
    pack = write_pack(tmp_path / "pack", lesson=lesson, glossary=glossary)
    return pack


ARGUMENT_CASES = [
    ["learn", ESCAPE],
    ["explain", ESCAPE],
    ["walk", ESCAPE],
    ["walk", "self-attention", "--text", ESCAPE],
    ["quiz", ESCAPE],
    ["quiz", "--type", ESCAPE],
    ["quiz", "--count", ESCAPE],
    ["quiz", "--answers", ESCAPE],
    ["review", "--count", ESCAPE],
    ["attention", "--model", "random", ESCAPE],
    ["attention", "a b", "--export", ESCAPE + ".png"],
    ["attention", "a b", "--weights", ESCAPE + ".npz"],
    ["generate", "a b", "--top-k", ESCAPE],
    ["generate", "a b", "--temperature", ESCAPE],
    ["lessons", "--" + ESCAPE],
    ["progress", ESCAPE, "--reset", "-y"],
    ["export", "--format", ESCAPE],
    ["export", "-o", "/no/such/" + ESCAPE],
    ["validate", ESCAPE],
    ["--lang", ESCAPE, "lessons"],
    ["--content-dir", ESCAPE, "lessons"],
    [ESCAPE],
]


@pytest.mark.parametrize("args", ARGUMENT_CASES, ids=lambda args: " ".join(a.encode("unicode_escape").decode()
                                                                           for a in args)[:40])
def test_an_escape_in_an_argument_is_shown_inert(tutor, args):
    result = tutor(*args)
    assert result.exit_code in (1, 2), result.output
    assert_inert(result.output)
    lines = result.output.strip().splitlines()
    if args[0] == "validate":  # the error, the bank's measures, the count: each line inert
        assert "no such file or folder" in lines[0] and lines[-1].startswith("1 error(s)")
    else:
        assert len(lines) == 1


@pytest.mark.parametrize("extra", [[], ["--json"], ["--layer", "2", "--head", "1", "--values"]])
def test_the_course_model_reads_escapes_as_bytes_and_shows_them_inert(tutor, extra):
    result = tutor("attention", ESCAPE, *extra)
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    assert "␛" in result.output or "\\u241b" in result.output.lower()


@pytest.mark.parametrize("args", [["lessons"], ["lessons", "--json"], ["learn", "pack-basics", "--all"],
                                  ["explain", "pack term"], ["explain", "pack term", "--json"], ["explain"],
                                  ["quiz", "pack-basics", "--seed", "1", "--count", "1", "--answers", "-"],
                                  ["progress"], ["validate"]])
def test_escapes_in_a_content_pack_are_shown_inert(tutor, escaped_pack, args):
    result = tutor("--content-dir", str(escaped_pack), *args, input="A\n")
    assert result.exit_code == 0, result.output
    assert_inert(result.output)


def test_an_escape_in_a_pack_file_name_is_shown_inert(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    (pack / "content" / "glossary" / f"{ESCAPE}.yaml").write_text("- id: x\n  id: y\n")
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert_inert(result.output)
    assert "␛[2J" in result.output


def test_an_escape_in_a_yaml_error_is_shown_inert(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    (pack / "content" / "glossary" / "keys.yaml").write_text('- "\\e[2J": 1\n  "\\e[2J": 2\n')
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert_inert(result.output)
    assert 'key "␛[2J" appears twice' in result.output


@pytest.fixture
def stored_escape(tutor, tmp_path):
    """A quiz answer holding escapes, given and stored (the answer is echoed back, too)."""
    answers = tmp_path / "answers.txt"
    answers.write_text(ESCAPE + "\n", encoding="utf-8")
    result = tutor("quiz", "attention", "--seed", "1", "--count", "1", "--answers", str(answers))
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    assert "> ␛[2J" in result.output
    return ESCAPE


@pytest.mark.parametrize("args", [["progress"], ["progress", "--json"], ["review"], ["export", "--format", "csv"],
                                  ["export"], ["lessons"]])
def test_a_stored_escape_is_shown_inert(tutor, stored_escape, args):
    result = tutor(*args, input="")
    assert result.exit_code in (0, 130), result.output
    assert_inert(result.output)


def test_the_json_export_keeps_a_stored_escape_exact(tutor, stored_escape):
    result = tutor("export")
    assert "\\u001b[2J" in result.stdout and "\\u009b" in result.stdout and "\\u202e" in result.stdout
    assert json.loads(result.stdout)[0]["given"] == stored_escape.strip()


def test_the_csv_export_shows_a_stored_escape_visibly(tutor, stored_escape):
    result = tutor("export", "--format", "csv")
    assert "␛[2J␛]0;pwned␇" in result.stdout


def test_the_export_file_holds_no_raw_escape(tutor, stored_escape, tmp_path):
    for fmt in ("json", "csv"):
        target = tmp_path / f"out.{fmt}"
        assert tutor("export", "--format", fmt, "-o", str(target)).exit_code == 0
        assert_inert(target.read_text(encoding="utf-8"))
