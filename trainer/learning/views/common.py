"""What the learning pages share: the units and modules offered in their choosers, and how a form's change is
carried out or refused."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from trainer.curricula.reading import text
from trainer.curricula.services import list_current_modules
from trainer.errors import DomainError
from trainer.forms import apply_errors
from trainer.org.services import list_units


def unit_choices(ability: str = "training.record", empty: str | None = None) -> list[tuple[str, str]]:
    choices = [(str(u.id), f"{'  ' * (u.path.strip('/').count('/'))}{u.nation_code} · {u.code} — {u.name}")
               for u in list_units(current_user, ability)]
    return ([("", empty)] if empty is not None else []) + choices


def module_choices() -> list[tuple[str, str]]:
    return [(m.code, f"{m.code} — {text(m.title)}") for m in list_current_modules()]


def refused_status() -> int:
    """422 for a form POST that was not carried out (a successful one redirects), 200 for a GET."""
    return 422 if request.method == "POST" else 200


def carried_out(form, change) -> tuple[bool, object]:
    """(True, what `change()` returned) when the form was posted valid and the service accepted it; else
    (False, None), with the service's refusal shown on the form, which is shown again with refused_status()."""
    if not form.validate_on_submit():
        return False, None
    try:
        return True, change()
    except DomainError as exc:
        apply_errors(form, exc)
        return False, None
