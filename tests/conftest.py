"""Shared fixtures: a private learner home, and a CLI runner in either language."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner


@pytest.fixture(autouse=True)
def learner_home(tmp_path, monkeypatch):
    """Every test gets its own progress store and a neutral language environment."""
    home = tmp_path / "home"
    monkeypatch.setenv("LLMTUTOR_HOME", str(home))
    monkeypatch.setenv("LLMTUTOR_CACHE", str(tmp_path / "cache"))
    for name in ("LLMTUTOR_LANG", "LLMTUTOR_CONTENT", "LC_ALL", "LC_MESSAGES", "NO_COLOR", "FORCE_COLOR",
                 "TTY_COMPATIBLE", "TTY_INTERACTIVE", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TERMINAL_WIDTH", "80")
    monkeypatch.setenv("COLUMNS", "80")
    return home


class Tutor:
    """Runs `llmtutor ARGS` in-process and returns Click's result."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        from llmtutor.cli.app import app_for

        return self.runner.invoke(app_for(list(args)), list(args), input=input, env=env, catch_exceptions=False,
                                  prog_name="llmtutor")

    def json(self, *args: str, **kwargs):
        result = self(*args, **kwargs)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def tutor() -> Tutor:
    return Tutor()


@pytest.fixture
def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
