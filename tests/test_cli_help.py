"""The help of trainer's commands (`flask --app wsgi certificates --help`, `... verify --help`, the list of
groups under `flask --help`) is written in the operator's language, as the commands' messages are: French
with LANGUAGE=fr, English with LANG=C. Every help text is a translatable string with French in the
catalogue, so that a new command or option cannot bring English help back."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask.cli import FlaskGroup
from flask_babel.speaklater import LazyString

from trainer import cli_help

CATALOGUE = Path(__file__).resolve().parent.parent / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
FRENCH = {"LANGUAGE": "fr", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C"}
GROUPS = ["api", "audit", "backup", "certificates", "curricula", "demo", "personnel", "readiness", "users"]


def _french() -> dict[str, str]:
    with CATALOGUE.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id and not m.fuzzy}


def _is_trainers(command: click.Command) -> bool:
    if isinstance(command, click.Group):
        return any(_is_trainers(sub) for sub in command.commands.values())
    return inspect.unwrap(command.callback).__module__.startswith("trainer.")


def _walk(command: click.Command, path: tuple[str, ...]):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, path + (name,))


def trainer_commands(app) -> dict[tuple[str, ...], click.Command]:
    return {path: command for name, group in app.cli.commands.items() if _is_trainers(group)
            for path, command in _walk(group, (name,))}


def _squeezed(text: str) -> str:
    """Text without its white space: click wraps help at any space and after a hyphen."""
    return re.sub(r"\s+", "", text)


def _first_command(group: click.Group) -> tuple[str, ...]:
    name, command = sorted(group.commands.items())[0]
    return (name,) + (_first_command(command) if isinstance(command, click.Group) else ())


def test_the_walk_finds_every_group_and_command(app):
    commands = trainer_commands(app)
    assert sorted(path[0] for path in commands if len(path) == 1) == GROUPS
    assert ("certificates", "verify") in commands and ("api", "token", "create") in commands
    assert ("openapi",) not in commands and len(commands) >= 25


def test_every_help_text_is_translatable_and_translated(app):
    french = _french()
    problems = []
    for path, command in trainer_commands(app).items():
        where = "flask " + " ".join(path)
        if not isinstance(command, cli_help.Command):
            problems.append(f"{where}: not a trainer.cli_help command, so its help is written in English")
        texts = [("help", command.help)]
        for param in command.params:
            texts.append((f"{param.human_readable_name} help", param.help))
            if isinstance(param, click.Option) and isinstance(param.prompt, str):
                texts.append((f"{param.human_readable_name} prompt", param.prompt))
        for label, text in texts:
            if not isinstance(text, LazyString):
                problems.append(f"{where}: {label} {text!r} is not marked with lazy_gettext")
            elif not french.get(text._args[0]):
                problems.append(f"{where}: {label} {text._args[0]!r} has no French in the catalogue")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("group", GROUPS)
def test_a_groups_help_and_its_commands_help_follow_the_operators_language(app, runner, group):
    french = _french()
    command_path = _first_command(app.cli.commands[group])
    command = app.cli.commands[group]
    for name in command_path:
        command = command.commands[name]
    for args, shown in ([group], app.cli.commands[group]), ([group, *command_path], command):
        english_help = shown.help._args[0]
        in_french = runner.invoke(args=[*args, "--help"], env=FRENCH)
        assert in_french.exit_code == 0, in_french.output
        assert in_french.output.startswith("Utilisation :")
        assert "Afficher ce message et quitter." in in_french.output
        assert _squeezed(french[english_help]) in _squeezed(in_french.output)
        assert _squeezed(english_help) not in _squeezed(in_french.output)
        assert "Show this message" not in in_french.output and "Options:" not in in_french.output

        in_english = runner.invoke(args=[*args, "--help"], env=ENGLISH)
        assert in_english.exit_code == 0, in_english.output
        assert in_english.output.startswith("Usage:") and "Show this message and exit." in in_english.output
        assert _squeezed(english_help) in _squeezed(in_english.output)
        assert "Utilisation" not in in_english.output


def test_certificates_help_in_french_lists_its_commands_and_explains_verify(runner):
    listing = runner.invoke(args=["certificates", "--help"], env=FRENCH).output
    assert "Vérifier hors ligne les certificats PDF et gérer les clés de signature." in listing
    assert "Commandes :" in listing and re.search(r"verify\s+Vérifier un certificat PDF", listing)
    assert "Verify certificate PDFs" not in listing

    verify = runner.invoke(args=["certificates", "verify", "--help"], env=FRENCH).output
    assert "Arguments positionnels :" in verify and "Le certificat PDF à vérifier." in verify
    assert "--keys FILE" in verify and "Un jeu de clés publiques" in verify
    assert "A public key set" not in verify

    english = runner.invoke(args=["certificates", "verify", "--help"], env=ENGLISH).output
    assert "Positional arguments:" in english and "The certificate PDF to check." in english


def test_option_defaults_and_prompts_are_in_the_operators_language(runner, db):
    seed = runner.invoke(args=["demo", "seed", "--help"], env=FRENCH).output
    assert "[par défaut : small]" in " ".join(seed.split())
    assert "default:" not in seed
    prompted = runner.invoke(args=["users", "create", "--name", "Chef", "--password", "a long phrase for the chief"],
                             input="chef\n", env=FRENCH)
    assert prompted.exit_code == 0, prompted.output
    assert prompted.output.startswith("Nom de compte") and "Compte chef créé" in prompted.output


def test_the_flask_command_lists_trainers_groups_in_the_operators_language(app):
    flask_command = FlaskGroup(create_app=lambda: app)
    listing = CliRunner().invoke(flask_command, ["--help"], env=FRENCH)
    assert listing.exit_code == 0, listing.output
    assert re.search(r"users\s+Gérer les comptes utilisateurs\.", listing.output)
    assert re.search(r"personnel\s+Dossiers du personnel\.", listing.output)
    assert "Manage user accounts." not in listing.output

    verify = CliRunner().invoke(flask_command, ["certificates", "verify", "--help"], env=FRENCH, prog_name="flask")
    assert verify.output.startswith("Utilisation : flask certificates verify") and "Le certificat PDF à vérifier." \
        in verify.output
    english = CliRunner().invoke(flask_command, ["--help"], env=ENGLISH)
    assert re.search(r"users\s+Manage user accounts\.", english.output)
