"""What every form view shares: showing a service's refusal on the form that asked for the change."""
from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l

from trainer.errors import Conflict, DomainError
from trainer.extensions import db

DEFAULT_MESSAGE = _l("The form could not be saved.")


def apply_errors(form, error: DomainError) -> None:
    """Show a refused change on its form: the attempted change is rolled back, each field error goes
    under its field, and the message (with any error whose field the form does not have) is flashed,
    so that nothing the service said is lost."""
    db.session.rollback()
    unplaced = []
    for name, message in error.errors:
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            unplaced.append(f"{name}: {message}" if name else message)
    if error.message or unplaced or not error.errors:
        # A conflict is someone else's change, not a mistake of the user's: a warning, not an error.
        flash(" ".join([str(error.message or DEFAULT_MESSAGE), *map(str, unplaced)]),
              "warning" if isinstance(error, Conflict) else "danger")
