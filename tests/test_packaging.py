"""The course ships inside the package: a wheel alone, run from another folder, has all of it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("llmtutor-*.whl"))


def _shipped(folder: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*.yaml")}


def test_wheel_contains_every_content_and_quiz_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"llmtutor/_data/{name}" for name in _shipped("content") | _shipped("quizzes")}
    assert expected, "no content found in the repository"
    assert expected <= names
    assert any(name.startswith("llmtutor/messages/") for name in names)
    for task in ("reverse", "copy", "sort", "induction", "course"):  # the trained models ship too
        assert f"llmtutor/model/weights/{task}.npz" in names
    assert "llmtutor/model/weights/course-bpe.json" in names  # the course model's tokenizer


def test_wheel_alone_runs_from_another_folder(wheel, tmp_path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked), "LLMTUTOR_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-m", "llmtutor", "lessons", "--json"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(_shipped("content/lessons"))
    course = subprocess.run([sys.executable, "-m", "llmtutor", "attention", "注意力 attention", "--json"],
                            cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert course.returncode == 0, course.stderr
    assert json.loads(course.stdout)["tokens"][0] == "注意力"
    check = subprocess.run([sys.executable, "-c", "import llmtutor; print(llmtutor.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True)
    assert check.stdout.startswith(str(unpacked))


def test_installed_console_script_runs_outside_the_repository(tmp_path):
    script = shutil.which("llmtutor") or str(Path(sys.executable).parent / "llmtutor")
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home")}
    result = subprocess.run([script, "explain", "attention", "--json"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "attention"


def test_python_dash_m_works(tmp_path):
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-m", "llmtutor", "--version"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("llmtutor ")
