"""`llmtutor attention "TEXT"`: the attention matrix of a learner's sentence, drawn."""

from __future__ import annotations

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


def attention(
    text: str = typer.Argument(..., metavar="TEXT", help=t("help_arg_text")),
    heads: int = typer.Option(1, "--heads", help=t("help_opt_heads")),
    head: Optional[int] = typer.Option(None, "--head", help=t("help_opt_head")),
    causal: bool = typer.Option(False, "--causal", help=t("help_opt_causal")),
    values: bool = typer.Option(False, "--values", help=t("help_opt_values")),
    positions: bool = typer.Option(True, "--positions/--no-positions", help=t("help_opt_positions")),
    seed: int = typer.Option(0, "--seed", help=t("help_opt_attn_seed"), callback=checked_seed),
    dim: int = typer.Option(16, "--dim", help=t("help_opt_dim")),
    export: Optional[Path] = typer.Option(None, "--export", metavar="FILE", help=t("help_opt_export")),
    weights_file: Optional[Path] = typer.Option(None, "--weights", metavar="FILE.npz", help=t("help_opt_weights")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_attn_json")),
) -> None:
    from llmtutor.attention.text_attention import attend_to_text, load_projections

    if export is not None and export.suffix.lower() not in (".svg", ".html", ".htm"):
        raise TutorError("export_format", path=str(export))
    projections = load_projections(weights_file) if weights_file is not None else None
    result = attend_to_text(text, d_model=dim, n_heads=heads, seed=seed, causal=causal, positions=positions,
                            projections=projections)
    if head is not None and head != 1 and result.n_heads == 1:
        raise TutorError("head_needs_heads", value=head)
    if head is not None and not 1 <= head <= result.n_heads:
        raise TutorError("head_out_of_range", value=head, heads=result.n_heads)
    if as_json:
        weights = result.weights if result.n_heads > 1 else result.weights[0]
        print_json({"tokens": result.tokens, "weights": weights.round(JSON_DECIMALS).tolist(),
                    "settings": {"heads": result.n_heads, "head": head, "dim": result.d_model, "seed": seed,
                                 "causal": causal, "positions": positions, "trained": result.trained,
                                 "decimals": JSON_DECIMALS}})
        return
    picture = _picture(result, text, head, values)
    out = console()
    out.print(picture)
    note = (t("attention_trained", path=str(weights_file), seed=seed) if result.trained
            else t("attention_untrained", seed=seed))
    say(out, note, "dim")
    say(out, t("attention_read_more"), "dim")
    if export is not None:
        from llmtutor.render.export import export_heatmap

        export_heatmap(picture, export)
        error_console().print(t("attention_exported", path=str(export)))


def _picture(result, text: str, head: Optional[int], values: bool):
    from rich.console import Group
    from rich.text import Text

    from llmtutor.render.head_grid import HeadGrid
    from llmtutor.render.heatmap import Heatmap
    from llmtutor.render.safe_text import visible

    n = len(result.tokens)
    shown = " ".join(result.tokens)
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    title = t("attention_title", text=visible(shown), n=n)
    settings = t("attention_settings", n=n, d=result.d_model, heads=result.n_heads,
                 mask=t("attention_causal") if result.causal else t("attention_bidirectional"),
                 positions=t("attention_with_positions") if result.positions else t("attention_without_positions"))
    mask = result.mask if result.causal else None
    if result.n_heads == 1:
        body = Heatmap(result.weights[0], result.tokens, result.tokens, mask=mask, title=title, show_values=values)
    else:
        body = HeadGrid(result.weights, result.tokens, result.tokens, mask=mask,
                        head=None if head is None else head - 1, title=title, show_values=values)
    return Group(body, Text(settings, style="dim"))
