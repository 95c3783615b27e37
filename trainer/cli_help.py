"""The help of trainer's commands in the operator's language.

Click writes a command's help (`--help`, a group's list of commands, the usage line of an error) before the
command runs: outside any request, and under `app.test_cli_runner` outside any application context. The
classes here write it inside the application's context with the operator's language forced
(trainer.i18n.operator_language), so that help texts marked with lazy_gettext read in that language, and
click's own words around them (usage, headings, the --help option, defaults) come from our catalogue too.

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

from trainer.i18n import operator_language

# The headings click writes, by their English words, as our catalogue says them.
HEADINGS = {"Usage": _l("Usage:"), "Options": _l("Options:"), "Commands": _l("Commands:"),
            "Positional arguments": _l("Positional arguments:")}


@contextlib.contextmanager
def in_operator_language(ctx: click.Context | None = None):
    """The application's context (pushed from the command line's ScriptInfo when none is active) with the
    operator's language forced; English when no application can be found."""
    with contextlib.ExitStack() as stack:
        if not has_app_context():
            ctx = ctx or click.get_current_context(silent=True)
            info = ctx.find_object(ScriptInfo) if ctx is not None else None
            if info is None:
                yield
                return
            try:
                app = info.load_app()
            except NoAppException:
                yield
                return
            stack.enter_context(app.app_context())
        stack.enter_context(force_locale(operator_language()))
        yield


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
    """A command whose help is written in the operator's language."""
    context_class = Context

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
