"""`llmtutor attention TEXT --model course` (the default): the course model's real heads on the learner's text."""

from __future__ import annotations

from llmtutor.cli.state import console, error_console, print_json, say, warn
from llmtutor.errors import TutorError
from llmtutor.i18n import t


def _stored(behaviour: dict, layer: int, head: int) -> dict:
    """The build's measured scores of one head (None where a model file has none)."""
    found = behaviour.get((layer, head))
    if found is None:
        return {"layer": layer, "head": head, "previous_token": None, "first_token": None, "induction": None}
    return found.as_dict()


def _score(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def show_course(text: str, layer, head, values: bool, export, as_json: bool, decimals: int) -> None:
    """Draw (or print as JSON) the course model's attention on `text`; options already checked."""
    from llmtutor.model.course import RECIPE, attend_course

    if layer is not None and not 1 <= layer <= RECIPE["n_layers"]:
        raise TutorError("model_layer_out_of_range", value=layer, layers=RECIPE["n_layers"])
    if head is not None and not 1 <= head <= RECIPE["n_heads"]:
        raise TutorError("model_head_out_of_range", value=head, heads=RECIPE["n_heads"])
    result = attend_course(text)
    shown_layer = (layer or 1) - 1
    meta = result.meta
    heldout = meta.get("heldout", {})
    cut = result.total > len(result.ids)
    if cut:  # one line on stderr, so that --json stays one object on stdout
        warn(t("course_window", total=result.total, n=len(result.ids), last=result.tokens[-1]))
    behaviour = {(h.layer, h.head): h for h in result.behaviour}
    if as_json:
        weights = result.weights[shown_layer]
        print_json({
            "tokens": result.tokens, "ids": result.ids, "model": "course", "layer": shown_layer + 1, "head": head,
            "weights": (weights[head - 1] if head else weights).round(decimals).tolist(),
            "window": {"shown": len(result.ids), "total": result.total, "context": result.n_ctx},
            "head_scores": [{**_stored(behaviour, l, h),
                             "on_input": {"previous_token": p, "first_token": f, "induction": i}}
                            for l, h, p, f, i in result.on_input],
            "settings": {"causal": True, "layers": result.n_layers, "heads": result.n_heads, "trained": True,
                         "decimals": decimals, "seed": meta.get("seed"), "steps": meta.get("steps"),
                         "heldout_bits_per_token": heldout.get("bits_per_token"),
                         "heldout_bits_per_char": heldout.get("bits_per_char"),
                         "probe": meta.get("probe")},
        })
        return
    import numpy as np
    from rich.console import Group

    from llmtutor.render.head_grid import HeadGrid
    from llmtutor.render.heatmap import Heatmap
    from llmtutor.render.safe_text import visible

    weights = result.weights[shown_layer]  # (heads, n, n)
    n = len(result.tokens)
    mask = np.tril(np.ones((n, n), dtype=bool))
    joined = " ".join(result.tokens)
    title = t("course_title", layer=shown_layer + 1, n=n,
              text=visible(joined if len(joined) <= 40 else joined[:39] + "…"))
    if head is not None:
        body = Heatmap(weights[head - 1], result.tokens, result.tokens, mask=mask, title=title, show_values=values,
                       vmin=0.0, vmax=1.0)
    else:
        body = HeadGrid(weights, result.tokens, result.tokens, mask=mask, title=title, show_values=values,
                        vmin=0.0, vmax=1.0)
    picture = Group(body)
    out = console()
    out.print(picture)
    out.print(_scores_table(result, behaviour, shown_layer + 1, head))
    say(out, t("course_note", layers=result.n_layers, heads=result.n_heads, params=f"{meta.get('n_parameters', 0):,}",
               seed=meta.get("seed", "?"), steps=meta.get("steps", "?"),
               bits=_score(heldout.get("bits_per_token"))), "dim")
    say(out, t("course_try_twice"), "dim")
    if export is not None:
        from llmtutor.render.export import export_heatmap

        export_heatmap(picture, export)
        error_console().print(t("attention_exported", path=str(export)))


def _scores_table(result, behaviour, layer: int, head):
    """Each shown head's three measured scores: on repeated random tokens, and (in brackets) on the text."""
    from rich import box
    from rich.table import Table

    table = Table(title=t("course_scores_title"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(t("course_col_head"))
    for key in ("course_col_previous", "course_col_first", "course_col_induction"):
        table.add_column(t(key), justify="right")
    for l, h, p, f, i in result.on_input:
        if l != layer or (head is not None and h != head):
            continue
        b = _stored(behaviour, l, h)
        table.add_row(t("course_head_name", layer=l, head=h),
                      *(f"{_score(mine)} ({_score(yours)})" for mine, yours in
                        ((b["previous_token"], p), (b["first_token"], f), (b["induction"], i))))
    return table
