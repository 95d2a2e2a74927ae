"""The Typer application: global options, error handling, and the command list.

Commands live in the other `cli` modules as thin functions: parse, call the core, render.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Optional


import typer
from typer.core import TyperCommand, TyperGroup

from llmtutor.errors import TutorError
from llmtutor.i18n import LANGUAGES, label, language, set_language, t

GLOBAL_OPTIONS_WITH_VALUE = ("--lang", "--content-dir")


def _click_exception_class() -> type:
    """Click's ClickException, whether typer vendors click or depends on it."""
    return next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")


class TutorGroup(TyperGroup):
    """Global options anywhere on the line, one-line errors, Ctrl-C as a normal way out."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from llmtutor.cli import output

        output.reset()
        click_exception = _click_exception_class()
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except TutorError as err:
            report_error(err)
            code = err.exit_code
        except click_exception as err:
            report_usage_error(err)
            code = err.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            code = 130
        except Exception as err:  # a bug: say so in one line, keep the details in a file
            if os.environ.get("LLMTUTOR_DEBUG"):
                raise
            report_internal_error(err)
            code = 70
        sys.exit(_settle_output(code if isinstance(code, int) else 0))

    def format_help(self, ctx: typer.Context, formatter) -> None:
        from llmtutor.cli.help import print_help

        print_help(self, ctx)

    def get_help_option(self, ctx: typer.Context):
        return _printing_help(self, super().get_help_option(ctx))

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _global_options_first(args))

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from llmtutor.course.lookup import suggestions

            close = suggestions(name, ((cmd, cmd) for cmd in self.list_commands(ctx)))
            hint = t("did_you_mean", names=", ".join(close)) if close else ""
            raise TutorError("unknown_command", exit_code=2, name=name, hint=hint)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: typer.Context):
        from llmtutor.cli.state import SESSION

        try:
            return super().invoke(ctx)
        except TutorError as err:
            report_error(err)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            _leave_quietly(ctx)
        except EOFError:
            _leave_quietly(ctx)
        finally:
            SESSION.close()


class TutorCommand(TyperCommand):
    """A command whose --help is ours: in the learner's language, Chinese wrapped whole."""

    def format_help(self, ctx: typer.Context, formatter) -> None:
        from llmtutor.cli.help import print_help

        print_help(self, ctx)

    def get_help_option(self, ctx: typer.Context):
        return _printing_help(self, super().get_help_option(ctx))


def _printing_help(command, option):
    """--help that prints our page and stops, without Click echoing (an empty) text after it: that
    write would meet a pipe already closed by its reader (`--help | head -1`) and exit 1."""
    if option is not None:
        def show_help(ctx, param, value):
            if value and not ctx.resilient_parsing:
                command.format_help(ctx, None)
                ctx.exit(0)

        option.callback = show_help
    return option


def _settle_output(code: int) -> int:
    """The exit status once the output is flushed: a write that failed (other than a pipe its
    reader closed, which is a normal way to stop reading) is one line on stderr and exit 1."""
    from llmtutor.cli import output

    failure = output.settle()
    if output.was_hung_up():  # the terminal was closed: stopped, as with Ctrl-C
        return 130 if code == 0 else code
    if failure and code == 0:
        report_error(TutorError("output_failed", exit_code=1, detail=failure))
        return 1
    return code


def _leave_quietly(ctx: typer.Context) -> None:
    from llmtutor.cli.state import error_console

    error_console().print("\n" + t("interrupted"), style="dim", soft_wrap=True)
    ctx.exit(130)


def report_error(err: TutorError) -> None:
    from rich.text import Text

    from llmtutor.cli.state import print_message

    line = Text(label("error_prefix"), style="bold red")
    line.append(t(err.key, **err.params))
    print_message(line)


def report_internal_error(err: Exception) -> None:
    import traceback

    from rich.text import Text

    from llmtutor.cli.state import error_console
    from llmtutor.course.cache import cache_dir
    from llmtutor.files import write_atomically

    where = cache_dir() / "last-error.txt"
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(where, "".join(traceback.format_exception(err)).encode("utf-8"))
    except OSError:
        where = None
    line = Text(label("error_prefix"), style="bold red")
    line.append(t("internal_error", kind=type(err).__name__, detail=str(err)[:200], path=str(where or "-")))
    error_console().print(line, soft_wrap=True)


def report_usage_error(err) -> None:
    """Click's usage errors (unknown option, bad value, missing argument) as one line."""
    from rich.text import Text

    from llmtutor.cli.state import print_message
    from llmtutor.cli.usage_errors import usage_error_text
    from llmtutor.render.safe_text import shown

    ctx = getattr(err, "ctx", None)
    if ctx is not None:
        command = ctx.command_path
    else:  # Click's option parser raises without a context: name the command from the line
        named = _commands_for(sys.argv[1:])
        command = f"llmtutor {named[0]}" if len(named) == 1 else "llmtutor"
    line = Text(label("error_prefix"), style="bold red")
    line.append(shown(usage_error_text(err).replace("\n", " "), 400))
    line.append(("" if language() == "zh" else " ") + t("see_help", command=command), style="dim")
    print_message(line)


def _global_options_first(args: list[str]) -> list[str]:
    """Move `--lang X` / `--content-dir D` found after the command name to the front."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS_WITH_VALUE:
            if "=" in arg:
                front.append(arg)
            elif index + 1 == len(args):  # `lessons --content-dir`: never take a word before it as its value
                raise TutorError("usage_option_needs_value", exit_code=2, name=arg)
            else:
                front += args[index:index + 2]
                index += 1
        else:
            rest.append(arg)
        index += 1
    return front + rest


def _choose_language(value: Optional[str]) -> Optional[str]:
    if value is not None and value.strip().lower() not in LANGUAGES:
        set_language(None)
        raise typer.BadParameter(t("bad_language", value=value))
    set_language(value.strip().lower() if value else None)
    return value


# Which module defines each command; a run that names one command registers only that one.
COMMAND_MODULES = {
    "lessons": "course_commands", "learn": "course_commands", "explain": "course_commands",
    "search": "course_commands",
    "attention": "attention_commands", "walk": "walk_commands", "train": "train_commands",
    "generate": "generate_commands",
    "quiz": "quiz_commands", "review": "quiz_commands", "progress": "quiz_commands", "export": "quiz_commands",
    "next": "quiz_commands",
    "validate": "course_commands", "config": "config_commands",
}


# The groups commands are listed under in --help.
COMMAND_PANELS = {
    "lessons": "panel_learn", "learn": "panel_learn", "explain": "panel_learn", "search": "panel_learn",
    "next": "panel_practice", "config": "panel_settings",
    "attention": "panel_explore", "walk": "panel_explore", "train": "panel_explore", "generate": "panel_explore",
    "quiz": "panel_practice", "review": "panel_practice", "progress": "panel_practice", "export": "panel_practice",
    "validate": "panel_authors",
}


def _commands_for(argv: list[str] | None) -> list[str]:
    """The commands to register for this command line (all of them for help or a typo)."""
    if argv is None:
        return list(COMMAND_MODULES)
    try:
        words = _global_options_first(list(argv))
    except TutorError:  # worded when the line is parsed
        return list(COMMAND_MODULES)
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 1 if "=" in words[index] or words[index] not in GLOBAL_OPTIONS_WITH_VALUE else 2
    if index >= len(words):
        # No command: the home screen (or --version) needs none registered, help and shell
        # completion need them all.
        completing = any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)
        asks_help = any(word in ("-h", "--help") or word.startswith("--show-completion")
                        or word.startswith("--install-completion") for word in words)
        return list(COMMAND_MODULES) if completing or asks_help else []
    if words[index] not in COMMAND_MODULES:
        return list(COMMAND_MODULES)
    return [words[index]]


def _command_module(name: str):
    """A command module, its help texts in the current language.

    They are worded when the module is imported; a process that changes language (tests, a
    notebook) gets the module run again.
    """
    module = importlib.import_module(f"llmtutor.cli.{name}")
    if module.WORDED_IN != language():
        module = importlib.reload(module)
    return module


def create_app(argv: list[str] | None = None) -> typer.Typer:
    """Build the app; help texts are written in the language already chosen.

    With `argv`, only the module of the command it names is imported (start-up time).
    """
    app = typer.Typer(cls=TutorGroup, help=t("app_help"), no_args_is_help=False, add_completion=True,
                      context_settings={"help_option_names": ["-h", "--help"]},
                      pretty_exceptions_enable=False)

    @app.callback(invoke_without_command=True, epilog=t("help_epilog_main"))
    def main(
        ctx: typer.Context,
        lang: Optional[str] = typer.Option(None, "--lang", help=t("help_opt_lang"), metavar="zh|en",
                                           is_eager=True, callback=_choose_language),
        content_dir: Optional[list[str]] = typer.Option(None, "--content-dir", help=t("help_opt_content_dir"),
                                                         metavar="DIR"),
        version: bool = typer.Option(False, "--version", help=t("help_opt_version")),
    ) -> None:
        from llmtutor import __version__
        from llmtutor.cli.state import SESSION, console

        if version:
            console().print(f"llmtutor {__version__}")
            raise typer.Exit(0)
        SESSION.reset(list(content_dir or []))
        from llmtutor.i18n import ignored_language

        if ignored_language():
            from llmtutor.cli.state import warn
            from llmtutor.render.safe_text import visible

            warn(t("env_lang_ignored", value=visible(ignored_language())))
        if ctx.invoked_subcommand is None:  # the home screen's module is imported only for it
            _command_module("course_commands").home()

    for name in _commands_for(argv):
        module = _command_module(COMMAND_MODULES[name])
        function, help_key, epilog_key = module.COMMANDS[name]
        app.command(name, cls=TutorCommand, help=t(help_key), epilog=t(epilog_key),
                    rich_help_panel=t(COMMAND_PANELS[name]))(getattr(module, function))
    return app


def _language_from_argv(argv: list[str]) -> Optional[str]:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def app_for(argv: list[str]) -> typer.Typer:
    """The app for this command line, its help written in the language the line asks for."""
    wanted = _language_from_argv(argv)
    set_language(wanted.strip().lower() if wanted and wanted.strip().lower() in LANGUAGES else None)
    return create_app(argv)


def run() -> None:
    """Console-script entry point."""
    import signal

    from llmtutor.cli.output import hang_up, tolerant_stdin

    tolerant_stdin()
    if hasattr(signal, "SIGHUP"):  # a closed terminal ends the tutor like Ctrl-C, answers kept
        signal.signal(signal.SIGHUP, hang_up)
    app = app_for(sys.argv[1:])
    try:
        app(prog_name="llmtutor")
    except TutorError as err:  # raised while parsing, before any command ran
        report_error(err)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
