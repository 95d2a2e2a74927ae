"""`--help` in the learner's language: the parts of the page gathered from Click's objects.

Typer's own help keeps Click's words in English ("Usage", "Options", "Show this message and
exit.") and cuts Chinese option help short; `TutorGroup` and `TutorCommand` (in app.py) print
this instead. Imported only when help is shown.
"""

from __future__ import annotations

from llmtutor.i18n import label, t
from llmtutor.render.help import HelpEntry, HelpPage, HelpPanel, help_page

# Options Click and Typer add themselves, with texts of ours.
BUILT_IN_OPTION_HELP = {
    "help": "help_opt_help",
    "install_completion": "help_opt_install_completion",
    "show_completion": "help_opt_show_completion",
}


def gather_help(command, ctx) -> HelpPage:
    """The help page of a command or of the whole app (`command` is a Click command or group)."""
    params = [param for param in command.get_params(ctx) if not getattr(param, "hidden", False)]
    arguments = [param for param in params if param.param_type_name == "argument"]
    options = [param for param in params if param.param_type_name != "argument"]
    usage = [ctx.command_path, t("help_usage_options")]
    usage += [_argument_usage(param) for param in arguments]
    panels = [
        HelpPanel(t("help_panel_arguments"), [_argument_entry(param, ctx) for param in arguments]),
        HelpPanel(t("help_panel_options"), [_option_entry(param, ctx) for param in options]),
    ]
    if hasattr(command, "list_commands"):
        usage.append(t("help_usage_command"))
        panels += _command_panels(command, ctx)
    return HelpPage(label("help_usage"), " ".join(usage), (command.help or "").strip(), panels,
                    (command.epilog or "").strip())


def _argument_usage(param) -> str:
    name = _argument_name(param)
    return name if param.metavar or param.required else f"[{name}]"


def _argument_name(param) -> str:
    if param.metavar:  # written as it is used: "[TOPIC]..."
        return param.metavar
    name = (param.name or "").upper()
    return f"{name}..." if param.nargs != 1 else name


def _argument_entry(param, ctx) -> HelpEntry:
    return HelpEntry(_argument_name(param), "", "", (param.help or "").strip(), _notes(param, ctx))


def _option_entry(param, ctx) -> HelpEntry:
    long_names = [name for name in param.opts if name.startswith("--")]
    short_names = [name for name in param.opts if not name.startswith("--")]
    names = ", ".join(long_names)
    if param.secondary_opts == [f"--no-{name[2:]}" for name in long_names[:1]]:
        names = f"--[no-]{long_names[0][2:]}"  # --positions / --no-positions
    elif param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    value = "" if getattr(param, "is_flag", False) else param.make_metavar(ctx)
    key = BUILT_IN_OPTION_HELP.get(param.name or "")
    text = t(key) if key else (param.help or "")
    return HelpEntry(names, ", ".join(short_names), value, text.strip(), _notes(param, ctx))


def _notes(param, ctx) -> tuple[str, ...]:
    """`(default …)` and `(required)`, where they apply (the style of the texts that name their default)."""
    notes = []
    default = _shown_default(param, ctx)
    if default:
        notes.append(t("help_default", value=default))
    if param.required:
        notes.append(t("help_required"))
    return tuple(notes)


def _shown_default(param, ctx) -> str:
    if not (getattr(param, "show_default", False) or ctx.show_default):
        return ""
    default = param.get_default(ctx, call=False)
    if default is None or callable(default) or default == () or default == []:
        return ""
    if getattr(param, "is_flag", False):
        if not param.secondary_opts:
            return ""
        chosen = param.opts[0] if default else param.secondary_opts[0]
        return chosen.lstrip("-")
    return str(getattr(default, "value", default))


def _command_panels(group, ctx) -> list[HelpPanel]:
    panels: dict[str, list[HelpEntry]] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        title = getattr(command, "rich_help_panel", None) or t("help_panel_commands")
        summary = (command.help or "").strip().split("\n\n")[0]
        panels.setdefault(title, []).append(HelpEntry(name, "", "", summary))
    return [HelpPanel(title, entries, is_commands=True) for title, entries in panels.items()]


def print_help(command, ctx) -> None:
    from llmtutor.cli.state import console

    console().print(help_page(gather_help(command, ctx)))
