"""Every string a user sees is marked for translation, and the French catalogue translates all of them.

Templates: text between tags and the user-visible attributes (title, aria-label, placeholder, alt) must
come from `_()` / `{% trans %}`. Python: the messages of domain errors, flash messages, form labels,
descriptions and validation messages must be gettext calls (`_` at request time, `_l` for module-level
constants). Names, codes and data come from the database and are not translated.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
PYTHON = sorted((ROOT / "trainer").rglob("*.py"))
CATALOGUE = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# Words that read the same in every language of the interface: the product's name, the HSEEP rating letters
# (kept beside their French definitions), acronyms and formats.
SAME_IN_EVERY_LANGUAGE = {
    "trainer", "P", "S", "M", "U", "HSEEP", "MSEL", "AAR", "IP", "ENDEX", "UTC", "CSV", "XLSX", "PDF", "ICS", "QR",
    "ISO", "JSON", "OK", "ID", "YYYY", "MM", "DD", "HH", "SMTP", "URL", "OIDC", "SSO", "PKI", "HR", "CT", "CORE", "MNX",
}
VISIBLE_ATTRIBUTES = re.compile(r'\b(title|aria-label|placeholder|alt)="([^"{]*)"')
TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*")



def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


JINJA = re.compile(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}|{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def _blank(match: re.Match) -> str:
    """A Jinja construct replaced by a neutral token of the same line count (an expression's output is data
    or already translated)."""
    return "\u2060" + "\n" * match.group(0).count("\n")


def template_problems(path: Path) -> list[str]:
    source = SCRIPT.sub(lambda m: "\n" * m.group(0).count("\n"), JINJA.sub(_blank, path.read_text(encoding="utf-8")))
    problems = []
    text = source
    chunks = [(m.start(), m.group(2)) for m in VISIBLE_ATTRIBUTES.finditer(text)]
    stripped = TAG.sub(lambda m: " " * len(m.group(0).replace("\n", "")) + "\n" * m.group(0).count("\n"), text)
    for number, line in enumerate(stripped.splitlines(), 1):
        words = _words(line)
        if words:
            problems.append(f"line {number}: {' '.join(words)[:80]!r}")
    for position, value in chunks:
        words = _words(value)
        if words:
            problems.append(f"line {text.count(chr(10), 0, position) + 1}: attribute {' '.join(words)[:80]!r}")
    return problems


def _words(chunk: str) -> list[str]:
    chunk = re.sub(r"&[a-z]+;|&#\d+;", " ", chunk)
    return [w for w in WORD.findall(chunk) if w not in SAME_IN_EVERY_LANGUAGE]


def _params(paths):
    return [pytest.param(p, id=_rel(p)) for p in paths]


@pytest.mark.parametrize("path", _params(TEMPLATES))
def test_templates_show_only_translated_text(path):
    problems = template_problems(path)
    assert not problems, f"{_rel(path)} holds text not marked for translation:\n" + "\n".join(problems)


# Python calls whose string arguments a user reads.
MESSAGE_CALLS = {"flash", "Invalid", "NotFound", "Forbidden", "Conflict", "DomainError", "TooManyAttempts",
                 "ValidationError", "Throttled"}
FIELD_CALLS = re.compile(r".*(Field|Length|DataRequired|InputRequired|Optional|NumberRange|Email|Regexp|AnyOf)$")
TRANSLATING = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _literal_strings(node) -> list[ast.Constant]:
    """String literals in an argument that are not inside a translating call."""
    found = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        found.append(node)
    elif isinstance(node, ast.JoinedStr):
        found.append(node)
    elif isinstance(node, ast.Call) and _callee(node) in TRANSLATING:
        pass
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            found += _literal_strings(element)
    elif isinstance(node, ast.BinOp):
        found += _literal_strings(node.left) + _literal_strings(node.right)
    return found


def python_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        arguments = []
        if name in MESSAGE_CALLS:
            arguments = node.args[:1] + [k.value for k in node.keywords if k.arg in ("message", "errors", "description")]
            for keyword in node.keywords:
                if keyword.arg == "errors" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    # (field name, message) pairs: only the message is read by a person
                    arguments.remove(keyword.value)
                    arguments += [e.elts[1] for e in keyword.value.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
        elif FIELD_CALLS.match(name):
            arguments = node.args[:1] + [k.value for k in node.keywords if k.arg in ("label", "description", "message")]
        for argument in arguments:
            for literal in _literal_strings(argument):
                text = literal.value if isinstance(literal, ast.Constant) else ast.unparse(literal)
                if WORD.search(text or ""):
                    problems.append(f"line {literal.lineno}: {name}({text[:60]!r})")
    return problems


@pytest.mark.parametrize("path", _params(PYTHON))
def test_python_marks_what_users_read_for_translation(path):
    problems = python_problems(path)
    assert not problems, f"{_rel(path)} has user-visible strings not marked for translation:\n" + "\n".join(problems)


def test_the_french_catalogue_translates_every_marked_string():
    extracted = {message for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map=[("trainer/**.py", "python"), ("templates/**.html", "jinja2")],
        keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)})}
    extracted = {m if isinstance(m, str) else m[0] for m in extracted}
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    missing = sorted(m for m in extracted if m not in catalogue)
    untranslated = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                          if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string))))
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert not missing, f"{len(missing)} marked strings are not in the French catalogue (make translations-update):\n" + \
        "\n".join(missing[:40])
    assert not untranslated, f"{len(untranslated)} untranslated entries:\n" + "\n".join(untranslated[:40])
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries:\n" + "\n".join(fuzzy[:40])
