"""Trainer's commands in the operator's language: their help, their messages and click's words around them.

Click writes a command's help (`--help`, a group's list of commands, the usage line of an error) before the
command runs: outside any request, and under `app.test_cli_runner` outside any application context. The
classes here parse and run every command, and write its help, inside the application's context with the
operator's language forced (trainer.i18n.operator_language): help texts marked with lazy_gettext and the
messages a command marks with gettext read in that language, click's own words around them (usage, headings,
the --help option, defaults) come from our catalogue, and so do click's error lines (trainer.cli_words).
A command needs nothing of its own for this: being one of these classes is enough.

Every group of trainer is a `CommandGroup`; its commands and subgroups take its classes. Parameters are
declared with `option(...)` and `argument(...)`, which keep a lazy help text lazy (click would otherwise
turn it into a plain English string when the module is imported).
"""
from __future__ import annotations

import contextlib
import functools

import click
from flask import has_app_context
from flask.cli import AppGroup, NoAppException, ScriptInfo
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from trainer import cli_words
from trainer.i18n import DEFAULT, operator_language

# The headings click writes, by their English words, as our catalogue says them.
HEADINGS = {"Usage": _l("Usage:"), "Options": _l("Options:"), "Commands": _l("Commands:"),
            "Positional arguments": _l("Positional arguments:")}


@contextlib.contextmanager
def in_operator_language(ctx: click.Context | None = None):
    """The application's context (pushed from the command line's ScriptInfo when none is active) with the
    operator's language forced, click's own words in that language too; English when no application can be
    found."""
    with contextlib.ExitStack() as stack:
        if not has_app_context():
            app = _application(ctx or click.get_current_context(silent=True))
            if app is None:
                cli_words.bind(DEFAULT)
                yield
                return
            stack.enter_context(app.app_context())
        code = operator_language()
        cli_words.bind(code)
        stack.enter_context(force_locale(code))
        yield


def _application(ctx: click.Context | None):
    info = ctx.find_object(ScriptInfo) if ctx is not None else None
    if info is None:
        return None
    try:
        return info.load_app()
    except NoAppException:
        return None


class HelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=f"{HEADINGS['Usage']} " if prefix is None else prefix)

    def write_dl(self, rows, *args, **kwargs) -> None:
        # lazy texts (the help option's) are read in the language forced while the help is written
        super().write_dl([tuple(str(column) for column in row) for row in rows], *args, **kwargs)

    def write_heading(self, heading: str) -> None:
        label = HEADINGS.get(heading)
        self.write(f"{'':>{self.current_indent}}{label if label is not None else heading + ':'}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class Command(click.Command):
    """A command that speaks the operator's language: its help, the parsing of its parameters (prompts, click's
    error lines) and its run, so that every message it writes is in that language."""
    context_class = Context

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        with in_operator_language(parent):
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):
        with in_operator_language(ctx):
            return super().invoke(ctx)

    def get_help(self, ctx: click.Context) -> str:
        with in_operator_language(ctx):
            return super().get_help(ctx)

    def get_usage(self, ctx: click.Context) -> str:
        with in_operator_language(ctx):
            return super().get_usage(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        with in_operator_language():
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _l("Show this message and exit.")
        return option


class CommandGroup(Command, AppGroup):
    """A group of trainer's commands (an AppGroup: its commands run in the application's context)."""
    command_class = Command
    group_class = type

    def group(self, *args, **kwargs):
        kwargs.setdefault("cls", type(self))
        return super().group(*args, **kwargs)


class LazyHelp:
    """A parameter whose help text is kept as given (a lazy string is translated when help is written)."""

    def __init__(self, *args, help=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.help = help


class Option(LazyHelp, click.Option):
    def prompt_for_value(self, ctx: click.Context):
        with in_operator_language(ctx):
            return super().prompt_for_value(ctx)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.hidden:
            return None
        extra = self.get_help_extra(ctx)
        notes = []
        if "envvars" in extra:
            notes.append(_("environment variable: %(names)s", names=", ".join(extra["envvars"])))
        if "default" in extra:
            notes.append(_("default: %(value)s", value=extra["default"]))
        if "range" in extra:
            notes.append(extra["range"])
        if "required" in extra:
            notes.append(_("required"))
        text = str(self.help or "")
        if notes:
            text = f"{text}  [{'; '.join(notes)}]" if text else f"[{'; '.join(notes)}]"
        return self.get_help_spec(ctx), text


class Argument(LazyHelp, click.Argument):
    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        return self.make_metavar(ctx), str(self.help or "")


option = functools.partial(click.option, cls=Option)
argument = functools.partial(click.argument, cls=Argument)
