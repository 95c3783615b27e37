"""Every trainer command speaks the operator's language, not only its help: its messages, its prompts and
click's own lines around them ("Error: …", "Try … for help.", "Aborted!"). For each group, a real run with
LANGUAGE=fr reads French and with LANG=C reads English; and a French run that lets an English sentence
through fails, whatever command it comes from. What a command prints for programs (JSON, ids, paths) is
not a sentence to translate; the problems found in curriculum files are, around the data they quote (a file,
a key, the YAML parser's own message)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir

from trainer import cli_words

ROOT = Path(__file__).resolve().parent.parent
FRENCH = {"LANGUAGE": "fr", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "TRAINER_BACKUP_PASSPHRASE": ""}
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C", "TRAINER_BACKUP_PASSPHRASE": ""}

# Words of English sentences that are not French words: a French run that prints one of them let English through.
ENGLISH_WORDS = {
    "the", "and", "of", "is", "are", "was", "were", "not", "no", "with", "from", "to", "for", "this", "that", "be",
    "been", "has", "have", "cannot", "could", "would", "should", "there", "in", "at", "by", "it", "its", "found",
    "missing", "try", "help", "aborted", "error", "invalid", "value", "nothing", "imported", "problem", "problems",
    "row", "column", "checking", "failed", "verified", "keys", "key", "passphrase", "backup", "backed", "database",
    "rebuilt", "reminders", "none", "new", "account", "accounts", "yet", "command", "such", "repeat", "wrong", "keep",
    "restored", "events", "chain", "intact", "checkpoints", "agree", "signed", "token", "read", "write", "never",
}
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|«[^»\n]*»|“[^”\n]*”")
WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*")


def english_in(output: str, data: tuple[str, ...] = ()) -> list[str]:
    """The English words of `output`, once the data it shows is set aside: the given values (paths, names),
    quoted values, and tokens holding a path, a dot, an underscore or a digit (file names, codes, ids)."""
    for value in sorted(data, key=len, reverse=True):
        output = output.replace(value, " ")
    output = QUOTED.sub(" ", output)
    words = []
    for token in output.split():
        if re.search(r"[/._\d@=`]", token):
            continue
        words += [w for w in WORD.findall(token) if w.lower() in ENGLISH_WORDS]
    return words


def test_the_detector_finds_english_and_lets_french_and_data_through():
    assert english_in("Error: Missing argument 'FILE'.") == ["Error", "Missing"]
    assert english_in("Checking /tmp/x/bad.pdf") == ["Checking"]
    assert english_in("Erreur : Argument manquant : 'FILE'.") == []
    assert english_in("Sauvegarde de /tmp/the_file.backup (UN-PDT-MIL, key_id=abc123) terminée.") == []


@pytest.fixture
def files(tmp_path):
    from pypdf import PdfWriter

    bad_pdf = tmp_path / "not-a-certificate.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with bad_pdf.open("wb") as handle:
        writer.write(handle)
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("code: [BROKEN\nmodules: {\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("nation,service_number,colour\nNPL,1,blue\n", encoding="utf-8")
    return {"pdf": str(bad_pdf), "pack": str(pack), "roster": str(roster), "backup": str(tmp_path / "new.backup"),
            "tmp": str(tmp_path)}


# What PyYAML says of the broken pack: a library's message, quoted as it is inside the translated problem.
YAML_PARSER_SAYS = "expected ',' or ']', but got ':'"

# group -> (arguments, input, what the French run shows, what the English run shows)
RUNS = {
    "certificates": (["certificates", "verify", "{pdf}"], None, ["Vérification de", "NON VÉRIFIÉ"],
                     ["Checking", "NOT VERIFIED"]),
    "certificates-usage": (["certificates", "verify"], None, ["Erreur : Argument manquant : 'PDF_FILE'.",
                                                              "pour obtenir de l’aide"],
                           ["Error: Missing argument 'PDF_FILE'.", "for help."]),
    "curricula": (["curricula", "validate", "{pack}"], None, ["erreur YAML :", "1 problème trouvé."],
                  ["YAML error:", "1 problem found."]),
    "readiness": (["readiness", "rebuild"], None, ["reconstruits"], ["Rebuilt"]),
    "readiness-date": (["readiness", "remind", "--date", "tomorrow"], None, ["Valeur non valide pour --date"],
                       ["Invalid value for --date"]),
    "personnel": (["personnel", "import", "{roster}"], None, ["ligne 1, colonne colour", "rien n’a été importé"],
                  ["row 1, column colour", "nothing was imported"]),
    "backup": (["backup", "create", "{backup}"], "", ["Phrase secrète de la sauvegarde", "Abandon."],
               ["Backup passphrase", "Aborted!"]),
    "backup-restore": (["backup", "restore", "{pdf}"], "a passphrase\n",
                       ["rien n’a été restauré", "n’est pas une sauvegarde de trainer"],
                       ["not restored", "this is not a trainer backup file"]),
    "audit": (["audit", "verify"], None, ["chaîne intacte"], ["chain intact"]),
    "demo": (["demo", "logins"], None, ["Aucun compte pour l’instant."], ["No accounts yet."]),
    "users": (["users", "create", "--username", "chef", "--role", "general", "--password", "x"], None,
              ["Valeur non valide pour '--role'"], ["Invalid value for '--role'"]),
    "api": (["api", "token", "create", "nobody"], None, ["Erreur : Aucun compte 'nobody'."],
            ["Error: There is no account 'nobody'."]),
}


BEFORE = {"certificates": [["certificates", "rotate-key"]]}


@pytest.mark.parametrize("case", sorted(RUNS))
def test_a_command_of_every_group_speaks_french_with_language_fr_and_english_with_lang_c(runner, db, files, case):
    arguments, given, french, english = RUNS[case]
    args = [a.format(**files) for a in arguments]
    data = tuple(files.values()) + ("PDF_FILE", "--date", "--role", "--help", "nobody", "chef", "general", "colour",
                                    "BROKEN", YAML_PARSER_SAYS)

    for before in BEFORE.get(case, ()):
        assert runner.invoke(args=before, env=ENGLISH).exit_code == 0
    in_french = runner.invoke(args=args, env=FRENCH, input=given)
    for text in french:
        assert text in in_french.output, in_french.output
    assert not english_in(in_french.output, data), f"English in a French run of {' '.join(arguments)}:\n{in_french.output}"

    in_english = runner.invoke(args=args, env=ENGLISH, input=given)
    for text in english:
        assert text in in_english.output, in_english.output
    assert english_in(in_english.output, data), in_english.output
    assert in_english.exit_code == in_french.exit_code


def test_a_backup_and_its_summary_are_in_the_operators_language(runner, db, make_person, tmp_path):
    make_person()
    db.session.commit()
    target = tmp_path / "trainer.backup"
    env = {**FRENCH, "TRAINER_BACKUP_PASSPHRASE": "a long passphrase kept apart"}
    created = runner.invoke(args=["backup", "create", str(target)], env=env)
    assert created.exit_code == 0, created.output
    assert "1 personne" in created.output and "sauvegardés dans" in created.output
    assert "Conservez la phrase secrète à part du fichier" in created.output
    assert not english_in(created.output, (str(target),)), created.output

    again = runner.invoke(args=["backup", "create", str(target)], env=env)
    assert again.exit_code == 1 and "existe déjà : choisissez un nouveau nom de fichier" in again.output
    english = runner.invoke(args=["backup", "create", str(target)], env={**env, "LANGUAGE": "", "LANG": "C"})
    assert "Error:" in english.output and "already exists" in english.output


def test_the_prompt_for_a_new_backups_passphrase_asks_twice_in_french(runner, db, tmp_path):
    result = runner.invoke(args=["backup", "create", str(tmp_path / "b.backup")], env=FRENCH,
                           input="first phrase\nsecond phrase\n")
    assert "Phrase secrète de la sauvegarde" in result.output
    assert "Répétez la phrase secrète de la sauvegarde" in result.output
    assert "Erreur : les deux valeurs saisies ne concordent pas." in result.output
    assert "Repeat" not in result.output


# --- what the commands' code may print --------------------------------------------------------------------------

CLI_MODULES = sorted(ROOT.glob("trainer/*/cli.py")) + sorted((ROOT / "trainer" / "backup").glob("*.py"))
PRINTING = {"echo", "secho", "prompt", "confirm", "ClickException", "BadParameter", "UsageError", "BackupError", "fail"}
LETTERS = re.compile(r"[A-Za-z]{2,}")


def _untranslated(node) -> list[str]:
    """Literal text in a printed argument (the constant parts of an f-string); a call's result (gettext, json.dumps,
    str) is not literal text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if LETTERS.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant) and LETTERS.search(v.value)]
    if isinstance(node, ast.BinOp):
        return _untranslated(node.left) + _untranslated(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated(node.body) + _untranslated(node.orelse)
    return []


def printed_english(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in PRINTING:
                arguments = node.args[:1] + [k.value for k in node.keywords if k.arg in ("message", "text")]
                problems += [f"line {node.lineno}: {name}({text!r})" for a in arguments for text in _untranslated(a)]
    return problems


def test_the_linter_catches_english_printed_by_a_command(tmp_path):
    sample = tmp_path / "cli.py"
    sample.write_text('click.echo(f"Backed up {n} files")\nraise click.ClickException("no such file")\n'
                      'click.echo(_("Fine"))\nclick.echo(json.dumps(x))\nclick.echo(f"  {a:<20} {b}")\n')
    assert printed_english(sample) == ["line 1: echo('Backed up ')", "line 1: echo(' files')",
                                       "line 2: ClickException('no such file')"]


@pytest.mark.parametrize("path", CLI_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_commands_print_only_translated_sentences(path):
    problems = printed_english(path)
    assert not problems, f"{path.relative_to(ROOT)} prints English not marked for translation:\n" + "\n".join(problems)


# --- click's own words --------------------------------------------------------------------------------------------

def test_the_click_words_in_our_catalogue_are_spelled_as_click_writes_them():
    """A click upgrade that rewords a message makes its French silently unused: this test notices."""
    clicks = _messages(Path(click.__file__).parent, [("**.py", "python")], {"_": None, "ngettext": (1, 2)})
    ours = _messages(ROOT / "trainer", [("cli_words.py", "python")], {"gettext": None, "ngettext": (1, 2)})
    assert len(ours) == len(cli_words.WORDS) and ours <= clicks, sorted(ours - clicks, key=str)


def _messages(folder: Path, method_map, keywords) -> set:
    return {message if isinstance(message, str) else tuple(message)
            for _file, _line, message, _comments, _context in extract_from_dir(str(folder), method_map=method_map,
                                                                              keywords=keywords)}


def test_click_words_follow_the_operator_and_go_back_to_english(runner, db):
    missing = ["personnel", "import"]
    assert "Erreur : Argument manquant : 'PATH'." in runner.invoke(args=missing, env=FRENCH).output
    english = runner.invoke(args=missing, env=ENGLISH).output
    assert "Error: Missing argument 'PATH'." in english and "Try '" in english
    assert "Erreur" not in runner.invoke(args=missing, env={**FRENCH, "LANGUAGE": "de"}).output


def test_a_language_the_instance_does_not_offer_leaves_every_word_in_english(app, runner, db):
    app.config["LANGUAGES"] = "en"
    result = runner.invoke(args=["readiness", "remind", "--date", "tomorrow"], env=FRENCH)
    assert "Error: Invalid value for --date: Enter the date as YYYY-MM-DD." in result.output, result.output
