"""`llmtutor walk [NAME]`: the list of walkthroughs, or one of them, step by step."""

from typing import Optional

import typer

from llmtutor.cli.state import SESSION, checked_seed, console, print_json, stdout_is_terminal
from llmtutor.i18n import language, t


# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "walk": ("walk", "walk_help", "walk_help_epilog"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes


def complete_walk(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: walkthrough ids with their titles."""
    from llmtutor.walkthroughs.registry import walk_ids

    try:
        from llmtutor.course.loader import load_course

        titles = {x.id: x.title.get() for x in load_course(SESSION.content_dirs).course.walkthroughs}
    except Exception:  # completion must never break the shell
        titles = {}
    return [(walk_id, titles.get(walk_id, "")) for walk_id in walk_ids() if walk_id.startswith(incomplete)]


def walk(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help=t("walk_help_name"),
                                         autocompletion=complete_walk),
    text: Optional[str] = typer.Option(None, "--text", help=t("walk_help_text")),
    seed: Optional[int] = typer.Option(None, "--seed", help=t("walk_help_seed"), callback=checked_seed),
    dim: Optional[int] = typer.Option(None, "--dim", help=t("walk_help_dim")),
    dk: Optional[int] = typer.Option(None, "--dk", help=t("walk_help_dk")),
    heads: Optional[int] = typer.Option(None, "--heads", help=t("walk_help_heads")),
    causal: bool = typer.Option(False, "--causal", help=t("walk_help_causal")),
    merges: Optional[int] = typer.Option(None, "--merges", help=t("walk_help_merges")),
    max_n: Optional[int] = typer.Option(None, "--max-n", help=t("walk_help_max_n")),
    no_pause: bool = typer.Option(False, "--no-pause", help=t("walk_help_no_pause")),
    predict: bool = typer.Option(False, "--predict", help=t("walk_help_predict")),
    as_json: bool = typer.Option(False, "--json", help=t("walk_help_json")),
) -> None:
    from llmtutor.walkthroughs.registry import find_walkthrough, run, walk_ids

    course = SESSION.walk_view()  # walkthroughs, lesson titles and term names: all a walk names
    if name is None:
        _list(course, walk_ids(), as_json)
        return
    walk_id = find_walkthrough(name, course)
    given = {"text": text, "seed": seed, "dim": dim, "dk": dk, "heads": heads, "causal": causal or None,
             "merges": merges, "max_n": max_n}
    walkthrough = run(walk_id, {key: value for key, value in given.items() if value is not None}, SESSION.lang,
                      course)
    if as_json:
        print_json(walkthrough.json)
    elif no_pause or not stdout_is_terminal():
        _print_all(walkthrough)
    else:
        _pace(walkthrough, predict)


def _list(course, ids: list[str], as_json: bool) -> None:
    from llmtutor.render.walk import walk_list

    infos = {info.id: info for info in course.walkthroughs}
    rows = [(walk_id, getattr(infos.get(walk_id), "title", None), getattr(infos.get(walk_id), "description", None))
            for walk_id in ids]
    if as_json:
        print_json([{"id": walk_id, "title": title.get(SESSION.lang) if title else "",
                     "description": description.get(SESSION.lang) if description else ""}
                    for walk_id, title, description in rows])
        return
    console().print(walk_list(rows, SESSION.lang))


def _print_all(walkthrough) -> None:
    from llmtutor.render.walk import all_steps

    console().print(all_steps(walkthrough, SESSION.lang))  # one print: each costs as much as a few lines


def _pace(walkthrough, predict: bool = False) -> None:
    from llmtutor.cli.output import long_running

    long_running()
    from llmtutor.cli.keys import BACK, NEXT
    from llmtutor.cli.pager import screenful
    from llmtutor.render.walk import step_page, walk_keys_hint
    from llmtutor.walkthroughs.steps import Pacer

    out = console()
    pacer = Pacer(len(walkthrough.steps))
    part = 0  # a step taller than the terminal is shown a screenful at a time
    title = walkthrough.title.get(SESSION.lang) if walkthrough.title else walkthrough.id
    asked: set[int] = set()
    while not pacer.done:
        notice = None
        if predict and pacer.index not in asked:
            asked.add(pacer.index)
            notice = _predicted(out, walkthrough, pacer.index)
        part, count, action = screenful(out, step_page(walkthrough, pacer.index, SESSION.lang), part, title,
                                        pacer.index + 1, pacer.total, walk_keys_hint(), notice=notice)
        if action == NEXT and part < count - 1:
            part += 1
        elif action == BACK and part:
            part -= 1
        else:
            part = -1 if action == BACK and pacer.index else 0  # back: the end of the step before
            pacer.apply(action)


def new_array(walkthrough, index: int):
    """The first array step `index` shows that no earlier step showed (a matrix or a vector), or None."""
    seen = {array.name for step in walkthrough.steps[:index] for array in step.arrays}
    return next((array for array in walkthrough.steps[index].arrays
                 if array.name not in seen and getattr(array.values, "ndim", 0) in (1, 2)), None)


def _predicted(out, walkthrough, index: int):
    """Before step `index`: "what shape will X have?"; the verdict (a Text) for the step's top line, or None."""
    import re

    from rich.text import Text

    from llmtutor.render.safe_text import visible

    array = new_array(walkthrough, index) if index else None
    if array is None:
        return None
    step = walkthrough.steps[index]
    out.clear()
    out.print(Text(t("walk_predict_heading", step=index + 1, total=len(walkthrough.steps),
                     title=visible(step.title.get(SESSION.lang))), style="bold"))
    try:
        answer = visible(out.input(Text(t("walk_predict_prompt", name=array.name), style="bold cyan")))
    except EOFError:
        return None
    guess = tuple(int(number) for number in re.findall(r"\d+", answer))
    if not guess:
        return None
    shape = tuple(int(size) for size in array.values.shape)
    shown = lambda dims: "(" + ", ".join(map(str, dims)) + ")"  # noqa: E731 - (6, 4), as the steps write it
    if guess == shape:
        return Text(t("walk_predict_right", name=array.name, shape=shown(shape)), style="green")
    return Text(t("walk_predict_wrong", name=array.name, guess=shown(guess), shape=shown(shape)), style="yellow")
