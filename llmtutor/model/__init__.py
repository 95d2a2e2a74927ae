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

from llmtutor.model.analysis import HeadScore, head_scores
from llmtutor.model.attention_layer import SelfAttention, attention_backward
from llmtutor.model.loss import cross_entropy
from llmtutor.model.optim import Adam
from llmtutor.model.tasks import TASKS, Batch, Task
from llmtutor.model.training import Evaluation, Progress, TrainSettings, build_model, evaluate, train
from llmtutor.model.transformer import ModelConfig, Transformer

__all__ = [
    "Adam", "Batch", "Evaluation", "HeadScore", "ModelConfig", "Progress", "SelfAttention", "TASKS", "Task",
    "TrainSettings", "Transformer", "attention_backward", "build_model", "cross_entropy", "evaluate",
    "head_scores", "train",
]
