"""`llmtutor generate "PROMPT"`: the course model continues a prompt, token by token, in plain sight."""

import math
from typing import Optional

import typer

from llmtutor.cli.state import checked_seed, console, error_console, print_json, say
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t

# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "generate": ("generate", "help_generate", "help_epilog_generate"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes

DEFAULT_TOKENS = 20
MAX_TOKENS = 500  # each step is drawn on screen: more is not read, only scrolled past
DEFAULT_TEMPERATURE = 0.8  # greedy text loops (docs/MODEL.md); seed 0 keeps the default run repeatable
DEFAULT_TOP_K = 40
MAX_TEMPERATURE = 10.0
MAX_PENALTY = 10.0
TOP_SHOWN = 5  # candidates drawn per step and listed in --json
JSON_DECIMALS = 6
LOOP_SPAN = 4  # a run of this many tokens written twice counts as a loop


def generate(
    prompt: str = typer.Argument(..., metavar="PROMPT", help=t("help_arg_prompt")),
    tokens: int = typer.Option(DEFAULT_TOKENS, "--tokens", help=t("help_opt_gen_tokens")),
    temperature: float = typer.Option(DEFAULT_TEMPERATURE, "--temperature", help=t("help_opt_gen_temperature")),
    top_k: int = typer.Option(DEFAULT_TOP_K, "--top-k", help=t("help_opt_gen_top_k")),
    repetition_penalty: float = typer.Option(1.0, "--repetition-penalty", help=t("help_opt_gen_penalty")),
    seed: int = typer.Option(0, "--seed", help=t("help_opt_gen_seed"), callback=checked_seed),
    model: str = typer.Option("text", "--model", metavar="text|course", help=t("help_opt_gen_model")),
    as_json: bool = typer.Option(False, "--json", help=t("help_opt_gen_json")),
) -> None:
    _check_settings(tokens, temperature, repetition_penalty, top_k)
    from llmtutor.model.text_model import load_text_model

    text_model = load_text_model(model_named(model))
    if top_k > text_model.vocab_size:
        raise TutorError("gen_top_k_out_of_range", value=top_k, limit=text_model.vocab_size)
    prompt_ids = prompt_tokens(text_model, prompt)
    from llmtutor.model.generation import Sampling

    sampling = Sampling(temperature=temperature, top_k=top_k, repetition_penalty=repetition_penalty, seed=seed)
    if as_json:
        _as_json(text_model, prompt, prompt_ids, tokens, sampling)
    else:
        _shown(text_model, prompt, prompt_ids, tokens, sampling)


def _check_settings(tokens: int, temperature: float, penalty: float, top_k: int) -> None:
    """Each setting in its range, before the model is loaded (exit 2, one line)."""
    if not 1 <= tokens <= MAX_TOKENS:
        raise TutorError("gen_tokens_out_of_range", value=tokens, limit=MAX_TOKENS)
    if not (math.isfinite(temperature) and 0 <= temperature <= MAX_TEMPERATURE):
        raise TutorError("gen_temperature_out_of_range", value=temperature, limit=f"{MAX_TEMPERATURE:g}")
    if not (math.isfinite(penalty) and 1 <= penalty <= MAX_PENALTY):
        raise TutorError("gen_penalty_out_of_range", value=penalty, limit=f"{MAX_PENALTY:g}")
    if top_k < 1:
        raise TutorError("gen_top_k_too_small", value=top_k)


def model_named(given: str) -> str:
    """The text model `given` names; TutorError (exit 1) with close names if none."""
    from llmtutor.model.text_model import MODEL_NAMES

    wanted = given.strip().lower()
    if wanted in MODEL_NAMES:
        return wanted
    from llmtutor.course.lookup import suggestions

    close = suggestions(wanted, ((name, name) for name in MODEL_NAMES))
    raise TutorError("gen_unknown_model", exit_code=1, name=given,
                     hint=t("did_you_mean", names=", ".join(close)) if close else "")


def prompt_tokens(text_model, prompt: str) -> list[int]:
    """The prompt's token ids; TutorError (exit 2) if it is empty or longer than the model's context."""
    if not prompt.strip():
        raise TutorError("gen_prompt_empty")
    ids = text_model.encode(prompt)
    if len(ids) > text_model.n_ctx:
        raise TutorError("gen_prompt_too_long", count=len(ids), limit=text_model.n_ctx, model=model_name(text_model))
    return ids


def settings_json(text_model, count: int, sampling) -> dict:
    return {"model": text_model.name, "tokens": count, "temperature": sampling.temperature,
            "greedy": sampling.greedy, "top_k": sampling.top_k, "repetition_penalty": sampling.repetition_penalty,
            "seed": sampling.seed, "context": text_model.n_ctx, "decimals": JSON_DECIMALS}


def _as_json(text_model, prompt: str, prompt_ids: list[int], count: int, sampling) -> None:
    from llmtutor.model.generation import generate as generate_tokens

    steps, written = [], []
    for step in generate_tokens(text_model.model, prompt_ids, count, sampling, top=TOP_SHOWN):
        written.append(step.token)
        steps.append({"token": text_model.token_text(step.token),
                      "top": [{"token": text_model.token_text(token), "probability": round(p, JSON_DECIMALS)}
                              for token, p in step.top]})
    print_json({"prompt": prompt, "settings": settings_json(text_model, count, sampling),
                "text": text_model.decode(prompt_ids + written), "steps": steps})


def _shown(text_model, prompt: str, prompt_ids: list[int], count: int, sampling) -> None:
    """Each step drawn as soon as it is computed; Ctrl-C keeps what was written and exits 130."""
    from llmtutor.model.generation import generate as generate_tokens
    from llmtutor.render.generation import StepBars

    out = console()
    say(out, t("gen_intro", model=model_name(text_model), count=len(prompt_ids), tokens=count,
               how=_how(sampling)), "dim")
    written: list[int] = []
    try:
        for number, step in enumerate(generate_tokens(text_model.model, prompt_ids, count, sampling,
                                                      top=TOP_SHOWN), start=1):
            candidates = [(text_model.token_text(token), p) for token, p in step.top]
            ids = [token for token, _ in step.top]
            picked = ids.index(step.token) if step.token in ids else None
            tail = text_model.decode(prompt_ids + written)[-30:].replace("\n", " ")
            written.append(step.token)  # counted as written once it starts to be drawn
            out.print(StepBars(number, candidates, picked, (text_model.token_text(step.token), step.probability),
                               t("gen_picked"), t("gen_step_heading", number=number, total=count, tail=tail)))
            out.print()
    except KeyboardInterrupt:
        out.print("\n")
        _text_and_author(out, text_model, prompt_ids, written)
        error_console().print(t("gen_interrupted", done=len(written), tokens=count), soft_wrap=True)
        raise typer.Exit(130)
    _text_and_author(out, text_model, prompt_ids, written)
    if repeats(written, LOOP_SPAN):
        why = t("gen_loop_why_course") if text_model.name == "course" else ""
        say(out, t("gen_loop_greedy" if sampling.greedy else "gen_loop_sampled", why=why), "dim")
    else:
        say(out, t("gen_try"), "dim")


def _text_and_author(out, text_model, prompt_ids: list[int], written: list[int]) -> None:
    """The whole text, then which model wrote it."""
    from llmtutor.render.generation import whole_text

    out.print(whole_text(t("gen_whole_text"), text_model.decode(prompt_ids),
                         _continuation(text_model, prompt_ids, written)))
    out.print()
    say(out, t("gen_who_wrote", **model_facts(text_model)), "dim")


def _continuation(text_model, prompt_ids: list[int], written: list[int]) -> str:
    """What the model wrote, as text: the whole text decoded, minus the prompt (a character may span both)."""
    start = len(text_model.decode(prompt_ids))
    return text_model.decode(prompt_ids + written)[start:]


def _how(sampling) -> str:
    if sampling.greedy:
        how = t("gen_how_greedy")
    else:
        how = t("gen_how_sampled", temperature=f"{sampling.temperature:g}", seed=sampling.seed)
    if sampling.top_k is not None and not sampling.greedy:
        how += t("gen_how_top_k", k=sampling.top_k)
    if sampling.repetition_penalty != 1.0:
        how += t("gen_how_penalty", penalty=f"{sampling.repetition_penalty:g}")
    return how


def model_name(text_model) -> str:
    """The model's name in the learner's language ("course", 课程)."""
    return t(f"gen_model_name_{text_model.name}")


def model_facts(text_model) -> dict:
    """What the note under the output says about the model, from what training recorded in its file."""
    recipe = text_model.meta.get("recipe") or {}
    share = recipe.get("synthetic_share") or 0
    about = t("gen_about_repeats", percent=f"{share * 100:.0f}") if share else t("gen_about_text")
    return {"model": model_name(text_model), "layers": text_model.model.config.n_layers,
            "parameters": f"{text_model.model.n_parameters():,}", "vocab": f"{text_model.vocab_size:,}",
            "about": about}


def repeats(ids: list[int], span: int) -> bool:
    """Whether some run of `span` tokens occurs twice in `ids` (the text loops)."""
    seen = set()
    for start in range(len(ids) - span + 1):
        run = tuple(ids[start:start + span])
        if run in seen:
            return True
        seen.add(run)
    return False
