"""The code's shape, as docs/architecture.md describes it: each rule has one home, and these tests
fail when a change puts one somewhere else."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TRAINER = Path(__file__).resolve().parent.parent / "trainer"
SOURCES = sorted(p for p in TRAINER.rglob("*.py"))


def _rel(path: Path) -> str:
    return str(path.relative_to(TRAINER.parent))


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.parent.name == "views"


VIEW_MODULES = [p for p in SOURCES if _is_view_module(p)]

# Modules still being brought into shape: each is expected to fail its check (strictly, so that the entry
# must be removed the moment the module complies). Empty when the work is done.
NOT_YET = {
    "views": set(),
    "length": set(),
}


def _params(paths, check):
    return [pytest.param(p, id=_rel(p), marks=[pytest.mark.xfail(strict=True, reason="not yet in shape")]
                         if _rel(p) in NOT_YET[check] else []) for p in paths]


def test_the_view_modules_are_found():
    assert len(VIEW_MODULES) >= 10


@pytest.mark.parametrize("path", _params(VIEW_MODULES, "views"))
def test_views_leave_transactions_and_queries_to_the_boundary_and_the_services(path):
    """A view parses, calls a service, renders: it neither commits nor rolls back (the request
    boundary does) and runs no query of its own (services own every read, through the scoping helper)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sqlalchemy":
            problems.append(f"line {node.lineno}: imports from {node.module}")
        if isinstance(node, ast.Import):
            problems += [f"line {node.lineno}: imports {alias.name}" for alias in node.names
                         if alias.name.split(".")[0] == "sqlalchemy"]
        if isinstance(node, ast.Attribute):
            chain = ast.unparse(node)
            # the session in any form (db.session, or a name for it), and Flask-SQLAlchemy's query helpers
            if re.fullmatch(r"db\.(session|paginate|get_or_404|first_or_404|one_or_404|select)", chain) \
                    or (node.attr == "query" and isinstance(node.value, ast.Name) and node.value.id[:1].isupper()):
                problems.append(f"line {node.lineno}: {chain}")
    assert not problems, f"{_rel(path)}:\n" + "\n".join(sorted(set(problems)))


def test_only_the_policy_names_roles():
    """Services and pages name abilities (auth.policy.ABILITIES / PARTS), never lists of roles nor a role itself;
    the demo seed grants the demo accounts their roles."""
    offenders = []
    allowed = {"auth/policy.py", "enums.py"}
    for path in SOURCES:
        rel = str(path.relative_to(TRAINER))
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if rel in allowed:
                continue
            if re.search(r"\b[A-Z_]*_ROLES\s*=", line) or (
                    re.search(r"\bRole\.(ADMIN|TRAINING_OFFICER|EVALUATOR|COMMANDER|TRAINEE)\b", line)
                    and rel != "demo/services.py"):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("path", _params(SOURCES, "length"))
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{_rel(path)} has {lines} lines: split it by meaning"


def test_models_live_in_their_domains_models_module():
    offenders = []
    for path in SOURCES:
        if path.name == "models.py" or path.parent.name == "models":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and any(ast.unparse(b) in ("db.Model", "Base") for b in node.bases):
                offenders.append(f"{_rel(path)}: class {node.name}")
    assert not offenders, "\n".join(offenders)


SERVICE_LAYER_FORBIDDEN = re.compile(r"^from flask import .*\b(request|session|g|current_user)\b|^from flask_login import .*current_user",
                                     re.M)


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name in ("services.py",) or p.parent.name == "services"],
                         ids=_rel)
def test_services_take_the_actor_and_never_read_the_request(path):
    assert not SERVICE_LAYER_FORBIDDEN.search(path.read_text(encoding="utf-8")), _rel(path)
