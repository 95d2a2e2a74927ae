"""The one timing harness every benchmark uses: fresh processes, sides alternated, spread reported.

Why fresh processes: NumPy's BLAS threads keep spinning for a while after each call, so when NumPy
and torch are timed in one process each starves the other of cores (torch at (4, 8, 1024, 64)
took 68.7 ms alone and 114.7 ms alternated with NumPy in the same process). Here every sample
is a new interpreter that imports only its own side, and the sides take turns (A B, B A, A B, ...)
so that whatever else the shared machine does hits both alike.

Two ways in:

    time_commands({"hello": [python, "hello.py"], "tutor": ["llmtutor", "lessons"]})
        whole-process wall time (and CPU time) of shell commands, one process per sample;

    time_snippets({"numpy": Snippet(setup, statement), "torch": Snippet(...)})
        a Python statement timed inside fresh processes: each process runs `setup` once, the
        statement once to warm up, then `repeats` timed times; the process's figure is the
        median of those, and the result is the median over `processes` processes.

Every process gets the same thread count (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS,
and `THREADS` in a snippet's namespace for `torch.set_num_threads(THREADS)`), and runs with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: this machine may set them for old OpenBLAS builds,
and they slow a current NumPy. Tests and CI keep them; only these benchmark processes drop them.

    python benchmarks/harness.py      # what BLAS the benchmark processes get, and the load
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Set here for old OpenBLAS builds on some processors; a current NumPy runs slower with them.
DROPPED_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def cpu_count() -> int:
    """The cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass
class Stats:
    """Seconds of one measured thing: the median and the spread of its samples."""

    samples: list[float]
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system, all threads) per sample

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    def spread(self, unit: float = 1000.0, digits: int = 0) -> str:
        """'140–152 ms over 9', the range of the samples."""
        return f"{self.low * unit:.{digits}f}–{self.high * unit:.{digits}f} ms over {len(self.samples)}"

    def ms(self, digits: int = 0) -> str:
        return f"{self.median * 1000:.{digits}f} ms"


def ratio_spread(ours: Stats, theirs: Stats) -> tuple[float, float, float]:
    """The ratio of medians, and the lowest and highest ratio of samples taken side by side.

    Samples are paired in the order they were taken (sample i of each side ran in the same
    round), so a slow moment of the machine shows in both members of a pair.
    """
    pairs = [a / b for a, b in zip(ours.samples, theirs.samples)]
    return ours.median / theirs.median, min(pairs), max(pairs)


def benchmark_env(threads: int | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every benchmark process: same threads for all, OPENBLAS_CORETYPE/L2 dropped.

    threads: the thread count every library is told (default: the cores this process may use);
    0 leaves the thread variables as they are, as a learner's shell has them (start-up).
    """
    threads = cpu_count() if threads is None else threads
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_VARIABLES}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode compiled
    if threads:
        env.update({key: str(threads) for key in THREAD_VARIABLES})
    env.update(extra or {})
    return env


def _rounds(names: Sequence[str], count: int) -> list[list[str]]:
    """count rounds, each a rotation of names: A B C, B C A, C A B, ... (each side leads in turn)."""
    names = list(names)
    return [names[i % len(names):] + names[:i % len(names)] for i in range(count)]


def time_commands(commands: Mapping[str, Sequence[str]], repeats: int = 21, warmup: int = 2,
                  env: Mapping[str, str] | None = None) -> dict[str, Stats]:
    """Wall and CPU seconds of whole processes, one process per sample, the commands alternated.

    Each command must exit 0 (else CalledProcessError); its output is discarded.
    """
    env = dict(env) if env is not None else benchmark_env()
    stats = {name: Stats([]) for name in commands}
    for index, order in enumerate(_rounds(commands, warmup + repeats)):
        for name in order:
            args = list(commands[name])
            started = time.perf_counter()
            process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
            error = process.stderr.read()
            process.stderr.close()
            code = os.waitstatus_to_exitcode(status)
            if code:
                raise subprocess.CalledProcessError(code, args, stderr=error)
            if index >= warmup:
                stats[name].samples.append(wall)
                stats[name].cpu.append(usage.ru_utime + usage.ru_stime)
    return stats


@dataclass
class Snippet:
    """Python to time in a fresh process: `setup` runs once, `statement` is what is timed.

    warmup / repeats, when given, replace the caller's for this snippet (a first run that must
    find nothing cached: warmup=0, repeats=1).
    """

    setup: str
    statement: str
    warmup: int | None = None
    repeats: int | None = None


_RUNNER = '''
import json, sys, time
THREADS = {threads}
namespace = {{"THREADS": THREADS}}
exec(compile({setup!r}, "<setup>", "exec"), namespace)
statement = compile({statement!r}, "<statement>", "exec")
for _ in range({warmup}):
    exec(statement, namespace)
times, cpu = [], []
for _ in range({repeats}):
    started, cpu_started = time.perf_counter(), time.process_time()
    exec(statement, namespace)
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - cpu_started)
json.dump({{"wall": times, "cpu": cpu}}, sys.stdout)
'''


def run_snippet(snippet: Snippet, repeats: int = 5, warmup: int = 1, threads: int | None = None,
                env: Mapping[str, str] | None = None) -> dict[str, list[float]]:
    """{"wall": seconds, "cpu": CPU seconds of the process} of each timed run, in one fresh process."""
    threads = threads or cpu_count()
    code = _RUNNER.format(threads=threads, setup=textwrap.dedent(snippet.setup),
                          statement=textwrap.dedent(snippet.statement), warmup=warmup, repeats=repeats)
    env = dict(env) if env is not None else benchmark_env(threads)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"benchmark process failed:\n{result.stderr}")
    return json.loads(result.stdout)


def time_snippets(snippets: Mapping[str, Snippet], processes: int = 5, repeats: int = 5, warmup: int = 1,
                  threads: int | None = None, env: Mapping[str, str] | None = None) -> dict[str, Stats]:
    """Each snippet timed in `processes` fresh processes, alternated; one sample per process.

    A process's sample is the median of its `repeats` timed runs (after `warmup` untimed ones),
    in wall time (`samples`) and in the process's CPU time, all its threads (`cpu`).
    """
    stats = {name: Stats([]) for name in snippets}
    for order in _rounds(snippets, processes):
        for name in order:
            snippet = snippets[name]
            times = run_snippet(snippet, repeats=repeats if snippet.repeats is None else snippet.repeats,
                                warmup=warmup if snippet.warmup is None else snippet.warmup, threads=threads, env=env)
            stats[name].samples.append(statistics.median(times["wall"]))
            stats[name].cpu.append(statistics.median(times["cpu"]))
    return stats


BLAS_PROBE = '''
import ctypes, glob, json, os, sys
import numpy
found = {"numpy": numpy.__version__}
libs = glob.glob(os.path.join(os.path.dirname(numpy.__file__) + ".libs", "libscipy_openblas*.so*"))
if libs:
    lib = ctypes.CDLL(libs[0])
    for prefix in ("scipy_openblas_", "scipy_openblas64_", "openblas_"):
        for suffix in ("64_", ""):
            name = prefix + "get_corename" + suffix
            if hasattr(lib, name):
                getattr(lib, name).restype = ctypes.c_char_p
                found["openblas_core"] = getattr(lib, name)().decode()
                threads = getattr(lib, prefix + "get_num_threads" + suffix, None)
                if threads is not None:
                    found["openblas_threads"] = threads()
                config = getattr(lib, prefix + "get_config" + suffix, None)
                if config is not None:
                    config.restype = ctypes.c_char_p
                    found["openblas_config"] = config().decode()
                break
        if "openblas_core" in found:
            break
json.dump(found, sys.stdout)
'''


def blas_info(threads: int | None = None) -> dict:
    """What a benchmark process's NumPy runs: its OpenBLAS kernel and threads (in that environment)."""
    result = subprocess.run([sys.executable, "-c", BLAS_PROBE], env=benchmark_env(threads), capture_output=True,
                            text=True)
    return json.loads(result.stdout) if result.returncode == 0 else {"error": result.stderr.strip()[-200:]}


def load_average() -> str:
    """The machine's 1-minute load average now, with the cores, e.g. '1.4 on 2 cores'."""
    try:
        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    print(json.dumps(blas_info(), indent=2))
    print("load:", load_average())
