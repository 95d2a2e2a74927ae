"""Look-ups stay light: NumPy (and fsrs) are never imported by `explain`, `lessons` or `--help`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from llmtutor.cli.app import run
sys.argv = ["llmtutor", *json.loads(sys.argv[1])]
try:
    run()
except SystemExit:
    pass
sys.stderr.write("MODULES " + json.dumps(sorted(m for m in ("numpy", "fsrs", "yaml") if m in sys.modules)))
"""


@pytest.mark.parametrize("args", [["explain", "attention"], ["lessons"], ["--help"], []])
def test_no_numpy_on_look_up_paths(tmp_path, args):
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache")}
    for run in ("cold cache", "warm cache"):
        result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], env=env, capture_output=True,
                                text=True, timeout=60)
        modules = json.loads(result.stderr.rsplit("MODULES ", 1)[1])
        assert "numpy" not in modules and "fsrs" not in modules, (run, modules)
    assert "yaml" not in modules  # with a warm cache, not even the YAML parser is needed


def test_validating_unchanged_content_does_not_need_the_yaml_parser(tmp_path):
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache")}
    seen = []
    for _ in ("cold cache", "warm cache"):
        result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["validate"])], env=env,
                                capture_output=True, text=True, timeout=60)
        assert "Valid:" in result.stdout, result.stdout + result.stderr
        seen.append(json.loads(result.stderr.rsplit("MODULES ", 1)[1]))
    assert "yaml" in seen[0]  # the first run parses every file
    assert "yaml" not in seen[1]  # then every check runs on the parses kept from it


MAIN_PROBE = """
import os, sys
import llmtutor.__main__ as entry
from llmtutor.__main__ import main
entry.leave_now = lambda code: sys.exit(code)  # the probe goes on after the tutor is done
sys.argv = ["llmtutor", "lessons"]
try:
    main()
except SystemExit:
    pass
from threadpoolctl import threadpool_info
import numpy
blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
sys.stderr.write("THREADS " + os.environ["OPENBLAS_NUM_THREADS"] + " " + str(blas))
"""


@pytest.mark.parametrize("given, expected", [(None, "1 [1]"), ("2", "2 [2]")])
def test_the_tutor_loads_numpy_with_one_blas_thread_unless_told_otherwise(tmp_path, given, expected):
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    env.update({"LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache")})
    if given:
        env["OPENBLAS_NUM_THREADS"] = given
    result = subprocess.run([sys.executable, "-c", MAIN_PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert result.stderr.rsplit("THREADS ", 1)[1] == expected, result.stderr


WHICH_PROBE = """
import sys
from llmtutor.cli.app import run
args, wanted = sys.argv[1].split("\\n") if sys.argv[1] else [], sys.argv[2].split("\\n")
sys.argv = ["llmtutor", *args]
try:
    run()
except SystemExit:
    pass
sys.stderr.write("MODULES " + "\\n".join(sorted(m for m in wanted if m in sys.modules)))
"""  # no json here: whether the tutor imports json is one of the questions


def _imported(tmp_path, args: list[str], wanted: list[str]) -> list[str]:
    """Which of `wanted` a run of `llmtutor ARGS` imported (the second run, with the cache warm)."""
    env = {**os.environ, "LLMTUTOR_HOME": str(tmp_path / "home"), "LLMTUTOR_CACHE": str(tmp_path / "cache")}
    for _ in ("cold cache", "warm cache"):
        result = subprocess.run([sys.executable, "-c", WHICH_PROBE, "\n".join(args), "\n".join(wanted)], env=env,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    found = result.stderr.rsplit("MODULES ", 1)[1]
    return found.split("\n") if found else []


@pytest.mark.parametrize("args", [[], ["lessons"], ["explain", "attention"]])
def test_the_home_screen_and_look_ups_draw_without_rich_tables_hashes_or_json(tmp_path, args):
    # rich.table brings fractions and decimal; each of these costs a start-up that the floor does not pay
    assert _imported(tmp_path, args, ["rich.table", "fractions", "hashlib", "json", "llmtutor.walkthroughs.steps"]) == []


def test_the_task_list_of_train_does_not_load_the_training_engine(tmp_path):
    assert _imported(tmp_path, ["train"], ["llmtutor.model.training", "llmtutor.model.analysis", "rich.table",
                                           "numpy.random"]) == []


def test_a_shipped_model_is_loaded_without_drawing_random_weights(tmp_path):
    # The model is built with zeros that the file's arrays replace: numpy.random is never needed.
    imported = _imported(tmp_path, ["attention", "--model", "reverse", "3 1 4 1 5 9 2 6"],
                         ["numpy", "numpy.random", "hashlib", "llmtutor.attention.tokenizer"])
    assert imported == ["numpy"]


@pytest.mark.parametrize("args", [["walk", "self-attention", "--json"], ["attention", "--model", "random", "a b c"],
                                  ["walk", "positions", "--json"], ["walk", "backprop", "--json"]])
def test_random_stand_ins_need_neither_numpy_random_nor_hashlib(tmp_path, args):
    # the seeded parameters come from llmtutor.attention.seeded (SplitMix64, FNV-1a): no numpy.random,
    # no OpenSSL behind hashlib (dataclasses cannot be checked here: Rich imports it)
    imported = _imported(tmp_path, args, ["numpy", "numpy.random", "hashlib", "llmtutor.attention.seeded"])
    assert imported == ["llmtutor.attention.seeded", "numpy"]
