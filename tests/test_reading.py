"""Reading a lesson: screenfuls cut between blocks, a reading measure, the screens a learner meets.

Rendered at 40, 80 and 200 columns in both languages: nothing wider than the terminal (nor,
for reading, than the 100-cell measure), no word cut in two, no box split when it would fit, no
screen of border alone.
"""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from llmtutor.course.loader import load_course
from llmtutor.i18n import set_language
from llmtutor.render.lesson import contents_view, lesson_page, page_count, pager_help_view
from llmtutor.render.pages import MEASURE, screens
from screens import assert_fits, is_border_only

COURSE = load_course(use_cache=False).course
SIZES = [(40, 24), (80, 30), (200, 50)]


def console(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None)


def boxes_are_whole(lines: list[str], height: int) -> bool:
    """Every box that starts on this screen ends on it, unless the box fills the screen (taller)."""
    tops = [i for i, line in enumerate(lines) if "╭" in line]
    bottoms = [i for i, line in enumerate(lines) if "╰" in line]
    whole = len(tops) == len(bottoms) and all(b > t for t, b in zip(tops, bottoms))
    return whole or len(lines) == height


@pytest.fixture(params=["en", "zh"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language(None)


@pytest.mark.parametrize("width, height", SIZES)
def test_every_lesson_screen_fits_and_splits_no_box(lang, width, height):
    for lesson in COURSE.lessons:
        for index in range(page_count(lesson)):
            shots = screens(console(width), lesson_page(COURSE, lesson, index, lang), height - 3)
            for number, shot in enumerate(shots):
                text = shot.plain()
                where = (lesson.id, index + 1, number + 1)
                assert text.strip() and not is_border_only(text), where
                assert text.splitlines()[0].strip(), ("a screen starts with a blank line", where)
                assert boxes_are_whole(text.splitlines(), height - 3), where
                assert all(cell_len(line) <= min(width, MEASURE) for line in text.splitlines()), where
                assert_fits(text, width)


def test_a_box_that_fits_is_never_cut_even_where_the_old_pager_cut_it(lang):
    """Lesson 1 at 80×30 once showed a screen holding only a box's bottom border."""
    lesson = COURSE.lesson("ai-history")
    for index in range(page_count(lesson)):
        for shot in screens(console(80), lesson_page(COURSE, lesson, index, lang), 27):
            assert not is_border_only(shot.plain())
            assert boxes_are_whole(shot.plain().splitlines(), 27)


def test_a_block_taller_than_the_screen_gets_screens_of_its_own_the_last_one_full():
    from rich.panel import Panel
    from rich.text import Text
    from rich.console import Group

    tall = Panel(Text("\n".join(f"line {n}" for n in range(30))))
    shots = screens(console(40), Group(Text("before"), tall, Text("after")), 10)
    plain = [shot.plain() for shot in shots]
    assert plain[0] == "before"
    assert plain[-1] == "after"
    box_screens = plain[1:-1]
    assert all(len(shot.splitlines()) == 10 for shot in box_screens)
    assert "╰" in box_screens[-1].splitlines()[-1] and "line 29" in box_screens[-1]
    assert not any(is_border_only(shot) for shot in plain)


def test_a_heading_starts_the_screen_of_what_it_introduces():
    from rich.console import Group
    from rich.text import Text

    from llmtutor.render.pages import KeepWithNext

    page = Group(Text("\n".join("filler" for _ in range(8))), KeepWithNext(Text("Heading")), Text("body\nbody"))
    shots = [shot.plain() for shot in screens(console(40), page, 10)]
    assert shots[1].startswith("Heading") and "Heading" not in shots[0]


@pytest.mark.parametrize("width", [80, 200])
def test_prose_and_tables_keep_a_reading_measure(lang, width):
    out = console(width)
    for lesson in COURSE.lessons:
        for index in range(page_count(lesson)):
            out.print(lesson_page(COURSE, lesson, index, lang))
    widest = max(cell_len(line) for line in out.file.getvalue().splitlines())
    assert widest <= MEASURE
    if width == 200:
        assert widest > 90  # the measure is used, not a narrow column


@pytest.mark.parametrize("width, _", SIZES)
def test_contents_and_key_help_fit(lang, width, _):
    out = console(width)
    out.print(contents_view(COURSE.lesson("attention"), 2, lang))
    out.print(pager_help_view())
    assert_fits(out.file.getvalue(), width)


def test_sources_with_parentheses_hang_under_their_text():
    out = console(40)
    out.print(lesson_page(COURSE, COURSE.lesson("attention"), page_count(COURSE.lesson("attention")) - 1, "en"))
    lines = out.file.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Sources"))
    for line in lines[start + 1:]:
        assert line.startswith(("• ", "  ")), line


@pytest.mark.parametrize("args", [(), ("lessons",), ("search", "softmax"), ("explain",), ("progress",),
                                  ("explain", "softmax"), ("learn", "attention", "--all"),
                                  ("explain", "self-attention"), ("walk",),
                                  ("attention", "the cat sat on the mat", "--model", "random", "--heads", "4"),
                                  ("attention", "the attention mechanism learns representation", "--model", "random", "--values", "--causal")])
@pytest.mark.parametrize("width", [40, 80, 200])
@pytest.mark.parametrize("lang_name", ["en", "zh"])
def test_the_screens_of_the_day_fit_and_break_no_word(tutor, args, width, lang_name):
    tutor("quiz", "attention", "--seed", "1", "--count", "3", "--answers", "-", input="A\nB\n\n")
    result = tutor("--lang", lang_name, *args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout, width)


@pytest.mark.parametrize("args", [("explain", "self-attention"), ("walk",), ("walk", "bpe", "--no-pause"),
                                  ("walk", "masks", "--no-pause"), ("attention", "the cat sat", "--model", "random", "--heads", "2")])
@pytest.mark.parametrize("lang_name", ["en", "zh"])
def test_wide_terminals_keep_the_reading_measure(tutor, args, lang_name):
    result = tutor("--lang", lang_name, *args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    widest = max(cell_len(line.rstrip()) for line in result.stdout.splitlines())
    assert widest <= MEASURE, max(result.stdout.splitlines(), key=lambda line: cell_len(line.rstrip()))


def test_learn_all_marks_nothing_and_learn_done_marks_done(tutor):
    tutor("learn", "attention", "--all")
    assert {x["id"]: x["status"] for x in tutor.json("lessons", "--json")}["attention"] == "new"
    tutor("learn", "attention", "--done")
    assert {x["id"]: x["status"] for x in tutor.json("lessons", "--json")}["attention"] == "done"


def test_learn_page_prints_that_page(tutor):
    result = tutor("learn", "attention", "--page", "3")
    assert result.exit_code == 0
    assert "Attention · 3/8" in result.output and "Attention · 4/8" not in result.output
    assert tutor("learn", "attention", "--page", "9").exit_code == 2


@pytest.mark.parametrize("lang_name", ["en", "zh"])
def test_a_diagram_too_wide_says_so_and_names_the_wider_view_that_shows_it_whole(tutor, lang_name):
    import re

    narrow = tutor("--lang", lang_name, "learn", "attention", "--all", env={"COLUMNS": "40"}).stdout
    widths = re.findall(r"COLUMNS=(\d+) llmtutor\s+learn attention --all \| less -S", narrow.replace("\n", " "))
    assert widths, narrow[:2000]
    widest = max(widths, key=int)
    wide = tutor("--lang", lang_name, "learn", "attention", "--all", env={"COLUMNS": widest}).stdout
    assert "COLUMNS=" not in wide  # at the widest width named, every diagram fits


def test_bar_charts_keep_the_reading_measure_on_a_wide_terminal(tutor):
    result = tutor("walk", "cost", "--no-pause", "--max-n", "64", env={"COLUMNS": "200"})
    bars = [line for line in result.stdout.splitlines() if line.lstrip().startswith("n=")]
    assert bars and max(cell_len(line.rstrip()) for line in bars) <= MEASURE
