"""`llmtutor attention "TEXT"`: the attention matrix of a learner's sentence, drawn."""

from pathlib import Path
from typing import Optional

import typer

from llmtutor.cli.state import checked_seed, console, error_console, print_json, say
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t


# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "attention": ("attention", "help_attention", "help_epilog_attention"),
}
# --json rounds the weights to this many decimals (said in its help and in "settings"): enough
# to read and compare them, and the float32 weights hold only about 7 significant digits.
JSON_DECIMALS = 6
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes


RANDOM_ONLY = {"heads": "--heads", "dim": "--dim", "seed": "--seed", "weights_file": "--weights",
               "positions": "--no-positions"}


def attention(
    ctx: typer.Context,
    text: str = typer.Argument(..., metavar="TEXT", help=t("help_arg_text")),
    model: str = typer.Option("course", "--model", metavar="course|random|reverse|copy|sort|induction|FILE",
                              help=t("help_opt_model")),
    layer: Optional[int] = typer.Option(None, "--layer", help=t("help_opt_layer")),
    heads: int = typer.Option(1, "--heads", help=t("help_opt_heads")),
    head: Optional[int] = typer.Option(None, "--head", help=t("help_opt_head")),
    causal: bool = typer.Option(False, "--causal", help=t("help_opt_causal")),
    values: bool = typer.Option(False, "--values", help=t("help_opt_values")),
    rows: Optional[str] = typer.Option(None, "--rows", metavar="A-B", help=t("help_opt_rows")),
    cols: Optional[str] = typer.Option(None, "--cols", metavar="A-B", help=t("help_opt_cols")),
    positions: bool = typer.Option(True, "--positions/--no-positions", help=t("help_opt_positions")),
    seed: int = typer.Option(0, "--seed", help=t("help_opt_attn_seed"), callback=checked_seed),
    dim: int = typer.Option(16, "--dim", help=t("help_opt_dim")),
    export: Optional[Path] = typer.Option(None, "--export", metavar="FILE", help=t("help_opt_export")),
    weights_file: Optional[Path] = typer.Option(None, "--weights", metavar="FILE.npz", help=t("help_opt_weights")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_attn_json")),
) -> None:
    if export is not None:
        from llmtutor.render.export import check_kind

        check_kind(export)
    if model.strip().lower() == "course":
        _check_trained_options(ctx, "course", causal)
        from llmtutor.cli.course_attention import show_course

        show_course(text, layer, head, values, export, as_json, JSON_DECIMALS, (rows, cols))
        return
    if model != "random":
        _trained(ctx, text, model, layer, head, causal, values, export, as_json, (rows, cols))
        return
    if layer is not None and layer != 1:
        raise TutorError("model_layer_out_of_range", value=layer, layers=1)
    from llmtutor.attention.text_attention import attend_to_text, load_projections

    projections = load_projections(weights_file) if weights_file is not None else None
    result = attend_to_text(text, d_model=dim, n_heads=heads, seed=seed, causal=causal, positions=positions,
                            projections=projections)
    if head is not None and head != 1 and result.n_heads == 1:
        raise TutorError("head_needs_heads", value=head)
    if head is not None and not 1 <= head <= result.n_heads:
        raise TutorError("head_out_of_range", value=head, heads=result.n_heads)
    spans = _spans((rows, cols), len(result.tokens))
    note = (t("attention_trained", path=str(weights_file), seed=seed) if result.trained
            else t("attention_untrained", seed=seed))
    if export is not None:  # written first: a picture that cannot be saved stops before any output
        from llmtutor.render.export import AttentionFigure
        from llmtutor.render.safe_text import visible

        figure = AttentionFigure(
            title=t("attention_title", text=visible(" ".join(result.tokens)), n=len(result.tokens)),
            tokens=result.tokens, weights=result.weights[None], notes=[_settings(result), note],
            mask=result.mask if result.causal else None, head=None if head is None else head - 1)
        _export(figure, export)
    if as_json:
        weights = result.weights if result.n_heads > 1 else result.weights[0]
        print_json({"tokens": result.tokens, "weights": weights.round(JSON_DECIMALS).tolist(),
                    "settings": {"heads": result.n_heads, "head": head, "dim": result.d_model, "seed": seed,
                                 "causal": causal, "positions": positions, "trained": result.trained,
                                 "decimals": JSON_DECIMALS}})
    else:
        out = console()
        out.print(_picture(result, text, head, values, spans))
        say(out, note, "dim")
        say(out, t("attention_read_more"), "dim")


def _spans(ranges, n: int):
    """--rows and --cols as (start, stop) pairs for a picture of n tokens."""
    from llmtutor.render.ranges import parse_range

    return parse_range(ranges[0], n, "--rows"), parse_range(ranges[1], n, "--cols")


def _export(figure, path: Path) -> None:
    from llmtutor.render.export import export_figure

    export_figure(figure, path)
    error_console().print(t("attention_exported", path=str(path)))


def _settings(result) -> str:
    return t("attention_settings", n=len(result.tokens), d=result.d_model, heads=result.n_heads,
             mask=t("attention_causal") if result.causal else t("attention_bidirectional"),
             positions=t("attention_with_positions") if result.positions else t("attention_without_positions"))


def _picture(result, text: str, head: Optional[int], values: bool, spans):
    from rich.console import Group
    from rich.text import Text

    from llmtutor.render.head_grid import HeadGrid
    from llmtutor.render.heatmap import Heatmap
    from llmtutor.render.safe_text import visible

    n = len(result.tokens)
    from llmtutor.render.cells import shortened

    shown = shortened(" ".join(result.tokens), 40)
    title = t("attention_title", text=visible(shown), n=n)
    settings = _settings(result)
    mask = result.mask if result.causal else None
    ranges = {"rows": spans[0], "cols": spans[1], "range_hint": True}
    if result.n_heads == 1:
        body = Heatmap(result.weights[0], result.tokens, result.tokens, mask=mask, title=title, show_values=values,
                       **ranges)
    else:
        body = HeadGrid(result.weights, result.tokens, result.tokens, mask=mask,
                        head=None if head is None else head - 1, title=title, show_values=values, **ranges)
    return Group(body, Text(settings, style="dim"))


def _check_trained_options(ctx, source: str, causal: bool) -> None:
    """A trained model refuses the random model's options, and --causal (its own mask decides)."""
    for parameter, option in RANDOM_ONLY.items():
        given = ctx.get_parameter_source(parameter)  # Click's ParameterSource: DEFAULT unless typed
        if given is not None and given.name != "DEFAULT":
            raise TutorError("model_option_random_only", option=option)
    if causal and source == "course":
        raise TutorError("model_causal_decided", model=source, mask=t("model_mask_causal"))


def _trained(ctx, text: str, name: str, layer, head, causal: bool, values: bool, export, as_json: bool,
             ranges=(None, None)) -> None:
    """`--model reverse|copy|sort|induction|FILE`: a trained toy model's real attention on the input."""
    _check_trained_options(ctx, name, False)
    from llmtutor.model.attend import MODEL_NAMES, attend, load_named_model

    wanted = name.strip()
    if wanted.lower() in MODEL_NAMES:
        wanted = wanted.lower()
    elif not Path(wanted).exists():
        from llmtutor.course.lookup import suggestions

        close = suggestions(wanted, ((n, n) for n in ("course", "random", *MODEL_NAMES))) if "/" not in wanted else []
        raise TutorError("unknown_model", exit_code=1, name=name,
                         hint=t("did_you_mean", names=", ".join(close)) if close else "")
    model, source = load_named_model(wanted)
    if causal:
        raise TutorError("model_causal_decided", model=source,
                         mask=t("model_mask_causal") if model.config.causal else t("model_mask_none"))
    if layer is not None and not 1 <= layer <= model.config.n_layers:
        raise TutorError("model_layer_out_of_range", value=layer, layers=model.config.n_layers)
    if head is not None and not 1 <= head <= model.config.n_heads:
        raise TutorError("model_head_out_of_range", value=head, heads=model.config.n_heads)
    result = attend(model, source, text)
    shown_layer = (layer or 1) - 1
    meta = result.meta
    heldout = {(int(s[0]), int(s[1])): s for s in meta.get("head_scores", [])}
    spans = _spans(ranges, len(result.tokens))
    if export is not None:
        _export(_trained_figure(result, shown_layer, head), export)
    if as_json:
        weights = result.weights[shown_layer]
        print_json({
            "tokens": result.tokens, "model": source, "task": result.task, "layer": shown_layer + 1, "head": head,
            "weights": (weights[head - 1] if head else weights).round(JSON_DECIMALS).tolist(),
            "output": result.output, "expected_output": result.expected_output,
            "head_scores": [{"layer": l, "head": h, "pattern_on_input": p,
                             "pattern_heldout": heldout.get((l, h), [None, None, None, None])[2],
                             "entropy_heldout": heldout.get((l, h), [None, None, None, None])[3]}
                            for l, h, p in result.head_scores],
            "settings": {"causal": result.causal, "layers": result.n_layers, "heads": result.n_heads,
                         "trained": True, "decimals": JSON_DECIMALS,
                         "heldout_accuracy": meta.get("final_accuracy"), "seed": meta.get("seed"),
                         "steps": meta.get("steps")},
        })
        return
    import numpy as np
    from rich.console import Group
    from rich.text import Text

    from llmtutor.cli.train_commands import expected_key_names
    from llmtutor.render.head_grid import HeadGrid
    from llmtutor.render.heatmap import Heatmap
    from llmtutor.render.safe_text import visible

    weights = result.weights[shown_layer]  # (heads, n, n)
    n = len(result.tokens)
    mask = np.tril(np.ones((n, n), dtype=bool)) if result.causal else None
    title = t("model_title", task=result.task, layer=shown_layer + 1, text=visible(" ".join(result.tokens)))
    ranges = {"rows": spans[0], "cols": spans[1], "range_hint": True}
    if head is not None or weights.shape[0] == 1:
        body = Heatmap(weights[(head or 1) - 1], result.tokens, result.tokens, mask=mask, title=title,
                       show_values=values, vmin=0.0, vmax=1.0, **ranges)
    else:
        body = HeadGrid(weights, result.tokens, result.tokens, mask=mask, title=title, show_values=values,
                        vmin=0.0, vmax=1.0, shared="layers", **ranges)
    picture = Group(body, Text(t("model_output", output=" ".join(result.output),
                                 expected=" ".join(result.expected_output))))
    out = console()
    out.print(picture)
    names = expected_key_names(result.task, result.n_layers)
    for l, h, p in result.head_scores:
        stored = heldout.get((l, h))
        if p is None:
            line = t("model_head_entropy", layer=l, head=h, entropy=f"{stored[3]:.2f}" if stored else "–")
        else:
            line = t("model_head_score", layer=l, head=h, expected=names[l - 1], score=f"{p:.2f}",
                     heldout=f"{stored[2]:.2f}" if stored and stored[2] is not None else "–")
        say(out, line)
    say(out, _model_note(result), "dim")


def _model_note(result) -> str:
    meta, accuracy = result.meta, result.meta.get("final_accuracy")
    return t("model_note", task=result.task, steps=meta.get("steps", "?"), seed=meta.get("seed", "?"),
             accuracy=f"{accuracy * 100:.1f}%" if isinstance(accuracy, (int, float)) else "–")


def _trained_figure(result, shown_layer: int, head):
    """The export of a trained model's attention: every layer and head, on the 0–1 scale."""
    import numpy as np

    from llmtutor.render.export import AttentionFigure
    from llmtutor.render.safe_text import visible

    n = len(result.tokens)
    shown = visible(" ".join(result.tokens))
    return AttentionFigure(
        title=t("model_title", task=result.task, layer=shown_layer + 1, text=shown), tokens=result.tokens,
        weights=np.asarray(result.weights), mask=np.tril(np.ones((n, n), dtype=bool)) if result.causal else None,
        notes=[t("model_output", output=" ".join(result.output), expected=" ".join(result.expected_output)),
               _model_note(result)],
        layer=shown_layer, head=None if head is None else head - 1, vmin=0.0, vmax=1.0,
        layer_titles=[t("model_title", task=result.task, layer=k + 1, text=shown) for k in range(result.n_layers)])
