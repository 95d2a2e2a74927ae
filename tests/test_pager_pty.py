"""The lesson pager in a real pseudo-terminal: keys, contents, search, help, the end of a page."""

from __future__ import annotations

from terminal import exit_status, spawn


def test_b_goes_back_to_the_last_screenful_of_the_page_before(tmp_path):
    child = spawn(tmp_path, "learn", "attention", rows=24)  # page 3 needs two screenfuls at 24 rows
    child.expect("1/8")
    child.send("t")
    child.expect("Page to open")
    child.sendline("4")
    child.expect("Attention · 4/8")
    child.send("b")
    child.expect(r"Attention · 3/8 \(continued, (\d)/\1\)")  # the last screenful of page 3
    child.send("q")
    child.expect("Saved at page 3 of 8")
    assert exit_status(child) == 0


def test_the_contents_view_lists_every_page_and_jumps(tmp_path):
    child = spawn(tmp_path, "learn", "attention")
    child.expect("1/8")
    child.send("t")
    child.expect("Contents of \"Attention\"")
    child.expect("5. Why divide by √d_k")
    child.expect("8. Key points")
    child.sendline("5")
    child.expect("Attention · 5/8")
    child.send("c")
    child.expect("Page to open")
    child.sendline("42")  # not a page: said on the top line, the page stays
    child.expect("\"42\" is not a page")
    child.expect("Attention · 5/8")
    child.send("t")
    child.expect("Page to open")
    child.sendline("")  # Enter alone: back where we were
    child.expect("Attention · 5/8")
    child.send("q")
    assert exit_status(child) == 0


def test_search_inside_the_lesson_finds_the_page_and_searches_on(tmp_path):
    child = spawn(tmp_path, "learn", "attention")
    child.expect("1/8")
    child.send("/")
    child.expect("Search this lesson")
    child.sendline("permutation")
    child.expect(r"\"permutation\" on page (\d)/8(, screen \d/\d)?")
    first = child.match.group(0)
    child.send("/")
    child.expect("Search this lesson")
    child.sendline("")  # Enter repeats the search from the next screenful on
    child.expect(r"\"permutation\" on page (\d)/8(, screen \d/\d)?")
    assert child.match.group(0) != first
    child.send("/")
    child.sendline("zzqxv")
    child.expect("\"zzqxv\" is not in this lesson")
    child.send("q")
    assert exit_status(child) == 0


def test_question_mark_shows_every_key_and_any_key_returns(tmp_path):
    child = spawn(tmp_path, "learn", "attention")
    child.expect("t contents · / search · \\? keys · q quit")  # the one-line key help
    child.send("?")
    child.expect("Keys while reading a lesson")
    child.expect("contents: every page of the lesson")
    child.expect("Press any key")
    child.send("x")
    child.expect("Attention · 1/8")
    child.send("q")
    assert exit_status(child) == 0


def test_the_key_help_fits_a_narrow_terminal_on_one_line(tmp_path):
    import os
    import sys

    import pexpect

    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path), "COLUMNS": "40", "LINES": "30", "TERM": "xterm",
           "LLMTUTOR_LANG": "en"}
    child = pexpect.spawn(sys.executable, ["-m", "llmtutor", "learn", "attention"], env=env, encoding="utf-8",
                          timeout=30, dimensions=(30, 40))
    child.expect("Space (more ↓|next) · b back · \\? keys · q quit")
    child.send("q")
    assert exit_status(child) == 0


def test_learn_page_opens_the_pager_there(tmp_path):
    child = spawn(tmp_path, "learn", "attention", "--page", "6")
    child.expect("Attention · 6/8")
    child.send("q")
    child.expect("Saved at page 6 of 8")
    assert exit_status(child) == 0


def test_the_end_of_a_section_offers_one_optional_check(tmp_path):
    import os
    import sys

    import pexpect

    from packs import QUIZ, write_pack

    quiz = QUIZ if "section: first" in QUIZ else QUIZ.replace("    concept: pack-term\n", "    concept: pack-term\n    section: first\n")
    pack = write_pack(tmp_path / "pack", quiz=quiz)
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "COLUMNS": "80", "LINES": "40", "TERM": "xterm",
           "LLMTUTOR_LANG": "en", "LLMTUTOR_CACHE": str(tmp_path / "cache")}
    child = pexpect.spawn(sys.executable, ["-m", "llmtutor", "--content-dir", str(pack), "learn", "pack-basics", "--check"],
                          env=env, encoding="utf-8", timeout=30, dimensions=(40, 80))
    child.expect("Pack basics · 1/3")
    child.send(" ")
    child.expect("Check yourself on \"First section\" \\(optional\\)")
    child.expect("Which is a pack\\?")
    child.expect("Enter skips")
    child.sendline("z")  # not a letter on screen: asked again
    child.expect("try again")
    child.sendline("A")  # the choices are shuffled: right or not, it is graded and explained
    child.expect("Right|Not quite")
    child.expect("Not recorded")
    child.send("x")
    child.expect("Pack basics · 2/3")
    child.send("b")
    child.expect("Pack basics · 1/3")
    child.send(" ")  # offered once per section and run
    child.expect("Pack basics · 2/3")
    child.send("q")
    assert exit_status(child) == 0
