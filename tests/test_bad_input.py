"""Every row of docs/ERRORS.md: one clear line, the documented exit status, no traceback."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import textwrap
from pathlib import Path

import pytest
from rich.cells import cell_len

from packs import GLOSSARY, LESSON, QUIZ, write_pack

TABLE = Path(__file__).resolve().parent.parent / "docs" / "ERRORS.md"


def _rows() -> list[tuple[str, str, int, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].startswith("`") and cells[2].isdigit():
            rows.append((cells[0], cells[1].strip("`"), int(cells[2]), cells[3]))
    return rows


ROWS = _rows()


def test_the_table_is_read():
    assert len(ROWS) >= 40


def _unescape(arg: str) -> str:
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), arg)


class Fixtures:
    """Makes the files and folders that `{name}` placeholders stand for."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __getitem__(self, name: str) -> str:
        path = self.root / name
        maker = getattr(self, "make_" + name, None)
        if maker is None:
            raise KeyError(name)
        return str(maker(path))

    def pack(self, path: Path, lesson: str = LESSON, glossary: str = GLOSSARY) -> Path:
        return write_pack(path, lesson=lesson, glossary=glossary)

    def __getattr__(self, name):  # make_weights_<kind>: a bad --weights file (tests/test_weights_files.py)
        if name.startswith("make_weights_"):
            from test_weights_files import make

            def maker(path, kind=name[len("make_weights_"):].replace("_", "-")):
                path.mkdir()
                return make(kind, path)
            return maker
        raise AttributeError(name)

    def make_folder(self, path):
        path.mkdir()
        return path

    def make_text_10000_tokens(self, path):
        return "word " * 10_000

    def make_text_300_tokens(self, path):
        return "word " * 300

    def make_pack_bad_utf8(self, path):
        pack = self.pack(path)
        (pack / "content" / "lessons" / "90-pack-basics.yaml").write_bytes("title: café".encode("latin-1"))
        return pack

    def make_pack_syntax_error(self, path):
        return self.pack(path, lesson=LESSON.replace("minutes: 3", "minutes: [3"))

    def make_pack_wrong_type(self, path):
        return self.pack(path, lesson=LESSON.replace("minutes: 3", "minutes: three"))

    def make_pack_missing_field(self, path):
        return self.pack(path, lesson=LESSON.replace("title: {en: Pack basics, zh: 内容包基础}\n", ""))

    def make_pack_duplicate_id(self, path):
        second = GLOSSARY.replace("packword", "w2").replace("包词", "词二").replace("pack term", "pt2").replace("包术语", "术二")
        return self.pack(path, glossary=GLOSSARY + second)

    def make_pack_huge(self, path):
        pack = self.pack(path)
        (pack / "content" / "glossary" / "huge.yaml").write_text("# " + "x" * 2_100_000 + "\n[]\n")
        return pack

    def make_pack_deep(self, path):
        pack = self.pack(path)
        (pack / "content" / "glossary" / "deep.yaml").write_text("[" * 100 + "]" * 100 + "\n")
        return pack

    def make_pack_laughs(self, path):
        pack = self.pack(path)
        bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        for name, prev in zip("bcdefghi", "abcdefgh"):
            bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        (pack / "quizzes" / "bomb.yaml").write_text(bomb)
        return pack

    def make_pack_python_tag(self, path):
        pack = self.pack(path)
        (pack / "content" / "glossary" / "evil.yaml").write_text(
            "- !!python/object/apply:os.system ['touch pwned']\n")
        return pack

    def make_pack_outside_link(self, path):
        pack = self.pack(path)
        secret = self.root / "outside.yaml"
        secret.write_text(textwrap.dedent(GLOSSARY).replace("pack-term", "leak"))
        (pack / "content" / "glossary" / "link.yaml").symlink_to(secret)
        return pack

    def make_answers_2_lines(self, path):
        path.write_text("A\nB\n", encoding="utf-8")
        return path

    def make_home_unwritable(self, path):
        path.write_text("a file, not a folder")
        return path / "home"

    def make_home_corrupt(self, path):
        path.mkdir()
        (path / "progress.db").write_bytes(b"not sqlite " * 500)
        return path

    def _store(self, path, *statements):
        from llmtutor.store.db import open_store

        path.mkdir()
        open_store(path).close()
        db = sqlite3.connect(path / "progress.db")
        for statement in statements:
            db.execute(*statement) if isinstance(statement, tuple) else db.execute(statement)
        db.commit()
        db.close()
        return path

    def make_home_bad_due(self, path):
        return self._store(path, "INSERT INTO review_cards (question_id, card_json, due, updated_at) VALUES ('attention-01', '{}', 'garbage', 'x')")

    def make_home_bad_cards(self, path):
        from llmtutor.course.loader import load_course

        ids = [q.id for q in load_course().course.questions]
        bad_card = ("INSERT INTO review_cards (question_id, card_json, due, updated_at) "
                    "VALUES (?, '{not json', '2020-01-01T00:00:00+00:00', 'x')")
        return self._store(path, *[(bad_card, (qid,)) for qid in ids])

    def make_home_bad_answer(self, path):
        return self._store(path, "INSERT INTO answers (question_id, qtype, given, expected, correct, answered_at) "
                                 "VALUES ('q', 'single', x'ff00', 'A', 1, 'now')")

    def make_home_bad_lesson_row(self, path):
        return self._store(path, "INSERT INTO lesson_progress VALUES ('ai-history', 'done', 'top', 'x', 'x', NULL)")

    def make_home_foreign(self, path):
        path.mkdir()
        db = sqlite3.connect(path / "progress.db")
        db.execute("CREATE TABLE notes (text)")
        db.execute("PRAGMA user_version = 2")
        db.commit()
        db.close()
        return path

    def make_home_newer(self, path):
        self._store(path, "PRAGMA user_version = 7")
        return path

    def make_answers_1_line(self, path):
        path.write_text("A\n", encoding="utf-8")
        return path

    def make_answers_bad_utf8(self, path):
        path.write_bytes(b"\xff\n")
        return path

    def make_answers_huge(self, path):
        path.write_text("A\n" * 600_000, encoding="utf-8")
        return path

    def make_answers_long_line(self, path):
        path.write_text("A" * 50_000_000 + "\n", encoding="utf-8")
        return path

    def make_answers_2000_chars(self, path):
        path.write_text("A" * 2000 + "\n", encoding="utf-8")
        return path

    def make_text_120k(self, path):
        return "x" * 120_000

    def make_pack_duplicate_key(self, path):
        return self.pack(path, lesson="id: a\n" + LESSON)

    def make_pack_escape_name(self, path):
        pack = self.pack(path)
        (pack / "content" / "glossary" / "\x1b[2Jbad.yaml").write_text("[1, 2")
        return pack

    def make_pack_fifo(self, path):
        pack = self.pack(path)
        os.mkfifo(pack / "content" / "glossary" / "pipe.yaml")
        return pack

    def make_fifo_yaml(self, path):
        os.mkfifo(path)
        return path

    def make_loose_broken_yaml(self, path):
        path.mkdir()
        (path / "loose.yaml").write_text("id: a\ntitle: [x\n")
        return path / "loose.yaml"

    def make_loose_quiz_yaml(self, path):
        path.mkdir()
        (path / "loose.yaml").write_text(QUIZ.replace("pack-basics-01", "loose-01").replace("pack-basics", "attention")
                                         .replace("concept: pack-term", "concept: self-attention")
                                         .replace("section: first", "section: idea"))
        return path / "loose.yaml"

    def make_loose_unknown_yaml(self, path):
        path.mkdir()
        (path / "loose.yaml").write_text("a: 1\n")
        return path / "loose.yaml"

    def make_cache_planted(self, path):
        """Every cache file replaced by a pickle that would create `pwned` if it ran."""
        import pickle

        class Planted:
            def __reduce__(self):
                return (os.system, (f"touch {self.root}/pwned",))

        planted = Planted()
        planted.root = self.root
        path.mkdir()
        for name in ("messages-en", "messages-zh", "lessons", "walk", "catalog", "course", "parsed"):
            (path / f"{name}.pickle").write_bytes(pickle.dumps(planted))
        return path

    def make_home_fifo(self, path):
        path.mkdir()
        os.mkfifo(path / "progress.db")
        return path

    def make_home_folder_store(self, path):
        (path / "progress.db").mkdir(parents=True)
        return path

    def make_answers_folder(self, path):
        path.mkdir()
        return path

    def make_pack_huge_no_comment(self, path):
        pack = self.pack(path)
        (pack / "content" / "glossary" / "huge.yaml").write_text("- " + "x" * 30_000_000 + "\n")
        return pack

    def make_home_escape_in_name(self, path):
        """A home under a file whose name holds an escape: unwritable, and named in the notice."""
        blocker = self.root / "\x1b[2Jblock"
        blocker.write_text("a file, not a folder")
        return blocker / "home"

    def make_cache_fifo(self, path):
        path.mkdir()
        for name in ("messages-en", "messages-zh", "lessons", "walk", "catalog", "course", "parsed"):
            os.mkfifo(path / f"{name}.pickle")
        return path

    def make_home_locked(self, path):
        from llmtutor.store.db import open_store

        path.mkdir()
        open_store(path).close()
        self.locker = sqlite3.connect(path / "progress.db", isolation_level=None)
        self.locker.execute("BEGIN EXCLUSIVE")
        return path


@pytest.mark.parametrize("case,command,code,fragment", ROWS, ids=[row[0] for row in ROWS])
def test_documented_bad_input(tutor, tmp_path, case, command, code, fragment):
    fixtures = Fixtures(tmp_path)
    stdin_closed = command.endswith("< /dev/null")
    command = command.removesuffix("< /dev/null").strip()
    words = shlex.split(command)
    env = {}
    while "=" in words[0] and not words[0].startswith("-"):
        name, value = words.pop(0).split("=", 1)
        env[name] = value.format_map(fixtures)
    assert words.pop(0) == "llmtutor"
    args = [_unescape(word).format_map(fixtures) if "{" in word and "}" in word and not word.startswith("[")
            else _unescape(word) for word in words]
    result = tutor(*args, env=env or None, input="" if stdin_closed else None)
    output = result.output
    assert result.exit_code == code, output
    assert fragment in output, output
    assert "Traceback" not in output
    assert "\x1b" not in output and "\x9b" not in output  # no control sequence from outside text
    assert len(output) < 20_000 or args[0] in ("lessons", "learn", "review", "progress", "export")
    if code not in (0, 130) and args[0] != "validate":  # validate lists one line per problem
        assert len(output.strip().splitlines()) == 1, output
    if env.get("COLUMNS", "").isdigit() and int(env["COLUMNS"]) > 0:
        assert all(cell_len(line) <= int(env["COLUMNS"]) for line in output.splitlines())
    assert not (tmp_path / "pwned").exists()
    store = Path(env.get("LLMTUTOR_HOME") or os.environ["LLMTUTOR_HOME"]) / "progress.db"
    if store.is_file():  # every fault leaves a sound store behind
        with sqlite3.connect(store) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("command, expected", [
    ("quiz --count many", "'--count' / '-n' 的值无效：'many' 不是整数。"),
    ("lessons --foo", "没有这个选项：--foo。"),
    ("quiz --coun 3", "你是不是想输入：--count"),
    ("attention", "缺少参数 'TEXT'。"),
    ("walk self-attention --dim", "选项 --dim 需要一个值。"),
    ("learn a b", "多余的参数：b。"),
])
def test_usage_errors_are_worded_in_chinese(tutor, command, expected):
    result = tutor("--lang", "zh", *shlex.split(command))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：")
    assert expected in lines[0]
    for english in ("Invalid value", "No such option", "Missing", "requires", "unexpected", "Error"):
        assert english not in lines[0]


def test_an_option_without_its_value_points_to_the_help_of_its_command():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "llmtutor", "walk", "self-attention", "--dim"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Option --dim needs a value. (see: llmtutor walk --help)" in result.stderr + result.stdout
