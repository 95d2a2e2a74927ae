"""The text model that `llmtutor generate` writes with: the course model's recipe on the course text alone.

    python -m llmtutor.model.text_only            # → llmtutor/model/weights/course-text.npz
    python -m llmtutor.model.text_only --resume   # go on from build/course-text-lm/

Same tokenizer (weights/course-bpe.json), size, seed, optimiser, schedule and steps as the course
model (`llmtutor.model.course.RECIPE`, trained by the same `train_course_model`), with one change:
no synthetic repeats, every row of every batch is course text. It forms no previous-token or
induction head (the scores are kept in the file), predicts the held-out text slightly better, and
loops far less when it writes (docs/MODEL.md, "Generating text": measured with
`python benchmarks/loops.py`). The shipped file is float16, computed in float32.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from llmtutor.model.bpe import COURSE_TOKENIZER, WEIGHTS

TEXT_MODEL = WEIGHTS / "course-text.npz"
CHECKPOINTS = Path(__file__).resolve().parents[2] / "build" / "course-text-lm"


def recipe() -> dict:
    """The course recipe without synthetic repeats."""
    from llmtutor.model.course import RECIPE

    return {**RECIPE, "synthetic_share": 0.0}


def describe(model, seconds: float, seed: int) -> None:
    """Measure the (float16-rounded) model and record in its meta what the model card quotes."""
    from llmtutor.model.corpus import HELDOUT_FILE, TRAIN_FILE, read_split, sha256_of
    from llmtutor.model.course import PROBE, as_shipped, head_behaviour, heldout_loss

    as_shipped(model)
    _, heldout_text = read_split()
    from llmtutor.model.bpe import course_tokenizer

    heldout_ids = np.array(course_tokenizer().encode(heldout_text), dtype=np.int64)
    model.config.meta.update({
        "task": "course-text", "seed": seed, "steps": recipe()["steps"], "recipe": recipe(),
        "train_seconds": round(seconds, 1), "heldout": heldout_loss(model, heldout_ids, len(heldout_text)),
        "head_scores": [h.as_dict() for h in head_behaviour(model)], "probe": PROBE,
        "train_sha256": sha256_of(TRAIN_FILE), "heldout_sha256": sha256_of(HELDOUT_FILE),
        "tokenizer_sha256": sha256_of(COURSE_TOKENIZER), "n_parameters": model.n_parameters(),
        "numpy": np.__version__,
    })


def build(seed: int = 0, resume: bool = False, log=print) -> Path:
    from threadpoolctl import threadpool_limits

    from llmtutor.model.bpe import course_tokenizer
    from llmtutor.model.checkpoint import save_model
    from llmtutor.model.corpus import read_split
    from llmtutor.model.course import train_course_model

    train_text, _ = read_split()
    train_ids = np.array(course_tokenizer().encode(train_text), dtype=np.int64)
    with threadpool_limits(limits=1, user_api="blas"):
        model, seconds = train_course_model(seed, train_ids, resume=resume, log=log, recipe=recipe(),
                                            folder=CHECKPOINTS)
        model.config.meta.update({"task": "course-text", "seed": seed})
        describe(model, seconds, seed)
    save_model(model, TEXT_MODEL, dtype=np.float16, compressed=False)
    log(json.dumps(model.config.meta, ensure_ascii=False))
    return TEXT_MODEL


def main(argv: list[str] | None = None) -> int:
    from llmtutor.model.course import build_main

    return build_main(argv, "python -m llmtutor.model.text_only", __doc__.split("\n")[0], build, 0,
                      "seed, as the course model", "build/course-text-lm/")


if __name__ == "__main__":
    sys.exit(main())
