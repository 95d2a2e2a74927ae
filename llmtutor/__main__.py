"""Entry point: `llmtutor` and `python -m llmtutor`."""

import os


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

    run()


if __name__ == "__main__":
    main()
