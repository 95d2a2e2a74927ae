"""`llmtutor train [TASK]`: train a small Transformer on a toy task and watch its attention learn."""

import math
from pathlib import Path
from typing import Optional

import typer

from llmtutor.cli.state import console, error_console, print_json, say, stdout_is_terminal
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t

# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "train": ("train", "help_train", "help_epilog_train"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes

TASK_NAMES = ("reverse", "copy", "sort", "induction")
MAX_STEPS = 50_000
MAX_LAYERS = 4
MAX_HEADS = 8
MIN_DIM, MAX_DIM = 4, 256
MAX_SEED = 2**32 - 1


def complete_task(incomplete: str) -> list[str]:
    return [name for name in TASK_NAMES if name.startswith(incomplete)]


def train(
    task: Optional[str] = typer.Argument(None, metavar="[TASK]", help=t("help_arg_task"), autocompletion=complete_task),
    steps: Optional[int] = typer.Option(None, "--steps", help=t("help_opt_train_steps")),
    seed: int = typer.Option(0, "--seed", help=t("help_opt_train_seed")),
    length: Optional[int] = typer.Option(None, "--length", help=t("help_opt_train_length")),
    layers: Optional[int] = typer.Option(None, "--layers", help=t("help_opt_layers")),
    heads: Optional[int] = typer.Option(None, "--heads", help=t("help_opt_train_heads")),
    dim: int = typer.Option(32, "--dim", help=t("help_opt_train_dim")),
    lr: Optional[float] = typer.Option(None, "--lr", help=t("help_opt_lr")),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE", help=t("help_opt_out")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_train_json")),
) -> None:
    if task is None:
        _list_tasks(as_json)
        return
    name = _task_name(task)
    from llmtutor.model.tasks import TASKS

    settings = _settings(TASKS[name], steps, seed, length, layers, heads, dim, lr)
    path = _out_path(out, name)
    _run(settings, path, as_json)


def _task_name(given: str) -> str:
    wanted = given.strip().lower()
    if wanted in TASK_NAMES:
        return wanted
    from llmtutor.course.lookup import suggestions

    close = suggestions(wanted, ((n, n) for n in TASK_NAMES)) if len(wanted) >= 2 else []
    hint = t("did_you_mean", names=", ".join(close)) if close else ""
    raise TutorError("unknown_task", exit_code=1, name=given, hint=hint, tasks=", ".join(TASK_NAMES))


def _settings(task, steps, seed, length, layers, heads, dim, lr):
    from llmtutor.model.training import TrainSettings

    if steps is not None and not 1 <= steps <= MAX_STEPS:
        raise TutorError("steps_out_of_range", value=steps, limit=MAX_STEPS)
    if not 0 <= seed <= MAX_SEED:
        raise TutorError("train_seed_out_of_range", value=seed, limit=MAX_SEED)
    if length is not None and not task.min_length <= length <= task.max_length:
        raise TutorError("length_out_of_range", task=task.name, low=task.min_length, high=task.max_length,
                         value=length)
    if layers is not None and not 1 <= layers <= MAX_LAYERS:
        raise TutorError("layers_out_of_range", value=layers, limit=MAX_LAYERS)
    if heads is not None and not 1 <= heads <= MAX_HEADS:
        raise TutorError("train_heads_out_of_range", value=heads, limit=MAX_HEADS)
    if not MIN_DIM <= dim <= MAX_DIM:
        raise TutorError("train_dim_out_of_range", value=dim, low=MIN_DIM, limit=MAX_DIM)
    chosen_heads = heads if heads is not None else task.heads
    if dim % chosen_heads:
        raise TutorError("train_dim_heads", dim=dim, heads=chosen_heads, suggestion=max(chosen_heads, dim // chosen_heads * chosen_heads))
    if lr is not None and not (math.isfinite(lr) and 0 < lr <= 1):
        raise TutorError("lr_out_of_range", value=lr)
    return TrainSettings.defaults(task.name, steps=steps, seed=seed, length=length, layers=layers, heads=heads,
                                  dim=dim, lr=lr)


def _out_path(out: Optional[Path], task_name: str) -> Path:
    """Where the model goes; a bad --out is refused before any training is spent."""
    if out is None:
        from llmtutor.paths import learner_home

        folder = learner_home() / "models"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise TutorError("model_save_failed", exit_code=1, path=str(folder), detail=err.strerror or "") from None
        return folder / f"{task_name}.npz"
    if out.is_dir():
        raise TutorError("model_out_is_directory", path=str(out))
    if not out.parent.is_dir():
        raise TutorError("model_out_folder_missing", path=str(out), folder=str(out.parent))
    return out


def _list_tasks(as_json: bool) -> None:
    from llmtutor.model.tasks import TASKS

    if as_json:
        print_json([{"task": name, "shows": t(f"task_{name}_shows"), "seconds": TASKS[name].seconds,
                     "steps": TASKS[name].steps, "layers": TASKS[name].n_layers} for name in TASK_NAMES])
        return
    from llmtutor.render.training import task_table

    out = console()
    out.print(task_table([(name, t(f"task_{name}_shows"), t("train_tasks_seconds", seconds=TASKS[name].seconds))
                          for name in TASK_NAMES]))
    say(out, t("train_tasks_hint"), "dim")


def _run(settings, path: Path, as_json: bool) -> None:
    from threadpoolctl import threadpool_limits

    from llmtutor.cli.output import long_running
    from llmtutor.model import TASKS, build_model, evaluate, head_scores, train as train_model

    long_running()  # training runs for seconds to minutes

    task = TASKS[settings.task]
    model = build_model(settings)
    example = task.decode(task.example(settings.length))
    history = []
    view = live = None
    interactive = not as_json and stdout_is_terminal()
    out = console()
    if interactive:
        from rich.live import Live

        from llmtutor.render.training import TrainingView

        title = t("train_title", task=settings.task, layers=settings.layers, heads=settings.heads, dim=settings.dim,
                  parameters=f"{model.n_parameters():,}")
        mask = model.mask(len(example))
        view = TrainingView(title, example, mask)
        # transient: the last frame is printed again in full once training ends, never cropped
        live = Live(view, console=out, auto_refresh=False, transient=True, redirect_stdout=False,
                    redirect_stderr=False)  # our guarded streams write to sys.stdout themselves
        live.start()
    last_step = 0
    # Small matrices: BLAS threads cost more than they give, and would fight over the 2 cores.
    limits = threadpool_limits(limits=1, user_api="blas")
    try:
        last_drawn = 0.0
        for progress in train_model(model, settings):
            history.append(progress)
            last_step = progress.step
            if view is not None:
                view.update(progress)
                if progress.snapshot is not None or progress.seconds - last_drawn > 0.1 or progress.step == settings.steps:
                    live.refresh()
                    last_drawn = progress.seconds
            elif not as_json and _plain_moment(progress.step, settings.steps):
                out.print(t("train_plain_line", step=progress.step, steps=settings.steps, loss=f"{progress.loss:.3f}",
                            accuracy=f"{progress.accuracy * 100:.1f}%", seconds=f"{progress.seconds:.1f}"),
                          soft_wrap=True)
    except KeyboardInterrupt:
        if live is not None:
            live.stop()
            out.print(view)
        limits.restore_original_limits()
        _save_after_stop(model, settings, path, last_step)
        raise typer.Exit(130)
    finally:
        limits.restore_original_limits()
    if live is not None:
        live.stop()
        out.print(view)
    evaluation = evaluate(model, task, settings.length, settings.seed)
    scores = head_scores(model, task, settings.length, settings.seed)
    seconds = history[-1].seconds if history else 0.0
    model.config.meta.update({"steps": settings.steps, "lr": settings.lr, "heads": settings.heads,
                              "final_accuracy": evaluation.token_accuracy,
                              "sequence_accuracy": evaluation.sequence_accuracy,
                              "head_scores": [[s.layer, s.head, s.pattern, s.entropy] for s in scores]})
    saved = _save(model, path)
    if as_json:
        import numpy as np

        logged = [p for p in history if p.step > 0]
        print_json({
            "task": settings.task,
            "settings": {"steps": settings.steps, "seed": settings.seed, "length": settings.length,
                         "layers": settings.layers, "heads": settings.heads, "dim": settings.dim, "lr": settings.lr,
                         "batch": settings.batch, "positions": settings.positions},
            "seconds": round(seconds, 3),
            "logged_steps": [p.step for p in logged],
            "loss": [round(p.loss, 6) for p in logged],
            "accuracy": [round(p.accuracy, 6) for p in logged],
            "example": example,
            "snapshots": [{"step": p.step, "weights": [np.round(w, 6).tolist() for w in p.snapshot]}
                          for p in history if p.snapshot is not None],
            "final_accuracy": evaluation.token_accuracy,
            "final_sequence_accuracy": evaluation.sequence_accuracy,
            "head_scores": [{"layer": s.layer, "head": s.head, "pattern": s.pattern, "entropy": s.entropy}
                            for s in scores],
            "saved": str(saved),
        })
        return
    _report(out, settings, seconds, evaluation, scores, saved, example)


def _plain_moment(step: int, steps: int) -> bool:
    """Not a terminal: a line at about every tenth of the run, and the last step."""
    every = max(1, steps // 10)
    return step > 0 and (step % every == 0 or step == steps)


def _save(model, path: Path) -> Path:
    from llmtutor.model.checkpoint import save_model

    try:
        return save_model(model, path)
    except OSError as err:
        raise TutorError("model_save_failed", exit_code=1, path=str(path), detail=err.strerror or str(err)) from None


def _save_after_stop(model, settings, path: Path, step: int) -> None:
    model.config.meta.update({"steps": step, "stopped": True})
    try:
        saved = _save(model, path)
        error_console().print(t("train_interrupted", step=step, steps=settings.steps, path=str(saved)), soft_wrap=True)
    except TutorError as err:
        error_console().print(t("train_interrupted_unsaved", step=step, steps=settings.steps,
                                detail=err.params.get("detail", "")), soft_wrap=True)


def expected_key_names(task_name: str, layers: int) -> list[str | None]:
    """Per layer, the key the task expects a head to attend to, in words (None: no expectation)."""
    from llmtutor.model.tasks import TASKS

    return [None if key is None else t(key) for key in TASKS[task_name].expected_names(layers)]


def _report(out, settings, seconds, evaluation, scores, saved: Path, example: list[str]) -> None:
    from llmtutor.render.training import HeadScores, percent

    say(out, t("train_done", steps=settings.steps, seconds=f"{seconds:.1f}"))
    say(out, t("train_heldout", count=evaluation.count, accuracy=percent(evaluation.token_accuracy),
               sequences=percent(evaluation.sequence_accuracy)))
    out.print()
    out.print(HeadScores(scores, expected_key_names(settings.task, settings.layers)))
    out.print()
    say(out, t(f"task_{settings.task}_pattern"), "dim")
    out.print()
    say(out, t("train_saved", path=str(saved)))
    say(out, t("train_look", example=" ".join(example[: settings.length]), path=str(saved)), "dim")

