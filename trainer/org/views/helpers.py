"""What the organisation's pages share: cleaning typed text, reading ids, labelling units, creating from a form."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from trainer.errors import DomainError
from trainer.forms import apply_errors
from trainer.org import services
from trainer.org.models import Unit
from trainer.security import is_safe_next


def unit_label(unit: Unit) -> str:
    return f"{'  ' * unit.depth}{unit.nation_code} · {unit.code} — {unit.name}"


def unit_choices(roles="org.write", nation: str | None = None, empty: str | None = None):
    units = services.list_units(current_user, roles, nation=nation)
    choices = [(str(u.id), unit_label(u)) for u in units]
    return ([("", empty)] if empty is not None else []) + choices


def clean(value) -> str:
    """Text from the browser without NUL and other control characters (PostgreSQL refuses NUL)."""
    return "".join(c for c in (value or "") if c >= " " or c in "\t").strip()


def int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def back_to(default: str) -> str:
    """Where a multi-step action returns: the page it started from, when that is one of ours."""
    target = request.form.get("back") or request.args.get("back") or ""
    return target if is_safe_next(target) else default


def create_from(form, create):
    """(what `create()` made, 200) when the form was posted valid and the service accepted it; else (None, the
    status to show the form again with): the refusal's, shown on the form, or 422 for an invalid form."""
    if not form.validate_on_submit():
        return None, 422 if form.errors else 200
    try:
        return create(), 200
    except DomainError as exc:
        apply_errors(form, exc)
        return None, exc.status
