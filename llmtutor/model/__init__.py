"""A small Transformer you can train in NumPy, and read: layers with forward and backward side by side.

    >>> from llmtutor.model import TrainSettings, build_model, train, evaluate, TASKS
    >>> settings = TrainSettings.defaults("reverse", steps=20)
    >>> model = build_model(settings)
    >>> log = list(train(model, settings))                      # Progress: step, loss, accuracy, …
    >>> log[-1].step
    20
    >>> evaluate(model, TASKS["reverse"], settings.length).count
    1000

No torch and no autograd library: every gradient is written out, and checked against central
differences in the tests.
"""

from llmtutor.lazy import lazy_exports

# name → the module that defines it. Imported on first use (PEP 562), so that
# `from llmtutor.model.tasks import TASKS` (the task list of `llmtutor train`) does not pay for
# the whole engine at start-up.
_EXPORTS = {
    "HeadScore": "analysis", "head_scores": "analysis",
    "SelfAttention": "attention_layer", "attention_backward": "attention_layer",
    "cross_entropy": "loss", "Adam": "optim",
    "TASKS": "tasks", "Batch": "tasks", "Task": "tasks",
    "Evaluation": "training", "Progress": "training", "TrainSettings": "training", "build_model": "training",
    "evaluate": "training", "train": "training",
    "ModelConfig": "transformer", "Transformer": "transformer",
}
__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
