"""Click's usage errors (unknown option, missing or bad value, extra argument), worded by us.

The Click that Typer bundles writes them in English only; this reads what went wrong from
the exception (its class and attributes, and the few fixed sentences Click's types use) and
says it in the learner's language. Anything not recognised keeps Click's own words.
"""

from __future__ import annotations

import re

from llmtutor.i18n import t

# The sentences of Typer's bundled Click (typer/_click) that we re-word
NEEDS_VALUES = re.compile(r"^Option '.+' requires (?:an argument|(?P<count>\d+) arguments)\.$")
EXTRA_ARGUMENTS = re.compile(r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$", re.S)
NOT_A_NUMBER = re.compile(r"^(?P<value>'.*') is not a valid (?P<kind>int|integer|float)\.$", re.S)


def usage_error_text(err) -> str:
    """One sentence for a Click usage error, in the current language."""
    kind = type(err).__name__
    if kind == "NoSuchOption":
        close = ", ".join(sorted(err.possibilities or []))
        return t("usage_no_such_option", name=err.option_name) + (t("did_you_mean", names=close) if close else "")
    if kind == "MissingParameter":
        key = "usage_missing_argument" if _param_type(err) == "argument" else "usage_missing_option"
        return t(key, name=_hint(err))
    if kind in ("BadParameter", "BadArgumentUsage") and (err.param is not None or err.param_hint):
        return t("usage_bad_value", name=_hint(err), detail=_detail(err.message))
    needs = NEEDS_VALUES.match(err.message) if kind == "BadOptionUsage" else None
    if needs:
        count = needs.group("count")
        return t("usage_option_needs_values", name=err.option_name, count=count) if count else \
            t("usage_option_needs_value", name=err.option_name)
    extra = EXTRA_ARGUMENTS.match(err.message)
    if extra:
        return t("usage_extra_arguments", args=extra.group("args"))
    return err.format_message()


def _param_type(err) -> str:
    return err.param_type or (err.param.param_type_name if err.param is not None else "")


def _hint(err) -> str:
    hint = err.param_hint if err.param_hint is not None else err.param.get_error_hint(err.ctx)
    return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)


def _detail(message: str) -> str:
    """Click's sentence about a bad value, in the current language when it is a known one."""
    number = NOT_A_NUMBER.match(message)
    if number:
        kind = "usage_not_a_float" if number.group("kind") == "float" else "usage_not_an_integer"
        return t(kind, value=number.group("value"))
    return message
