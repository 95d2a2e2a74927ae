"""`llmtutor config`: settings kept with the learner's data (today: the language)."""

from typing import Optional

import typer

from llmtutor.cli.state import console
from llmtutor.errors import TutorError
from llmtutor.i18n import language, t

# command name → (function name, help key, epilog key); app.py registers what a run needs
COMMANDS = {
    "config": ("config", "help_config", "help_epilog_config"),
}
WORDED_IN = language()  # the language of the help texts below; app.py re-words them if it changes

RESET_WORDS = ("auto", "default", "none", "reset")


def config(
    key: Optional[str] = typer.Argument(None, metavar="[KEY]", help=t("help_arg_config_key")),
    value: Optional[str] = typer.Argument(None, metavar="[VALUE]", help=t("help_arg_config_value")),
) -> None:
    from llmtutor.render.safe_text import visible
    from llmtutor.settings import ALLOWED, read_settings, save_setting, settings_path

    out = console()
    saved = read_settings()
    if key is None:
        for name in ALLOWED:
            out.print(t("config_line", setting=name, value=saved.get(name, t("config_not_set"))))
        out.print(t("config_where", path=str(settings_path())), style="dim", soft_wrap=True)
        return
    name = key.strip().lower()
    if name not in ALLOWED:
        raise TutorError("config_unknown_key", exit_code=2, setting=visible(key), keys=", ".join(ALLOWED))
    if value is None:
        out.print(t("config_line", setting=name, value=saved.get(name, t("config_not_set"))))
        return
    wanted = value.strip().lower()
    if wanted not in ALLOWED[name] and wanted not in RESET_WORDS:
        raise TutorError("config_bad_value", exit_code=2, setting=name, value=visible(value),
                         allowed=", ".join(ALLOWED[name]))
    try:
        path = save_setting(name, None if wanted in RESET_WORDS else wanted)
    except OSError as err:
        raise TutorError("config_unwritable", exit_code=1, path=str(settings_path()),
                         detail=err.strerror or str(err)) from None
    if wanted in RESET_WORDS:
        out.print(t("config_unset", setting=name))
        return
    from llmtutor.i18n import message

    # confirmed in the language just chosen
    out.print(message("config_saved_" + name, wanted, value=wanted, path=str(path)), soft_wrap=True)
