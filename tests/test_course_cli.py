"""The home screen, `lessons`, `learn` and `explain`, in both languages."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from packs import write_pack


def test_home_screen_shows_course_map_next_step_and_commands(tutor):
    result = tutor()
    assert result.exit_code == 0, result.output
    assert "The stages of AI history" in result.output
    assert "llmtutor learn ai-history" in result.output
    assert "llmtutor explain TERM" in result.output


def test_home_screen_in_chinese(tutor):
    result = tutor("--lang", "zh")
    assert result.exit_code == 0
    assert "大语言模型是如何工作的" in result.output
    assert "未开始" in result.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lessons_table_fits_80_columns(tutor, lang):
    result = tutor("--lang", lang, "lessons")
    assert result.exit_code == 0
    assert all(cell_len(line) <= 80 for line in result.output.splitlines())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lessons_shows_every_title_whole(tutor, lang):
    lines = tutor("--lang", lang, "lessons").output.splitlines()
    start = lines[0].index("title" if lang == "en" else "标题")  # only ASCII before it: index = cells
    titles: list[str] = []
    for line in lines[2:]:
        piece = line[start:].split("   ")[0].strip()
        if line[:start].strip():
            titles.append(piece)
        elif piece:  # a title continued on the next line
            titles[-1] += ("" if lang == "zh" else " ") + piece
    assert titles == [lesson["title"] for lesson in tutor.json("--lang", lang, "lessons", "--json")]


def test_lessons_on_a_narrow_screen_cut_no_title(tutor):
    output = tutor("lessons", env={"COLUMNS": "40"}).output
    assert all(cell_len(line) <= 40 for line in output.splitlines())
    assert "…" not in output  # ids are never cut: on a narrow screen they give way to the titles
    assert "importance-chal" not in output and " 6 Why LLMs matter" in output
    rest = iter("".join(output.split()))
    for lesson in tutor.json("lessons", "--json"):  # each title's letters, in order, none left out
        assert all(ch in rest for ch in "".join(lesson["title"].split())), lesson["title"]


@pytest.mark.parametrize("width", ["80", "200"])
def test_lesson_ids_are_shown_whole_where_there_is_room(tutor, width):
    output = tutor("lessons", env={"COLUMNS": width}).output
    assert all(lesson["id"] in output for lesson in tutor.json("lessons", "--json"))
    assert "…" not in output


def test_lessons_json_lists_every_lesson_in_order_with_status(tutor):
    lessons = tutor.json("lessons", "--json")
    assert [x["id"] for x in lessons][:2] == ["ai-history", "nlp-progress"]
    assert len(lessons) == 16
    assert all({"id", "title", "status"} <= set(x) for x in lessons)
    assert {x["status"] for x in lessons} == {"new"}


def test_language_from_environment_and_locale(tutor):
    zh = tutor.json("lessons", "--json", env={"LLMTUTOR_LANG": "zh"})
    assert zh[0]["title"] == "人工智能发展的几个阶段" or any("\u4e00" <= c <= "\u9fff" for c in zh[0]["title"])
    by_locale = tutor.json("lessons", "--json", env={"LANG": "zh_CN.UTF-8"})
    assert by_locale[0]["title"] == zh[0]["title"]
    forced = tutor.json("--lang", "en", "lessons", "--json", env={"LLMTUTOR_LANG": "zh"})
    assert forced[0]["title"].isascii()


def test_lang_option_may_come_after_the_command(tutor):
    result = tutor("lessons", "--json", "--lang", "zh")
    assert result.exit_code == 0
    assert not result.stdout.isascii()


def test_unknown_language_is_a_clear_error(tutor):
    result = tutor("--lang", "fr", "lessons")
    assert result.exit_code == 2
    assert "--lang en" in result.output


def test_learn_all_prints_every_section_with_position_but_records_nothing(tutor):
    result = tutor("learn", "ai-history", "--all")
    assert result.exit_code == 0, result.output
    assert "1/" in result.output and "Key points" in result.output
    lessons = tutor.json("lessons", "--json")
    assert lessons[0]["status"] == "new"


def test_learn_done_marks_the_lesson_done_without_showing_it(tutor):
    result = tutor("learn", "3", "--done")
    assert result.exit_code == 0, result.output
    assert "marked done" in result.output and "Goal:" not in result.output
    lessons = {x["id"]: x["status"] for x in tutor.json("lessons", "--json")}
    assert lessons["what-is-llm"] == "done"


def test_learn_done_needs_a_lesson(tutor):
    result = tutor("learn", "--done")
    assert result.exit_code == 2
    assert "llmtutor learn 3 --done" in result.output


def test_learn_without_lesson_opens_the_next_unfinished_one(tutor):
    tutor("learn", "ai-history", "--done")
    result = tutor("learn")
    assert result.exit_code == 0
    assert "nlp-progress" in result.output or "NLP" in result.output


def test_learn_accepts_lesson_number_and_forgives_typos(tutor):
    by_number = tutor("learn", "8", "--all")
    by_typo = tutor("learn", "attentoin", "--all")
    assert by_number.exit_code == by_typo.exit_code == 0
    assert by_number.output.splitlines()[0] == by_typo.output.splitlines()[0]


def test_unknown_lesson_exits_1_with_suggestions(tutor):
    result = tutor("learn", "transfomers-and-such")
    assert result.exit_code == 1
    assert "llmtutor lessons" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["self-attention", "self attention", "Self-Attention", "自注意力", "SELF_ATTENTION"])
def test_explain_matches_id_aliases_case_and_hyphens(tutor, query):
    term = tutor.json("explain", query, "--json")
    assert term["id"] == "self-attention"


def test_explain_forgives_close_typos(tutor):
    assert tutor.json("explain", "atention", "--json")["id"] == "attention"


def test_explain_shows_both_names_definition_formula_and_links(tutor):
    result = tutor("explain", "scaled-dot-product-attention")
    assert result.exit_code == 0
    out = result.output
    assert "缩放点积注意力" in out or "点积" in out
    assert "√d_k" in out
    assert "llmtutor learn attention" in out


def test_explain_in_chinese(tutor):
    result = tutor("--lang", "zh", "explain", "softmax")
    assert result.exit_code == 0
    assert "公式" in result.output


def test_unknown_term_exits_1_and_suggests(tutor):
    result = tutor("explain", "self-atension-thing")
    assert result.exit_code == 1
    assert "Did you mean" in result.output


def test_explain_without_term_lists_all_terms(tutor):
    result = tutor("explain")
    assert result.exit_code == 0
    assert "self-attention" in result.output
    terms = tutor.json("explain", "--json")
    assert len(terms) >= 45
    assert all({"id", "name"} <= set(x) for x in terms)


def test_content_dir_adds_a_pack(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    lessons = tutor.json("--content-dir", str(pack), "lessons", "--json")
    assert "pack-basics" in [x["id"] for x in lessons]
    assert tutor.json("--content-dir", str(pack), "explain", "packword", "--json")["id"] == "pack-term"


def test_content_env_adds_a_pack(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    lessons = tutor.json("lessons", "--json", env={"LLMTUTOR_CONTENT": str(pack)})
    assert "pack-basics" in [x["id"] for x in lessons]


def test_pack_text_markup_is_shown_literally(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    result = tutor("--content-dir", str(pack), "learn", "pack-basics", "--all")
    assert "[bold]not markup[/bold]" in result.output
    assert "**" not in result.output.split("Pack basics")[1].split("not markup")[0]


def test_invalid_pack_is_reported_not_crashed(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson="id: [unclosed\n")
    result = tutor("--content-dir", str(pack), "lessons")
    assert result.exit_code == 1
    assert "llmtutor validate" in result.output


def test_every_command_has_help_with_examples(tutor):
    for command in ("lessons", "learn", "explain", "validate", "attention", "walk", "quiz", "review", "progress",
                    "export"):
        result = tutor(command, "--help")
        assert result.exit_code == 0, command
        assert "Example" in result.output, command
    assert "completion" in tutor("--help").output


def test_unknown_command_suggests_the_nearest(tutor):
    result = tutor("lesons")
    assert result.exit_code == 2
    assert "lessons" in result.output


def test_shell_completion_offers_terms_and_lessons(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path), "_LLMTUTOR_COMPLETE": "complete_bash",
           "COMP_WORDS": "llmtutor explain self", "COMP_CWORD": "2"}
    script = "from llmtutor.cli.app import run; run()"
    result = subprocess.run([sys.executable, "-c", script, "explain", "self"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert "self-attention" in result.stdout.split()
    env["COMP_WORDS"], env["COMP_CWORD"] = "llmtutor learn atte", "2"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["attention"]


def test_titles_with_markup_print_literally_everywhere(tutor, tmp_path):
    from packs import LESSON

    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("title: {en: Pack basics,", "title: {en: \"[red]Pack[/red] basics\","))
    for args in (("lessons",), ("learn", "pack-basics", "--all"), ()):
        result = tutor("--content-dir", str(pack), *args)
        assert result.exit_code == 0, result.output
        assert "[red]Pack[/red]" in result.output, args
