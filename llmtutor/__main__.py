"""Entry point: `llmtutor` and `python -m llmtutor`."""

import os
import sys


def main() -> None:
    # Before anything imports NumPy: its OpenBLAS on one thread loads sooner (no thread pool to
    # start) and leaves no thread spinning after each product, ~40 ms of CPU at start-up. The
    # tutor's matrices are small; large attention shares its slabs among the cores with its own
    # threads (attention/scaled_dot_product.py), and a command that wants BLAS threads can raise
    # them with threadpoolctl. A learner's own OPENBLAS_NUM_THREADS wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Start-up allocates a few hundred thousand objects (Typer, Rich, NumPy, the course) and makes
    # almost no reference cycles, yet the cycle collector walks them again and again: ~5 % of the
    # start-up of every command. It stays off for a command that prints and ends; `long_running()`
    # (cli/output.py) turns it back on wherever the tutor waits for the learner or trains.
    import gc

    gc.disable()
    from llmtutor.cli.app import run

    try:
        run()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            leave_now(done.code or 0)
        raise


def leave_now(code: int) -> None:
    """End the process once the tutor has said everything, without tearing the interpreter down.

    `run()` has flushed its output and closed the learner's store by the time it exits; what is
    left is Python freeing every object of the run one by one (NumPy, Typer, Rich, a model): ~50M
    instructions, 12-15 ms of wall time that no learner needs. The tutor registers no atexit
    handler, and its only threads (attention's slab workers) are idle by then.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started with the stream closed (`>&-`)
                stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: cli/output.py has already said so
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
