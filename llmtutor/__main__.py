"""Entry point: `llmtutor` and `python -m llmtutor`."""

import os


def main() -> None:
    # Before anything imports NumPy: its OpenBLAS on one thread loads sooner (no thread pool to
    # start) and leaves no thread spinning after each product, ~40 ms of CPU at start-up. The
    # tutor's matrices are small; large attention shares its slabs among the cores with its own
    # threads (attention/scaled_dot_product.py), and a command that wants BLAS threads can raise
    # them with threadpoolctl. A learner's own OPENBLAS_NUM_THREADS wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from llmtutor.cli.app import run

    run()


if __name__ == "__main__":
    main()
