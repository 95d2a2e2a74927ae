"""`llmtutor validate`: every problem named with file, line and field; exit 0 or 1."""

from __future__ import annotations

import pytest

from packs import GLOSSARY, LESSON, QUIZ, write_pack


def test_shipped_course_is_valid(tutor):
    result = tutor("validate")
    assert result.exit_code == 0, result.output
    assert "Valid:" in result.output


def test_shipped_course_has_no_warnings(tutor):
    result = tutor("validate")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output.lower(), result.output


def test_a_good_pack_is_valid(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    result = tutor("validate", str(pack))
    assert result.exit_code == 0, result.output


def test_yaml_syntax_error_names_file_and_line(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("minutes: 3", "minutes: [3"))
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert "90-pack-basics.yaml:" in result.output
    assert "YAML syntax error" in result.output
    assert "Traceback" not in result.output


def test_missing_english_text_names_section_and_field(tutor, tmp_path):
    broken = LESSON.replace("body: {en: The second page., zh: 第二页。}", "body: {zh: 第二页。}")
    pack = write_pack(tmp_path / "pack", lesson=broken)
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "body: {zh" in text)
    assert f'90-pack-basics.yaml:{line}: section "second": missing English text for "body"' in result.output


def test_missing_field_is_reported(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("minutes: 3\n", ""))
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert 'missing field "minutes"' in result.output


def test_dangling_references_are_errors(tutor, tmp_path):
    broken = LESSON.replace("terms: [pack-term]", "terms: [no-such-term]").replace(
        "walkthroughs: []", "walkthroughs: [no-such-walk]")
    pack = write_pack(tmp_path / "pack", lesson=broken)
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert 'names glossary term "no-such-term", which does not exist' in result.output
    assert 'names walkthrough "no-such-walk", which does not exist' in result.output


def test_duplicate_ids_are_errors(tutor, tmp_path):
    twice = GLOSSARY + GLOSSARY.replace("packword", "other").replace("包词", "别的").replace(
        "pack term", "pack term two").replace("包术语", "包术语二")
    pack = write_pack(tmp_path / "pack", glossary=twice)
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert 'duplicate glossary term id "pack-term"' in result.output


def test_duplicate_id_with_the_shipped_course_is_an_error(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("id: pack-basics", "id: attention"))
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert 'duplicate lesson id "attention"' in result.output


def test_several_errors_are_all_reported(tutor, tmp_path):
    broken = LESSON.replace("minutes: 3\n", "").replace("terms: [pack-term]", "terms: [ghost]")
    pack = write_pack(tmp_path / "pack", lesson=broken, quiz=QUIZ.replace("answer: A", "answer: Z"))
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert 'missing field "minutes"' in result.output
    assert '"ghost"' in result.output
    assert 'answer "Z"' in result.output
    assert "3 error(s)" in result.output


def test_single_yaml_file_can_be_checked(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    result = tutor("validate", str(pack / "content" / "glossary" / "pack.yaml"))
    assert result.exit_code == 1  # the term names a lesson that only the whole pack has
    assert 'names lesson "pack-basics"' in result.output


def test_python_tags_are_refused_and_never_run(tutor, tmp_path):
    evil = GLOSSARY.replace("formula", "x") + "- !!python/object/apply:os.system ['touch pwned']\n"
    pack = write_pack(tmp_path / "pack", glossary=evil)
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert "not allowed" in result.output
    assert not (tmp_path / "pwned").exists()


def test_messages_follow_the_language(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("minutes: 3\n", ""))
    result = tutor("--lang", "zh", "validate", str(pack))
    assert result.exit_code == 1
    assert "缺少字段“minutes”" in result.output


# Parsed YAML is kept per file in the cache folder (keyed by the file's bytes); every check still runs.

def _parsed_entries(cache):
    return sorted(cache.glob("parsed*.pickle"))


def test_a_second_validation_reports_the_same_problems(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("terms: [pack-term]", "terms: [no-such-term]"))
    first = tutor("validate", str(pack))
    assert _parsed_entries(tmp_path / "cache"), "the first run keeps what it parsed"
    second = tutor("validate", str(pack))
    assert first.exit_code == second.exit_code == 1
    assert 'no-such-term' in second.output
    assert first.output == second.output


def test_an_edit_keeping_size_and_time_is_seen(tutor, tmp_path):
    import os

    pack = write_pack(tmp_path / "pack")
    lesson = pack / "content" / "lessons" / "90-pack-basics.yaml"
    assert tutor("validate", str(pack)).exit_code == 0
    before = lesson.stat()
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("minutes: 3", "minutes: x"), encoding="utf-8")  # same length
    os.utime(lesson, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert lesson.stat().st_size == before.st_size
    result = tutor("validate", str(pack))
    assert result.exit_code == 1
    assert "minutes" in result.output


def test_a_damaged_parse_cache_is_ignored(tutor, tmp_path):
    pack = write_pack(tmp_path / "pack")
    assert tutor("validate", str(pack)).exit_code == 0
    entries = _parsed_entries(tmp_path / "cache")
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    result = tutor("validate", str(pack))
    assert result.exit_code == 0, result.output
    assert "Valid:" in result.output


def test_an_unusable_cache_folder_only_costs_time(tutor, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    pack = write_pack(tmp_path / "pack", lesson=LESSON.replace("minutes: 3\n", ""))
    for _ in range(2):
        result = tutor("validate", str(pack), env={"LLMTUTOR_CACHE": str(blocker)})
        assert result.exit_code == 1
        assert "minutes" in result.output


def test_a_space_after_chinese_punctuation_is_a_warning(tutor, tmp_path):
    folded = LESSON.replace("body: {en: The second page., zh: 第二页。}",
                            "body:\n      en: The second page.\n      zh: >-\n        第二页，\n        继续。")
    pack = write_pack(tmp_path / "pack", lesson=folded)
    result = tutor("validate", str(pack))
    assert result.exit_code == 0, result.output  # a warning, not an error
    assert 'has a space after Chinese punctuation ("页， 继")' in result.output
