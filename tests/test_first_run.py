"""A newcomer's first two minutes: the README's two commands work as written on a stock Linux Python.

A stock Debian or Ubuntu machine has `python3` and no `python`, and its pip refuses to install
outside a virtual environment (PEP 668). The start command is run here from a clean copy of the
project with exactly that: a `PATH` holding `python3` (and `sh`) only, and pip told to refuse any
install outside a virtual environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def readme_command(heading: str) -> str:
    """The one shell line in the ```bash block under `## heading` of the README."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)\n```", section, re.S)
    assert block, f"no bash block under '## {heading}'"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 1, f"'## {heading}' should hold one command, found {lines}"
    return lines[0]


def test_commands_never_assume_a_python_command_or_a_system_pip():
    for heading in ("Start", "Run the tests"):
        command = readme_command(heading)
        assert re.match(r"python3 -m venv \.venv && ", command), command
        for program in ("python", "pip"):  # as a command of its own, not `python3` or `-m pip`
            assert not re.search(rf"(^|&&|;|\|)\s*{program}\s", command), f"bare '{program}' in: {command}"


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert readme_command("Run the tests") in commands
    # Nothing else installs or tests: the README's line is the whole of CI.
    assert not [line for line in commands if re.search(r"\bpip\b|\bpytest\b", line)
                and line != readme_command("Run the tests")]


def _clean_copy(destination: Path) -> None:
    """The project as a fresh clone has it: tracked files only when git knows them."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if name and (ROOT / name).is_file():
                target = destination / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, target)
    else:  # an unpacked sdist: copy what is there, less build and environment folders
        shutil.copytree(ROOT, destination, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".venv", "__pycache__", "build", "dist", ".git"))


def _newcomer_path(folder: Path) -> str:
    """A PATH like a stock Linux machine's: `python3` and a shell, and no `python`."""
    base_python = Path(getattr(sys, "_base_executable", sys.executable)).resolve()
    folder.mkdir()
    (folder / "python3").symlink_to(base_python)
    (folder / "sh").symlink_to(shutil.which("sh") or "/bin/sh")
    path = str(folder)
    assert shutil.which("python", path=path) is None
    return path


def test_readme_start_command_works_on_a_stock_linux_python(tmp_path):
    project = tmp_path / "llmtutor"
    _clean_copy(project)
    path = _newcomer_path(tmp_path / "bin")
    env = {
        "PATH": path,
        "HOME": os.environ.get("HOME", str(tmp_path)),  # pip's download cache, as a newcomer has one
        "PIP_REQUIRE_VIRTUALENV": "1",  # pip refuses to install outside a virtual environment
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "LLMTUTOR_HOME": str(tmp_path / "home"),
        "LLMTUTOR_CACHE": str(tmp_path / "cache"),
        "COLUMNS": "80",
        "LANG": "C.UTF-8",
    }
    # pip's configuration (an index mirror, a constraints file) is the machine's, not ours to change
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONSTRAINT", "PIP_CONFIG_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    # First check that this PATH really is a newcomer's: a bare `python` is not there, and pip
    # outside a virtual environment refuses.
    bare = subprocess.run(["sh", "-c", "python --version"], cwd=project, env=env, capture_output=True, text=True)
    assert bare.returncode != 0
    refused = subprocess.run(["sh", "-c", "python3 -m pip install --dry-run ."], cwd=project, env=env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0

    result = subprocess.run(["sh", "-c", readme_command("Start")], cwd=project, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "llmtutor" in result.stdout and "lessons" in result.stdout, result.stdout[-2000:]
    # The tutor it installed runs from any folder, with the course inside the package.
    elsewhere = subprocess.run([str(project / ".venv" / "bin" / "llmtutor"), "explain", "attention"], cwd=tmp_path,
                               env=env, capture_output=True, text=True, timeout=60)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert "attention" in elsewhere.stdout


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(pytest.main([__file__, "-q"]))
