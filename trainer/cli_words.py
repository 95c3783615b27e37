"""Click's own words in the operator's language: the lines it writes around a command's output ("Error: …",
"Try … for help.", "Missing argument …", "Aborted!") and its prompts' confirmations.

Click writes them through the standard library's gettext (`gettext.gettext` on the process's current domain,
"messages" unless a program changes it), in the language the environment names (LANGUAGE, LC_ALL,
LC_MESSAGES, LANG), as `trainer.i18n.operator_language` reads it. `bind` points that domain at trainer's
translations folder while trainer's command line speaks a language other than English, so that click finds
these words in trainer's compiled catalogue (translations/<language>/LC_MESSAGES/messages.mo). The words
below are the ones an operator can meet; click's other messages (mistakes in a program's own declarations,
shell completion, editors) are not marked and stay in English.
"""
from __future__ import annotations

import gettext as stdlib_gettext

DOMAIN = "messages"  # the standard library's default domain; trainer's compiled catalogues carry its name
_BEFORE = stdlib_gettext.bindtextdomain(DOMAIN)  # where the domain pointed before trainer bound it


def bind(code: str) -> None:
    """Click's words in language `code` from now on: from trainer's catalogues for a language other than
    English, as the standard library finds them otherwise."""
    from trainer import ROOT
    from trainer.i18n import DEFAULT

    stdlib_gettext.bindtextdomain(DOMAIN, str(ROOT / "translations") if code != DEFAULT else _BEFORE)


def gettext(message: str) -> str:
    """Marks one of click's messages for the catalogue; click translates it when it writes it."""
    return message


def ngettext(singular: str, plural: str, n: int = 1) -> str:
    """Marks one of click's messages with a plural for the catalogue."""
    return singular if n == 1 else plural


# Click's messages, exactly as click 8.5 spells them ({…} are click's own fields).
WORDS = (
    gettext("Error: {message}"),
    gettext("Try '{command} {option}' for help."),
    gettext("Aborted!"),
    gettext("Invalid value: {message}"),
    gettext("Invalid value for {param_hint}: {message}"),
    gettext("Missing argument"),
    gettext("Missing option"),
    gettext("Missing parameter"),
    gettext("Missing {param_type}"),
    gettext("Missing parameter: {param_name}"),
    gettext("Missing command."),
    gettext("No such option {name!r}."),
    gettext("No such command {name!r}."),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
    gettext("Option {name!r} does not take a value."),
    gettext("Argument {name!r} takes {nargs} values."),
    ngettext("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given.", 1),
    ngettext("{len_type} values are required, but {len_value} was given.",
             "{len_type} values are required, but {len_value} were given.", 1),
    gettext("unknown error"),
    gettext("Could not open file {filename!r}: {message}"),
    gettext("Repeat for confirmation"),
    gettext("Error: The two entered values do not match."),
    gettext("Error: invalid input"),
    gettext("Press any key to continue..."),
    gettext("Do you want to continue?"),
    gettext("Choose from:\n\t{choices}"),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
    ngettext("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.", 1),
    gettext("{value!r} is not a valid {number_type}."),
    gettext("{value} is not in the range {range}."),
    gettext("{value!r} is not a valid boolean. Recognized values: {states}"),
    gettext("{value!r} is not a valid UUID."),
    gettext("{name} {filename!r} does not exist."),
    gettext("{name} {filename!r} is a file."),
    gettext("{name} {filename!r} is a directory."),
    gettext("{name} {filename!r} is not readable."),
    gettext("{name} {filename!r} is not writable."),
    gettext("{name} {filename!r} is not executable."),
)
