"""Which walkthroughs exist, which options each one uses, and turning options into a built walkthrough.

The builders import NumPy, so they are imported only when a walkthrough runs; listing the
walkthroughs stays instant.
"""

from __future__ import annotations

import importlib

from llmtutor.errors import TutorError
from llmtutor.walkthroughs.steps import ReadNext, Record, Step, Walkthrough, say

WALK_MAX_TOKENS = 64  # every array has a row per token: more would not be readable step by step
BPE_MAX_CHARACTERS = 400
MAX_SEED = 2**32 - 1
MAX_DIM = 1024
MAX_MERGES = 500
MIN_MAX_N, MAX_MAX_N = 16, 4096

DEFAULT_TEXT = {"en": "the cat sat on the mat", "zh": "我喜欢学习注意力"}
DEFAULTS = {"seed": 0, "dim": 8, "dk": 4, "heads": 2, "causal": False, "merges": 12, "max_n": 2048}
FLAGS = {"text": "--text", "seed": "--seed", "dim": "--dim", "dk": "--dk", "heads": "--heads",
         "causal": "--causal", "merges": "--merges", "max_n": "--max-n"}


class WalkOptions(Record):
    """The settings of one run, defaults filled in and checked."""

    text: str = DEFAULT_TEXT["en"]
    seed: int = 0
    dim: int = 8
    dk: int = 4
    heads: int = 2
    causal: bool = False
    merges: int = 12
    max_n: int = 2048


class Entry(Record):
    module: str  # llmtutor.walkthroughs.<module> has build(options) -> Walkthrough
    options: tuple[str, ...]  # the options it uses; any other is refused
    positions: bool = False  # adds sinusoidal positions, so --dim must be even
    max_dim: int = MAX_DIM  # the largest --dim and --dk (backprop nudges every entry of Q, K, V one by one)


REGISTRY: dict[str, Entry] = {
    "self-attention": Entry("self_attention", ("text", "seed", "dim", "dk", "causal"), positions=True),
    "multi-head": Entry("multi_head", ("text", "seed", "dim", "heads", "causal"), positions=True),
    "masks": Entry("masks", ("text", "seed", "dim", "dk"), positions=True),
    "scaling": Entry("scaling", ("seed",)),
    "positions": Entry("positions", ("text", "seed", "dim"), positions=True),
    "bpe": Entry("bpe", ("text", "merges")),
    "cost": Entry("cost", ("seed", "max_n")),
    "backprop": Entry("backprop", ("text", "seed", "dim", "dk", "causal"), positions=True, max_dim=64),
    "forward": Entry("forward", ("text",)),  # the shipped course model: its sizes are its own
}


def walk_ids() -> list[str]:
    return list(REGISTRY)


def find_walkthrough(name: str, course) -> str:
    """The id of the walkthrough `name` names (id or title, typos forgiven); TutorError (exit 1) if none."""
    from llmtutor.course.lookup import best_match, suggestions
    from llmtutor.i18n import t

    spellings = [(walk_id, walk_id) for walk_id in REGISTRY]
    for info in course.walkthroughs:
        if info.id in REGISTRY:
            spellings += [(info.title.en, info.id), (info.title.zh, info.id)]
    found = best_match(name, spellings)
    if found is None:
        close = suggestions(name, spellings)
        hint = t("did_you_mean", names=", ".join(close)) if close else ""
        raise TutorError("walk_unknown", exit_code=1, name=name, hint=hint)
    return found


def options_for(walk_id: str, given: dict[str, object], lang: str) -> WalkOptions:
    """Defaults filled in for the options not given; TutorError (exit 2) for an option this walkthrough
    does not use or a value out of range."""
    entry = REGISTRY[walk_id]
    unused = [FLAGS[name] for name in given if name not in entry.options]
    if unused:
        usable = " ".join(FLAGS[name] for name in entry.options)
        raise TutorError("walk_option_unused", name=walk_id, options=" ".join(unused), usable=usable)
    values = {**DEFAULTS, "text": DEFAULT_TEXT.get(lang, DEFAULT_TEXT["en"]), **given}
    options = WalkOptions(**values)
    _check(options, entry)
    return options


def _check(options: WalkOptions, entry: Entry) -> None:
    if not 0 <= options.seed <= MAX_SEED:
        raise TutorError("seed_out_of_range", value=options.seed, limit=MAX_SEED)
    if not 2 <= options.dim <= entry.max_dim:
        raise TutorError("dim_out_of_range", value=options.dim, limit=entry.max_dim)
    if not 1 <= options.dk <= entry.max_dim:
        raise TutorError("walk_dk_out_of_range", value=options.dk, limit=entry.max_dim)
    if not 1 <= options.heads <= options.dim:
        raise TutorError("walk_heads_out_of_range", value=options.heads, dim=options.dim)
    if "heads" in entry.options and options.dim % options.heads:
        raise TutorError("heads_do_not_divide", d_model=options.dim, n_heads=options.heads)
    if entry.positions and options.dim % 2:
        raise TutorError("dim_must_be_even", d=options.dim)
    if not 0 <= options.merges <= MAX_MERGES:
        raise TutorError("walk_merges_out_of_range", value=options.merges, limit=MAX_MERGES)
    if not MIN_MAX_N <= options.max_n <= MAX_MAX_N:
        raise TutorError("walk_max_n_out_of_range", value=options.max_n, low=MIN_MAX_N, high=MAX_MAX_N)
    if "text" in entry.options:
        if entry.module == "bpe":
            bpe_words(options.text)
        elif entry.module == "forward":
            from llmtutor.model.text_model import load_text_model
            from llmtutor.walkthroughs.forward import text_tokens

            text_tokens(load_text_model(), options.text)
        else:
            from llmtutor.attention.tokenizer import tokenize

            tokenize(options.text, max_tokens=WALK_MAX_TOKENS)


def bpe_words(text: str) -> list[str]:
    """The learner's text split at whitespace, cleaned like the tokenizer's input (BPE's input)."""
    from llmtutor.attention.tokenizer import clean_text

    words = clean_text(text).split()
    if not words:
        raise TutorError("text_empty")
    length = sum(len(word) for word in words)
    if length > BPE_MAX_CHARACTERS:
        raise TutorError("walk_text_too_long", count=length, limit=BPE_MAX_CHARACTERS)
    return words


def read_next(course, walk_id: str) -> ReadNext:
    """The lessons and glossary terms content/walkthroughs.yaml names for this walkthrough."""
    info = course.walkthrough(walk_id)
    if info is None:
        return ReadNext()
    lessons = tuple((lesson.id, lesson.title) for lesson in map(course.lesson, info.lessons) if lesson)
    terms = tuple((term.id, term.name) for term in map(course.term, info.terms) if term)
    return ReadNext(lessons, terms)


def run(walk_id: str, given: dict[str, object], lang: str, course) -> Walkthrough:
    """Build the walkthrough `walk_id` with the options `given`, ending with a step naming what to read next."""
    options = options_for(walk_id, given, lang)
    module = importlib.import_module(f"llmtutor.walkthroughs.{REGISTRY[walk_id].module}")
    walkthrough: Walkthrough = module.build(options)
    info = course.walkthrough(walk_id)
    walkthrough.title = info.title if info else None
    walkthrough.next = read_next(course, walk_id)
    walkthrough.steps.append(Step(title=say("walk_next_title"), explanation=say("walk_next_text"),
                                  read_next=walkthrough.next))
    walkthrough.json["next"] = {"lessons": [lesson_id for lesson_id, _ in walkthrough.next.lessons],
                                "terms": [term_id for term_id, _ in walkthrough.next.terms]}
    return walkthrough
